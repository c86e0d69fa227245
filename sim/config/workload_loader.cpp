#include "config/loaders.hpp"
#include "config/workload_reading.hpp"
#include "config/yaml_fields.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace riftsim {
namespace {

constexpr double kMaxGpus = 1e7;                     // ten million accelerators: beyond any fleet, so a typo
constexpr double kMaxFlops = 1e30;                   // ~50,000x GPT-4; larger is a unit mistake
constexpr double kMaxSubmit = 100 * kSecondsPerYear; // a century: beyond any plan, so a unit mistake
constexpr double kBytesPerParamDefault = 16; // mixed-precision Adam: 2+2+12 bytes (ZeRO, arXiv 1910.02054)

/// A whole number in [lo, hi] under `key`, or `fallback` when absent.
int whole(Fields& f, const std::string& key, double lo, double hi, int fallback) {
  if (!f.has(key)) return fallback;
  double v = f.unit(key, parse_count);
  if (!(v >= lo && v <= hi) || v != std::floor(v))
    f.fail(key, "must be a whole number between " + format_count(lo) + " and " + format_count(hi));
  return static_cast<int>(v);
}

bool flag(Fields& f, const std::string& key, bool fallback) {
  std::string v = f.string_or(key, fallback ? "true" : "false");
  if (v != "true" && v != "false" && v != "on" && v != "off") f.fail(key, "must be true or false");
  return v == "true" || v == "on";
}

ModelShape read_model_shape(const YAML::Node& node, const std::string& file, const std::string& job) {
  Fields f(node, file, "model of job '" + job + "'");
  ModelShape m;
  m.layers = whole(f, "layers", 1, 10000, 0);
  m.hidden = whole(f, "hidden", 64, 1e6, 0);
  if (m.layers == 0) f.required("layers");
  if (m.hidden == 0) f.required("hidden");
  m.heads = whole(f, "heads", 1, 1e5, std::max(1, m.hidden / 128));
  if (m.hidden % m.heads != 0) f.fail("heads", "must divide 'hidden'");
  m.ffn_hidden = whole(f, "ffn_hidden", 1, 1e7, 4 * m.hidden);
  m.vocab = whole(f, "vocab", 1, 1e8, m.vocab);
  m.seq_len = whole(f, "seq_len", 1, 1e8, m.seq_len);
  m.experts = whole(f, "experts", 1, 1e5, 1);
  m.experts_per_token = whole(f, "experts_per_token", 1, m.experts, 1);
  m.flash_attention = flag(f, "flash_attention", true);
  std::string r = f.string_or("recompute", "selective");
  if (r != "none" && r != "selective" && r != "full") f.fail("recompute", "must be none, selective or full");
  m.recompute = r == "full"        ? ModelShape::Recompute::Full
                : r == "selective" ? ModelShape::Recompute::Selective
                                   : ModelShape::Recompute::None;
  f.done();
  return m;
}

ParallelismSpec read_parallelism(const YAML::Node& node, const std::string& file, const std::string& job,
                                 SourcePos pos) {
  Fields f(node, file, "parallelism of job '" + job + "'");
  ParallelismSpec p;
  p.given = true;
  p.pos = pos;
  p.tensor_pos = f.has("tensor") ? f.pos("tensor") : pos;
  p.tensor = whole(f, "tensor", 1, 1024, 1);
  p.pipeline = whole(f, "pipeline", 1, 100000, 1);
  p.data = whole(f, "data", 1, 1e7, 0);
  p.expert = whole(f, "expert", 1, 1e5, 1);
  p.microbatch = whole(f, "microbatch", 1, 1e6, 1);
  p.virtual_stages = whole(f, "virtual_stages", 1, 1000, 1);
  if (f.has("global_batch")) {
    double b = f.unit("global_batch", parse_count);
    f.require_range("global_batch", b, 1, 1e9, "must be a whole number of sequences between 1 and 1e9");
    if (b != std::floor(b)) f.fail("global_batch", "must be a whole number of sequences");
    p.global_batch = static_cast<long long>(b);
  }
  std::string order = f.string_or("order", "tp-dp-pp");
  if (order != "tp-dp-pp" && order != "tp-pp-dp") f.fail("order", "must be tp-dp-pp or tp-pp-dp");
  p.order = order == "tp-pp-dp" ? ParallelismSpec::Order::TpPpDp : ParallelismSpec::Order::TpDpPp;
  std::string opt = f.string_or("optimizer", "replicated");
  if (opt != "replicated" && opt != "sharded") f.fail("optimizer", "must be replicated or sharded");
  p.optimizer =
      opt == "sharded" ? ParallelismSpec::Optimizer::Sharded : ParallelismSpec::Optimizer::Replicated;
  std::string algo = f.string_or("dp_algorithm", "hierarchical");
  if (algo != "ring" && algo != "hierarchical") f.fail("dp_algorithm", "must be ring or hierarchical");
  p.dp_algorithm =
      algo == "ring" ? ParallelismSpec::DpAlgorithm::Ring : ParallelismSpec::DpAlgorithm::Hierarchical;
  if (f.has("overlap")) {
    p.overlap = f.unit("overlap", parse_fraction);
    f.require_range("overlap", p.overlap, 0, 1, "must be between 0 and 1 (or 0% and 100%)");
  }
  if (f.has("gradient_bytes_per_param")) {
    p.gradient_bytes = f.unit("gradient_bytes_per_param", parse_count);
    f.require_range("gradient_bytes_per_param", p.gradient_bytes, 0.5, 16, "must be between 0.5 and 16");
  }
  f.done();
  return p;
}

/// A job without `mfu` derives its speed from the platform: it needs a model (a shape or its parameters),
/// a global batch, and a layout whose degrees fit its GPUs and model. What depends on the cluster (tensor
/// parallelism within a node) is checked with the scenario (config/inputs.cpp).
void check_derivable(const JobSpec& j, Fields& f) {
  if (!j.model && j.params <= 0)
    throw InputError(j.pos, "job '" + j.name +
                                "' has no 'mfu': give 'params' or a 'model' shape to derive its speed from "
                                "the platform (or give 'mfu')");
  ModelShape m = job_shape(j);
  const ParallelismSpec& p = j.parallelism;
  long long batch = job_global_batch(j);
  if (batch <= 0)
    throw InputError(j.pos, "job '" + j.name +
                                "' has no 'mfu': give 'batch_tokens' or parallelism.global_batch (sequences "
                                "per step) to derive its speed");
  if (p.global_batch > 0 && j.batch_tokens > 0 &&
      std::abs(static_cast<double>(p.global_batch) * m.seq_len - j.batch_tokens) > 0.5)
    f.fail("batch_tokens", "must equal parallelism.global_batch x the model's seq_len when both are given");
  if (p.global_batch == 0 && j.batch_tokens > 0 &&
      std::abs(static_cast<double>(batch) * m.seq_len - j.batch_tokens) > 0.5)
    f.fail("batch_tokens", "must be a whole number of sequences of " + std::to_string(m.seq_len) + " tokens");
  if (!p.given) return; // the default layout rule is applied on the placement cluster
  auto fail = [&](const std::string& message) {
    throw InputError(p.pos, "parallelism of job '" + j.name + "': " + message);
  };
  long long mp = static_cast<long long>(p.tensor) * p.pipeline;
  if (j.gpus % mp != 0)
    fail("tensor x pipeline = " + std::to_string(mp) + " does not divide the job's " +
         std::to_string(j.gpus) + " GPUs");
  long long dp = j.gpus / mp;
  if (p.data > 0 && p.data != dp)
    fail("tensor x pipeline x data = " + std::to_string(mp * p.data) + ", not the job's " +
         std::to_string(j.gpus) + " GPUs");
  if (m.hidden % p.tensor != 0 || m.heads % p.tensor != 0)
    fail("tensor = " + std::to_string(p.tensor) + " must divide the hidden size (" +
         std::to_string(m.hidden) + ") and the heads (" + std::to_string(m.heads) + ")");
  if (static_cast<long long>(p.pipeline) * p.virtual_stages > m.layers)
    fail("pipeline x virtual_stages = " + std::to_string(p.pipeline * p.virtual_stages) +
         " exceeds the model's " + std::to_string(m.layers) + " layers");
  if (p.expert > 1 && (m.experts % p.expert != 0 || dp % p.expert != 0))
    fail("expert = " + std::to_string(p.expert) + " must divide the experts (" + std::to_string(m.experts) +
         ") and the data-parallel width (" + std::to_string(dp) + ")");
  if (batch % (dp * p.microbatch) != 0)
    fail("the global batch (" + std::to_string(batch) +
         " sequences) must be a multiple of data x microbatch = " + std::to_string(dp * p.microbatch));
}

/// When and how the job asks for capacity: `submit`, `priority`, `project`, `deadline`.
void read_request(Fields& f, JobSpec& j) {
  j.submit = f.unit_or("submit", parse_duration, Seconds(0));
  if (!(j.submit.raw() >= 0 && j.submit.raw() <= kMaxSubmit))
    f.fail("submit", "must be between 0 and 100 years after the start");
  j.priority = whole(f, "priority", -1000, 1000, 0);
  j.project = f.string_or("project", "");
  if (f.has("deadline")) {
    j.deadline = f.unit("deadline", parse_duration);
    if (!(*j.deadline > j.submit) || j.deadline->raw() > kMaxSubmit)
      f.fail("deadline", "must come after the job's submit time (both from the start of the simulation)");
  }
}

} // namespace

JobSpec read_job(const std::string& name, const YAML::Node& node, const std::string& file,
                 SourcePos key_pos) {
  JobSpec j;
  j.name = name;
  j.pos = key_pos;
  Fields f(node, file, "job '" + name + "'");

  if (f.has("params")) {
    j.params = f.unit("params", parse_count);
    f.require_range("params", j.params, 1, 1e16, "must be between 1 and 1e16");
  }
  bool has_tokens = f.has("tokens");
  bool has_flops = f.has("flops");
  if (has_flops && has_tokens)
    f.fail("tokens", "cannot be given together with 'flops' (FLOPs = 6·N·D is derived)");
  if (has_flops) {
    j.work = f.unit("flops", parse_flops);
    if (f.has("active_params")) j.active_params = f.unit("active_params", parse_count);
  } else if (has_tokens) {
    double tokens = f.unit("tokens", parse_count);
    f.require_positive("tokens", tokens);
    double active = j.params;
    if (f.has("active_params")) active = j.active_params = f.unit("active_params", parse_count);
    if (active <= 0) f.fail("tokens", "needs 'params' (or 'active_params') to derive FLOPs = 6·N·D");
    j.work = Flops(6.0 * active * tokens);
  } else {
    throw InputError(f.pos(), "job '" + name + "' needs 'flops', or 'params' and 'tokens'");
  }
  if (!(j.work.raw() > 0) || j.work.raw() > kMaxFlops)
    f.fail(has_flops ? "flops" : "tokens", "gives a FLOP count outside (0, 1e30]");

  j.gpus = f.whole("gpus", 1, kMaxGpus);

  // Without `mfu`, the speed is derived from the platform (the step model, docs/model-training.md).
  if (f.has("mfu")) {
    j.mfu = f.unit("mfu", parse_fraction);
    if (!(j.mfu > 0 && j.mfu <= 1)) f.fail("mfu", "must be in (0, 1], e.g. 0.34 or 34%");
  }

  if (f.string("checkpoint_interval") == "auto") {
    j.checkpoint_interval_auto = true;
  } else {
    j.checkpoint_interval = f.unit("checkpoint_interval", parse_duration);
    f.require_positive("checkpoint_interval", j.checkpoint_interval.raw());
  }
  std::string mode = f.string_or("checkpoint_mode", "sync");
  if (mode != "sync" && mode != "async") f.fail("checkpoint_mode", "must be 'sync' or 'async'");
  j.checkpoint_async = mode == "async";
  j.restart_overhead = f.unit_or("restart_overhead", parse_duration, Seconds(0));
  if (j.restart_overhead.raw() < 0) f.fail("restart_overhead", "must not be negative");
  if (f.has("batch_tokens")) {
    j.batch_tokens = f.unit("batch_tokens", parse_count);
    f.require_range("batch_tokens", j.batch_tokens, 1, 1e12, "must be between 1 and 1e12 tokens");
  }
  std::string no_spare = f.string_or("on_no_spare", "wait");
  if (no_spare != "wait" && no_spare != "shrink") f.fail("on_no_spare", "must be 'wait' or 'shrink'");
  j.on_no_spare = no_spare == "shrink" ? JobSpec::NoSpare::Shrink : JobSpec::NoSpare::Wait;

  bool has_size = f.has("checkpoint_size");
  bool has_bpp = f.has("checkpoint_bytes_per_param");
  if (has_size && has_bpp)
    f.fail("checkpoint_bytes_per_param", "cannot be given together with 'checkpoint_size'");
  if (has_size) {
    j.checkpoint_size = f.unit("checkpoint_size", parse_bytes);
    f.require_positive("checkpoint_size", j.checkpoint_size.raw());
  } else {
    double bpp = has_bpp ? f.unit("checkpoint_bytes_per_param", parse_count) : kBytesPerParamDefault;
    if (has_bpp)
      f.require_range("checkpoint_bytes_per_param", bpp, 0.01, 1000, "must be between 0.01 and 1000");
    if (j.params <= 0)
      throw InputError(f.pos(),
                       "job '" + name + "' needs 'params' or 'checkpoint_size' to size its checkpoints");
    j.checkpoint_size = Bytes(bpp * j.params);
  }
  if (j.checkpoint_size.raw() > 1e18)
    f.fail(has_size ? "checkpoint_size" : "params", "gives a checkpoint above 1 EB");

  if (auto m = f.optional("model")) j.model = read_model_shape(*m, file, name);
  if (auto p = f.optional("parallelism"))
    j.parallelism = read_parallelism(*p, file, name, f.pos("parallelism"));
  if (f.has("active_params") && !(j.active_params > 0 && (j.params <= 0 || j.active_params <= j.params)))
    f.fail("active_params", "must be greater than zero and not exceed 'params'");
  if (j.derives_speed()) check_derivable(j, f);

  j.dataset_size = f.unit_or("dataset_size", parse_bytes, Bytes(0));
  if (f.has("dataset_size")) f.require_positive("dataset_size", j.dataset_size.raw());
  if (j.dataset_size.raw() > 1e19) f.fail("dataset_size", "is above 10 EB");
  read_request(f, j);
  f.done();
  return j;
}

WorkloadSpec parse_workload(const std::string& text, const std::string& file) {
  YAML::Node root = load_yaml_text(text, file);
  WorkloadSpec spec;
  spec.file = file;
  Fields top(root, file, "the workload file");
  check_schema_version(top);
  if (auto jobs = top.optional("jobs"))
    for_each_entry(*jobs, file, "jobs", [&](const std::string& n, const YAML::Node& v, SourcePos p) {
      spec.jobs.push_back(read_job(n, v, file, p));
    });
  // Many jobs at once: drawn from templates, or read from job traces (config/workload_generator.cpp).
  if (auto gen = top.optional("generate")) {
    if (!gen->IsSequence()) top.fail("generate", "must be a list of job templates");
    for (const auto& t : *gen)
      for (JobSpec& j : generate_jobs(t, file)) spec.jobs.push_back(std::move(j));
  }
  if (auto traces = top.optional("traces")) {
    if (!traces->IsSequence()) top.fail("traces", "must be a list of job traces");
    for (const auto& t : *traces)
      for (JobSpec& j : read_job_trace(t, file)) spec.jobs.push_back(std::move(j));
  }
  if (spec.jobs.empty()) {
    if (top.has("jobs")) top.fail("jobs", "must list at least one job (or give 'generate' or 'traces')");
    throw InputError(top.pos(), "the workload lists no job: give 'jobs', 'generate' or 'traces'");
  }
  std::set<std::string> names;
  for (const JobSpec& j : spec.jobs)
    if (!names.insert(j.name).second)
      throw InputError(j.pos, "job '" + j.name + "' is defined twice in the workload");
  top.done();
  return spec;
}

WorkloadSpec load_workload(const std::string& path) {
  return parse_workload(read_text_file(path), path);
}

} // namespace riftsim
