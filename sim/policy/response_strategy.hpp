#pragma once
// How a job responds when its provider takes capacity away. Strategies are pure decisions over a
// read-only view of the world: they never call SimGrid, never sleep and never move data. The engine's
// orchestrator carries out what they decide (mechanism apart from policy, as Batsim keeps its
// scheduler outside the simulator). A new strategy is one class here plus one line in make_strategy.
#include "core/units.hpp"
#include "model/platform.hpp"
#include "model/scenario.hpp"
#include "model/training_speed.hpp"
#include "model/workload.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

struct ClusterAvailability {
  const ClusterSpec* cluster = nullptr;
  long long free_gpus = 0; // what the tenant could be given there
  bool cut_off = false;    // the provider no longer supplies this cluster
  double price_factor = 1; // the provider's current price / list price
  // A grant of capacity there, if one came: nodes arrive from `granted_at` + lead as `grant_capacity` says.
  std::optional<Seconds> granted_at{};
  Seconds grant_lead{};
  CapacitySpec grant_capacity{};
  // The tenant first asked for capacity here at `requested_at` (its own schedule runs from then) and
  // holds `held_nodes` nodes here already (counted against the quota).
  std::optional<Seconds> requested_at{};
  int held_nodes = 0;
  int reserved_nodes = 0; // a reservation's nodes, the tenant's now (no lead time); taken first
  /// Until `nodes` more nodes would be there if asked at `now`: the sooner of the cluster's own lead
  /// time and ramp, and the grant's; infinite if neither quota holds them.
  Seconds ready_in(int nodes, Seconds now) const;
  /// The nodes a tenant asking for `nodes` at `now` holds before all are there (absolute times), from
  /// the schedule that ready_in chooses: taken as they arrive, and billed from then on.
  std::vector<CapacitySpec::Held> held_before_ready(int nodes, Seconds now) const;
};

struct WorldView {
  Seconds now;
  const PlatformSpec* platform = nullptr; // links, prices, storage: for estimates
  std::vector<ClusterAvailability> clusters;
  std::vector<std::string> links_down;
  const TrainingSpeed* speed = nullptr; // how fast a job trains where (null: jobs with `mfu` only)
  const ClusterAvailability* find(const std::string& cluster_id) const;
};

struct JobView {
  const JobSpec* job = nullptr;
  const ClusterSpec* current = nullptr; // where it ran when capacity went away
  Flops remaining;                      // work not yet saved in a checkpoint
  std::vector<std::string> paths{};     // links its copies prefer (the response's `paths`)
  int streams = kDefaultStreams;        // parallel streams per copy
};

/// What a move to `target` would take and cost, from the platform's nominal numbers (no contention).
struct MoveEstimate {
  Seconds finish;       // from now until the job would be done there
  Seconds provisioning; // until its nodes are there
  Usd cost;             // compute there (from delivery) plus egress
  Seconds transfer;     // checkpoint and dataset over the link, alone on it
};
MoveEstimate estimate_move(const JobView& job, const ClusterSpec& target, const WorldView& world,
                           Seconds detection, Seconds porting, bool exit_waiver = false);

/// What to do: move to `target`, wait where it is for the capacity to come back, or give up (stranded).
struct ResponseDecision {
  enum class Action { Migrate, Wait, Shrink, SwitchToStandby, Split, Strand };
  Action action = Action::Strand;
  const ClusterSpec* target = nullptr;
  Seconds porting;          // software porting and validation on the target, once nodes are delivered
  std::string reason;       // one line for the log, e.g. "first target with 25000 free GPUs"
  long long gpus = 0;       // shrink, split: the GPUs to continue on where the job is; migrate: those
                            // left where it is (a throttle), to train on until the target is ready
  bool exit_waiver = false; // migrate: claim the provider's free-egress-on-exit program
  Seconds provisioning{};   // migrate: until the target's nodes are there
  // migrate, split: the target's nodes delivered before all are there, taken (and billed) as they arrive
  std::vector<CapacitySpec::Held> ramp{};
};

class ResponseStrategy {
public:
  virtual ~ResponseStrategy() = default;
  virtual std::string name() const = 0;
  /// Time from the provider's event to the decision (monitoring, paging, a meeting).
  virtual Seconds detection_delay() const = 0;
  virtual ResponseDecision on_capacity_loss(const JobView& job, const WorldView& world) const = 0;
  /// Whether the job moves on its own when its provider's price becomes `factor` x the list price.
  virtual bool moves_on_price(double /*factor*/) const { return false; }
  /// A cluster to hold warm from the start, replicating checkpoints to it (hedge); none by default.
  virtual const ClusterSpec* standby() const { return nullptr; }
};

/// Builds the strategy a placement names; throws InputError for an unknown one.
std::unique_ptr<ResponseStrategy> make_strategy(const ResponseSpec& spec, const PlatformSpec& platform);
/// The strategies make_strategy knows, for the loader's messages.
const std::vector<std::string>& strategy_names();

} // namespace riftsim
