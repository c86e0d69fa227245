#include "model/parallelism.hpp"

#include "model/platform.hpp"
#include "model/workload.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

namespace riftsim {

namespace {
// Mixed-precision Adam keeps 16 bytes of state per parameter: bf16 weights and gradients, fp32 master
// weights and two moments (Rajbhandari et al., ZeRO, arXiv 1910.02054, §3.1).
constexpr double kStateBytesPerParam = 16;
// The default layout gives the model state half of a GPU's memory and keeps the rest for activations.
constexpr double kStateShareOfMemory = 0.5;
} // namespace

double ModelShape::layer_params() const {
  double h = hidden;
  return 4 * h * h + static_cast<double>(experts) * 2 * h * ffn_hidden;
}

double ModelShape::layer_active_params() const {
  double h = hidden;
  return 4 * h * h + static_cast<double>(experts_per_token) * 2 * h * ffn_hidden;
}

double ModelShape::params() const {
  return layers * layer_params() + static_cast<double>(vocab) * hidden;
}

double ModelShape::active_params() const {
  return layers * layer_active_params() + static_cast<double>(vocab) * hidden;
}

ModelShape default_shape(double params) {
  // params ≈ 12·l·h² with h = 128·l: h³ = 128·params/12. Hidden sizes are multiples of 1,024 (of 128 for
  // small models), so that heads of 128 split evenly over up to 8 tensor-parallel GPUs.
  ModelShape m;
  double h = std::cbrt(128.0 * params / 12.0);
  int grain = h >= 1024 ? 1024 : 128;
  m.hidden = std::max(128, static_cast<int>(std::lround(h / grain)) * grain);
  m.layers = std::max(1, static_cast<int>(std::lround(params / (12.0 * m.hidden * m.hidden))));
  m.heads = std::max(1, m.hidden / 128);
  m.ffn_hidden = 4 * m.hidden;
  return m;
}

long long Layout::microbatches(long long replicas) const {
  long long per_step = std::max(1LL, replicas) * microbatch;
  return (global_batch + per_step - 1) / per_step;
}

std::string Layout::str() const {
  std::string s = fmt::format("tp {} × pp {} × dp {}", tp, pp, dp);
  if (ep > 1) s += fmt::format(" (ep {})", ep);
  s += fmt::format(", micro-batch {}", microbatch);
  if (virtual_stages > 1) s += fmt::format(", {} virtual stages", virtual_stages);
  return s;
}

ModelShape job_shape(const JobSpec& job) {
  if (job.model) return *job.model;
  return default_shape(job.active_params > 0 ? job.active_params : job.params);
}

long long job_global_batch(const JobSpec& job) {
  if (job.parallelism.global_batch > 0) return job.parallelism.global_batch;
  if (job.batch_tokens <= 0) return 0;
  return std::max(1LL, std::llround(job.batch_tokens / job_shape(job).seq_len));
}

namespace {

Layout from_spec(const JobSpec& job, const ParallelismSpec& p) {
  Layout l;
  l.tp = p.tensor;
  l.pp = p.pipeline;
  l.dp = static_cast<int>(job.gpus / (static_cast<long long>(p.tensor) * p.pipeline));
  l.ep = p.expert;
  l.microbatch = p.microbatch;
  l.virtual_stages = p.virtual_stages;
  l.global_batch = job_global_batch(job);
  l.order = p.order;
  l.optimizer = p.optimizer;
  l.dp_algorithm = p.dp_algorithm;
  l.overlap = p.overlap;
  l.gradient_bytes = p.gradient_bytes;
  return l;
}

/// Narayanan et al. (SC21, arXiv 2104.04473, §3 takeaways): tensor parallelism up to the GPUs of a
/// node, pipeline stages across nodes until the model state fits, data parallelism for the rest.
Layout default_layout(const JobSpec& job, const ClusterSpec& c) {
  ModelShape m = job_shape(job);
  double params = job.params > 0 ? job.params : m.params();
  auto fail = [&](const std::string& why) -> Layout {
    throw InputError(job.pos, "job '" + job.name +
                                  "' has no 'parallelism' and the default layout does not fit " + c.id +
                                  ": " + why + " (give a 'parallelism' block)");
  };
  if (c.gpu_memory.raw() <= 0) return fail("the cluster gives no GPU memory");
  double state = kStateBytesPerParam * params;
  auto model_parallel = static_cast<long long>(std::ceil(state / (kStateShareOfMemory * c.gpu_memory.raw())));
  int tp = 1;
  while (tp * 2 <= c.gpus_per_node && c.gpus_per_node % (tp * 2) == 0 && m.hidden % (tp * 2) == 0 &&
         m.heads % (tp * 2) == 0 && tp < model_parallel)
    tp *= 2;
  long long pp_min = std::max(1LL, (model_parallel + tp - 1) / tp);
  for (long long pp = pp_min; pp <= m.layers; ++pp) {
    if (job.gpus % (tp * pp) != 0) continue;
    ParallelismSpec p;
    p.tensor = tp;
    p.pipeline = static_cast<int>(pp);
    return from_spec(job, p);
  }
  return fail(
      fmt::format("{:.3g} parameters need {} model-parallel GPUs, and no pipeline depth from {} to {} "
                  "layers divides {} GPUs into whole replicas with tensor parallelism {}",
                  params, model_parallel, pp_min, m.layers, job.gpus, tp));
}

} // namespace

Layout job_layout(const JobSpec& job, const ClusterSpec& placement) {
  return job.parallelism.given ? from_spec(job, job.parallelism) : default_layout(job, placement);
}

Layout layout_at(const Layout& full, long long gpus) {
  Layout l = full;
  l.dp = static_cast<int>(gpus / full.model_parallel());
  // Expert groups are carved out of the data-parallel replicas: keep the largest degree that still fits.
  if (l.dp > 0 && l.dp % l.ep != 0) l.ep = std::gcd(l.ep, l.dp);
  return l;
}

std::optional<std::string> layout_problem(const JobSpec& job, const Layout& layout, const ClusterSpec& c) {
  if (c.gpus_per_node % layout.tp != 0)
    return fmt::format("job '{}' splits its layers over {} GPUs (tensor parallelism), which must sit in one "
                       "node; {} has {} GPUs per node",
                       job.name, layout.tp, c.id, c.gpus_per_node);
  std::vector<std::string> missing;
  if (c.scale_up_bandwidth.raw() <= 0) missing.emplace_back("scale_up_bandwidth");
  if (c.memory_bandwidth.raw() <= 0) missing.emplace_back("memory_bandwidth");
  if (c.matmul_efficiency <= 0) missing.emplace_back("matmul_efficiency");
  if (!missing.empty()) {
    std::string keys;
    for (const auto& k : missing) keys += (keys.empty() ? "" : ", ") + k;
    return fmt::format(
        "job '{}' derives its speed from the platform (it has no 'mfu'), but cluster {} gives no "
        "{} (add them to the cluster or its catalog entry)",
        job.name, c.id, keys);
  }
  return std::nullopt;
}

} // namespace riftsim
