#pragma once
// The speed of a training job from the platform it runs on: the step model (docs/model-training.md).
//
// A step is planned here, without SimGrid: per micro-batch, the compute of the slowest pipeline stage
// (FLOPs over peak × matmul efficiency, plus memory-bound traffic over HBM bandwidth) and the
// communications it repeats — tensor-parallel all-reduces inside a node, activations exchanged between
// pipeline stages, expert all-to-alls — and per step the data-parallel gradient reduction, all as sets of
// concurrent flows between nodes (or between the GPUs of one node). One occurrence of each such phase is
// simulated on SimGrid, on the cluster's own fabric, in a process of its own (engine/step_simulation.cpp);
// the durations come back as a StepTable. TrainingSpeed composes them into a 1F1B step with its bubble and
// the gradient reduction the backward pass does not hide, and answers the campaign's one question:
// useful FLOP/s of job J on cluster C with n GPUs (or split across two clusters).
#include "model/parallelism.hpp"
#include "model/platform.hpp"
#include "model/scenario.hpp"
#include "model/workload.hpp"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace riftsim {

/// The communications a step repeats. Each is simulated once, all its flows started together.
enum class Phase {
  TensorAllReduce,  // one ring step of the tensor-parallel all-reduces (GPUs of one node, scale-up links)
  PipelineExchange, // activations forward and gradients back across every stage boundary at once
  ExpertAllToAll,   // MoE token dispatch: every member of every expert group sends to every other
  DataReduce,       // one ring step of the data-parallel gradient reduction between nodes
  DataNodeReduce,   // hierarchical: one ring step of its first level, inside one node
  ExpertDataReduce, // one ring step of the expert gradients' reduction (expert-data-parallel groups)
};
const char* phase_name(Phase p);

/// Bytes from one node (or, inside a node, one GPU) to another, in one round of a phase.
struct Flow {
  int src = 0;
  int dst = 0;
  double bytes = 0;
  int round = 0;
};

struct PhasePlan {
  Phase phase = Phase::DataReduce;
  bool in_node = false;    // between the GPUs of one node (else between nodes, over the fabric)
  std::vector<Flow> flows; // those of a round start together; rounds follow one another
  int rounds = 1;
  int window = 0;             // nodes 0 .. window-1 stand for every block of as many (0: all simulated)
  size_t job_flows = 0;       // flows of the whole job in the phase (more than `flows` with a window)
  double per_microbatch = 0;  // occurrences per micro-batch and stage (exposed: nothing overlaps them)
  double per_step_reduce = 0; // occurrences per step that the backward pass may hide (gradient reduction)
  double per_step_gather = 0; // occurrences per step that nothing hides (sharded optimizer: parameter gather)
  double max_flow_bytes() const;
};

/// What one step of a job computes and sends on a cluster at one data-parallel width.
struct StepPlan {
  Layout layout; // at this width
  int nodes = 0; // nodes the job's ranks occupy (fabric hosts 0 .. nodes-1)
  int gpus_per_node = 0;
  int stage_layers = 0;       // layers of the slowest pipeline stage
  long long microbatches = 0; // per pipeline per step
  Seconds compute_mb;         // one micro-batch through the slowest stage, forward and backward
  Seconds backward_mb;   // of which the backward pass (and recomputation): what can hide gradient traffic
  Flops useful_per_step; // 6 · active parameters · tokens per step (the job's MFU convention)
  std::vector<PhasePlan> phases;
};

/// Plans a step of `job` (its full layout `full`) on `cluster` with `gpus` GPUs; `total_replicas` is the
/// data-parallel width sharing the global batch (more than this site's when the job is split).
StepPlan plan_step(const JobSpec& job, const Layout& full, const ClusterSpec& cluster, long long gpus,
                   long long total_replicas = 0);

/// Nodes of the step platform's fabric (the cluster's, or the job's if more), the shape of its fat-tree
/// (one host per node, shaped as the campaign's) and its leaf size: the nodes behind one leaf switch of a
/// fat-tree, 1 for a non-blocking star (engine/step_simulation.cpp).
int step_fabric_nodes(const ClusterSpec& cluster, int job_nodes);
FatTreeShape step_fabric_shape(const ClusterSpec& cluster, int job_nodes);
int step_fabric_leaf(const ClusterSpec& cluster, int job_nodes);

/// Seconds one occurrence of each phase took on the fabric.
using PhaseCosts = std::map<Phase, double>;

struct StepKey {
  std::string job;
  std::string cluster;
  int dp = 0; // data-parallel width on that cluster
  auto operator<=>(const StepKey&) const = default;
};

/// Simulated phase costs per (job, cluster, data-parallel width), and each job's full layout.
struct StepTable {
  std::map<std::string, Layout> layouts; // by job: at its full width, resolved on its placement
  std::map<StepKey, PhaseCosts> costs;
};
nlohmann::ordered_json phase_costs_to_json(const PhaseCosts& c);
PhaseCosts phase_costs_from_json(const nlohmann::ordered_json& j);

/// A step and where its time went.
struct StepBreakdown {
  bool derived = false; // false: the job's `mfu` decides its speed, the fabric is ignored
  Layout layout;
  long long microbatches = 0;
  Seconds step;
  Seconds compute;    // micro-batches × compute of the slowest stage
  Seconds exposed_tp; // tensor-parallel all-reduces (not overlapped)
  Seconds exposed_ep; // expert all-to-alls (not overlapped)
  Seconds pp_p2p;     // activations exchanged between stages (not overlapped)
  Seconds pp_bubble;  // 1F1B fill and drain: (stages − 1) / virtual stages × a micro-batch
  Seconds exposed_dp; // gradient reduction the backward pass does not hide, and parameter gathers
  Flops useful_per_step;
  FlopsPerSecond rate; // useful FLOP/s
  double mfu = 0;      // rate / (GPUs × peak)
};

/// Every job/cluster/width the scenario may put a derived-speed job at: its placement, targets and standby
/// at full width, and the widths its throttles leave (and their complements, which a split adds elsewhere).
std::vector<StepKey> steps_needed(const PlatformSpec& platform, const WorkloadSpec& workload,
                                  const ScenarioSpec& scenario, std::map<std::string, Layout>* layouts);

/// The one seam between the campaign and the step model.
class TrainingSpeed {
public:
  TrainingSpeed() = default; // jobs with `mfu` only
  explicit TrainingSpeed(StepTable table) : table_(std::move(table)) {}
  /// Job `job` on `cluster` with `gpus` GPUs.
  StepBreakdown step(const JobSpec& job, const ClusterSpec& cluster, long long gpus) const;
  /// Split data-parallel across two clusters: the slower site paces each step (the cross-site exchange
  /// over the WAN is simulated by the campaign itself).
  StepBreakdown split_step(const JobSpec& job, const ClusterSpec& a, long long gpus_a, const ClusterSpec& b,
                           long long gpus_b) const;
  const StepTable& table() const { return table_; }

private:
  StepBreakdown site_step(const JobSpec& job, const ClusterSpec& c, long long gpus, long long replicas) const;
  PhaseCosts costs_for(const JobSpec& job, const Layout& full, const ClusterSpec& c,
                       const StepPlan& plan) const;
  StepTable table_;
  // Composed steps by (job, cluster, GPUs in whole replicas, replicas sharing the batch): planning a
  // 25,000-GPU step takes ~0.1 s, and a run asks again at every layout change.
  mutable std::map<std::tuple<std::string, std::string, long long, long long>, StepBreakdown> cache_;
};

/// The composition of a planned step with simulated phase costs (exposed for tests and --explain-step).
StepBreakdown compose_step(const StepPlan& plan, const PhaseCosts& costs);

/// Split: gradient bytes each site sends the other per FLOP of useful work. Every parameter has a gradient
/// (each expert of a mixture gets some tokens), while a step's work is 6 · active parameters · tokens.
double split_sync_bytes_per_flop(const JobSpec& job, const ResponseSpec& response);

/// Fraction of a matmul's best-shape throughput that a training step's GEMMs reach, fitted once on the
/// Megatron-LM weak-scaling table (docs/model-training.md).
constexpr double kTrainingGemmShare = 0.70;

} // namespace riftsim
