#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"

#include <cmath>

namespace riftsim {
namespace {

constexpr double kMaxGpus = 1e7;             // ten million accelerators: beyond any fleet, so a typo
constexpr double kMaxFlops = 1e30;           // ~50,000x GPT-4; larger is a unit mistake
constexpr double kBytesPerParamDefault = 16; // mixed-precision Adam: 2+2+12 bytes (ZeRO, arXiv 1910.02054)

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
  } else if (has_tokens) {
    double tokens = f.unit("tokens", parse_count);
    f.require_positive("tokens", tokens);
    double active = j.params;
    if (f.has("active_params")) active = f.unit("active_params", parse_count);
    if (active <= 0) f.fail("tokens", "needs 'params' (or 'active_params') to derive FLOPs = 6·N·D");
    j.work = Flops(6.0 * active * tokens);
  } else {
    throw InputError(f.pos(), "job '" + name + "' needs 'flops', or 'params' and 'tokens'");
  }
  if (!(j.work.raw() > 0) || j.work.raw() > kMaxFlops)
    f.fail(has_flops ? "flops" : "tokens", "gives a FLOP count outside (0, 1e30]");

  double gpus = f.unit("gpus", parse_count);
  f.require_range("gpus", gpus, 1, kMaxGpus, "must be a whole number between 1 and 10,000,000");
  if (gpus != std::floor(gpus)) f.fail("gpus", "must be a whole number");
  j.gpus = static_cast<long long>(gpus);

  j.mfu = f.unit("mfu", parse_fraction);
  if (!(j.mfu > 0 && j.mfu <= 1)) f.fail("mfu", "must be in (0, 1], e.g. 0.34 or 34%");

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
    if (has_bpp) f.require_positive("checkpoint_bytes_per_param", bpp);
    if (j.params <= 0)
      throw InputError(f.pos(),
                       "job '" + name + "' needs 'params' or 'checkpoint_size' to size its checkpoints");
    j.checkpoint_size = Bytes(bpp * j.params);
  }
  if (j.checkpoint_size.raw() > 1e18)
    f.fail(has_size ? "checkpoint_size" : "params", "gives a checkpoint above 1 EB");

  j.dataset_size = f.unit_or("dataset_size", parse_bytes, Bytes(0));
  if (f.has("dataset_size")) f.require_positive("dataset_size", j.dataset_size.raw());
  if (j.dataset_size.raw() > 1e19) f.fail("dataset_size", "is above 10 EB");
  f.done();
  return j;
}

} // namespace

WorkloadSpec parse_workload(const std::string& text, const std::string& file) {
  YAML::Node root = load_yaml_text(text, file);
  WorkloadSpec spec;
  spec.file = file;
  Fields top(root, file, "the workload file");
  if (auto v = top.optional("schema_version"); v && v->as<std::string>() != "1")
    top.fail("schema_version", "is not supported (this riftsim reads schema_version 1)");
  for_each_entry(top.required("jobs"), file, "jobs",
                 [&](const std::string& n, const YAML::Node& v, SourcePos p) {
                   spec.jobs.push_back(read_job(n, v, file, p));
                 });
  if (spec.jobs.empty()) top.fail("jobs", "must list at least one job");
  top.done();
  return spec;
}

WorkloadSpec load_workload(const std::string& path) {
  return parse_workload(read_text_file(path), path);
}

} // namespace riftsim
