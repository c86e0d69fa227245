#pragma once
// Which waiting jobs start where, and which running jobs make room: scheduling policy over the whole
// queue and every running job at once. Schedulers are pure decisions over a read-only view (no SimGrid,
// no time passing), as Batsim keeps its scheduler outside the simulator; the capacity controller
// (engine/capacity_controller.cpp) commits what they decide. A new scheduler or placement rule is one
// class here plus one line in make_scheduler / make_placement.
#include "core/units.hpp"
#include "model/platform.hpp"
#include "model/workload.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

/// A job waiting to start (submitted, or requeued after a preemption).
struct QueuedJob {
  int id = 0;
  const JobSpec* job = nullptr;
  Seconds submitted;
  int priority = 0;                             // higher first (priority scheduler)
  std::string project;                          // the team whose quota it counts against
  std::vector<const ClusterSpec*> candidates{}; // where it may run, in the order of preference
  long long gpus = 0;                           // what it asks for
};

/// A job holding capacity now.
struct RunningJob {
  int id = 0;
  const ClusterSpec* cluster = nullptr;
  long long gpus = 0;
  Seconds expected_end; // its own estimate (remaining work at its current speed), for backfilling
  int priority = 0;
  std::string project;
  Seconds started; // the latest start (for preempting the youngest first)
};

/// What a scheduler sees: capacity free now on each cluster, quotas, and how long a job would run.
struct SchedulingView {
  Seconds now;
  std::map<const ClusterSpec*, long long> free_gpus; // delivered to the tenant, not held, not cut off
  std::map<const ClusterSpec*, long long> releasing; // held by jobs preempted and checkpointing now
  std::map<const ClusterSpec*, double> price_factor; // current price / list price
  std::map<std::string, long long> project_quota;    // GPUs a project may hold at once; absent: no limit
  std::map<std::string, long long> project_gpus;     // GPUs each project holds now
  /// Estimated wall time of `job` on `cluster` with `gpus` GPUs (compute and checkpoints).
  std::function<Seconds(const JobSpec&, const ClusterSpec&, long long)> runtime;
  long long free_on(const ClusterSpec* c) const;
  bool within_quota(const QueuedJob& q) const;
};

struct SchedulingDecision {
  enum class Kind { Start, Preempt };
  Kind kind = Kind::Start;
  int job = 0;
  const ClusterSpec* cluster = nullptr; // Start: where
  long long gpus = 0;
  std::string reason;
};

/// Chooses among a job's candidate clusters those with room now.
class PlacementRule {
public:
  virtual ~PlacementRule() = default;
  virtual std::string name() const = 0;
  /// The cluster to start `q` on now with the GPUs free in `free`, or null if none has room.
  virtual const ClusterSpec* place(const QueuedJob& q, const SchedulingView& view,
                                   const std::map<const ClusterSpec*, long long>& free) const = 0;
};

class Scheduler {
public:
  virtual ~Scheduler() = default;
  virtual std::string name() const = 0;
  /// Decisions for now. `queue` is in submission order; decisions are committed in the order given.
  virtual std::vector<SchedulingDecision> decide(const SchedulingView& view,
                                                 const std::vector<QueuedJob>& queue,
                                                 const std::vector<RunningJob>& running) const = 0;
};

/// `fifo`, `easy` (EASY backfilling) or `priority` (with preemption), placing jobs by `placement`
/// (`home_first`, `cheapest` or `earliest_start`). Throws std::invalid_argument for an unknown name.
std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const std::string& placement);
/// The names make_scheduler knows, for messages.
const std::vector<std::string>& scheduler_names();
const std::vector<std::string>& placement_names();

} // namespace riftsim
