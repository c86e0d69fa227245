#pragma once
// How a job responds when its provider takes capacity away. Strategies are pure decisions over a
// read-only view of the world: they never call SimGrid, never sleep and never move data. The engine's
// orchestrator carries out what they decide (mechanism apart from policy, as Batsim keeps its
// scheduler outside the simulator). A new strategy is one class here plus one line in make_strategy.
#include "core/units.hpp"
#include "model/platform.hpp"
#include "model/scenario.hpp"
#include "model/workload.hpp"

#include <memory>
#include <string>
#include <vector>

namespace riftsim {

struct ClusterAvailability {
  const ClusterSpec* cluster = nullptr;
  long long free_gpus = 0; // what the tenant could be given there
  bool cut_off = false;    // the provider no longer supplies this cluster
};

struct WorldView {
  Seconds now;
  std::vector<ClusterAvailability> clusters;
  const ClusterAvailability* find(const std::string& cluster_id) const;
};

struct JobView {
  const JobSpec* job = nullptr;
  const ClusterSpec* current = nullptr; // where it ran when capacity went away
  Flops remaining;                      // work not yet saved in a checkpoint
};

/// What to do. `target == nullptr` means there is nowhere to go: the job is stranded.
struct ResponseDecision {
  const ClusterSpec* target = nullptr;
  Seconds porting;    // software porting and validation on the target, once nodes are delivered
  std::string reason; // one line for the log, e.g. "first target with 25000 free GPUs"
};

class ResponseStrategy {
public:
  virtual ~ResponseStrategy() = default;
  virtual std::string name() const = 0;
  /// Time from the provider's event to the decision (monitoring, paging, a meeting).
  virtual Seconds detection_delay() const = 0;
  virtual ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const = 0;
};

/// Builds the strategy a placement names; throws InputError for an unknown one.
std::unique_ptr<ResponseStrategy> make_strategy(const ResponseSpec& spec, const PlatformSpec& platform);

} // namespace riftsim
