#pragma once
// How a training job is spread over GPUs (tensor, pipeline, data and expert parallel degrees, micro-batch,
// pipeline schedule, rank order) and the shape of the model it trains. Plain data and arithmetic, no
// SimGrid: the step model (model/training_speed.hpp) turns a layout on a cluster into a step time.
// The rules, defaults and their sources are in docs/model-training.md.
#include "core/input_error.hpp"
#include "core/units.hpp"

#include <optional>
#include <string>

namespace riftsim {

struct ClusterSpec;
struct JobSpec;

/// The transformer being trained (`model:` in the workload), or a default shape derived from `params`.
struct ModelShape {
  int layers = 0;
  int hidden = 0;
  int heads = 0;               // default hidden / 128
  int ffn_hidden = 0;          // default 4 × hidden (a GELU MLP)
  int vocab = 51200;           // Megatron-LM's padded GPT-2 vocabulary
  int seq_len = 2048;          // tokens per sequence
  int experts = 1;             // mixture of experts: experts per layer (1 = dense)
  int experts_per_token = 1;   // top-k routing
  bool flash_attention = true; // attention without materialising the s × s scores in memory
  enum class Recompute { None, Selective, Full } recompute = Recompute::Selective;

  /// Parameters of one layer: attention 4h², the MLP 2·h·ffn per expert (experts of them).
  double layer_params() const;
  /// Of those, the ones a token goes through: attention and experts_per_token MLPs.
  double layer_active_params() const;
  /// Parameters of the whole model: layers, and the (tied) embedding V·h.
  double params() const;
  double active_params() const;
  bool moe() const { return experts > 1; }
};

/// The default shape of a dense model of `params` parameters: GPT-3's aspect ratio, hidden = 128 × layers
/// (Brown et al. 2020, Table 2.1: 175B has 96 layers of 12,288), hidden a multiple of 1,024 (128 below).
ModelShape default_shape(double params);

/// The layout as the workload file gives it (`parallelism:`); 0 = not given.
struct ParallelismSpec {
  bool given = false;
  int tensor = 1;
  int pipeline = 1;
  int data = 0; // derived as gpus / (tensor × pipeline) when not given
  int expert = 1;
  int microbatch = 1;
  int virtual_stages = 1;     // interleaved 1F1B: model chunks per pipeline stage
  long long global_batch = 0; // sequences per optimizer step; 0 = batch_tokens / seq_len
  enum class Order { TpDpPp, TpPpDp } order = Order::TpDpPp; // rank order, fastest-varying first
  enum class Optimizer { Replicated, Sharded } optimizer = Optimizer::Replicated;
  enum class DpAlgorithm { Ring, Hierarchical } dp_algorithm = DpAlgorithm::Hierarchical;
  double overlap = 1.0;      // share of the gradient reduction the backward pass may hide
  double gradient_bytes = 2; // bytes per gradient on the wire (bf16)
  SourcePos pos;             // the `parallelism:` key, or the job
  SourcePos tensor_pos;
};

/// A layout resolved for a job at one width: every degree known, degrees multiplying to the GPUs used.
struct Layout {
  int tp = 1, pp = 1, dp = 1, ep = 1;
  int microbatch = 1;
  int virtual_stages = 1;
  long long global_batch = 1; // sequences
  ParallelismSpec::Order order = ParallelismSpec::Order::TpDpPp;
  ParallelismSpec::Optimizer optimizer = ParallelismSpec::Optimizer::Replicated;
  ParallelismSpec::DpAlgorithm dp_algorithm = ParallelismSpec::DpAlgorithm::Hierarchical;
  double overlap = 1.0;
  double gradient_bytes = 2;
  long long gpus() const { return static_cast<long long>(tp) * pp * dp; }
  int model_parallel() const { return tp * pp; }
  /// Micro-batches each pipeline runs per step when `replicas` replicas share the global batch.
  long long microbatches(long long replicas) const;
  /// "tp 8 × pp 16 × dp 192 (ep 16), micro-batch 1"
  std::string str() const;
};

/// The job's model shape: as given, or the default for its parameters.
ModelShape job_shape(const JobSpec& job);
/// Global batch in sequences: `parallelism.global_batch`, or `batch_tokens` / seq_len; 0 if neither.
long long job_global_batch(const JobSpec& job);
/// The job's layout at its full width: as written, or the default rule on `placement`
/// (docs/model-training.md: tensor parallel up to the node, then pipeline stages until the model state fits,
/// data parallel for the rest). Throws InputError (at the job) when no default fits; check_job_layout says
/// why.
Layout job_layout(const JobSpec& job, const ClusterSpec& placement);
/// The layout at `gpus` GPUs: the same model-parallel degrees, as many whole replicas as fit (0 if none).
Layout layout_at(const Layout& full, long long gpus);
/// Why the job's layout cannot run on `cluster` (tensor parallelism across nodes, no scale-up bandwidth
/// or matmul efficiency in the catalog...), or nullopt.
std::optional<std::string> layout_problem(const JobSpec& job, const Layout& layout,
                                          const ClusterSpec& cluster);

} // namespace riftsim
