#pragma once
// The S4U actors of a run. All live on the tenant's control host, which no provider event touches:
// the job runner drives compute on the provider's hosts remotely, as a training launcher would.
#include "engine/runtime.hpp"

#include <cstdint>
#include <vector>

namespace riftsim {

/// Trains one job: compute segments as Exec activities on its hosts, a checkpoint to the region's
/// storage after each, and a stop when hosts are lost or a halt is requested.
class JobRunner {
public:
  explicit JobRunner(JobRuntime& job) : job_(job) {}
  void operator()();

private:
  bool train();              // false when the job finished, true when it stopped
  void compute(double work); // one segment; returns early if stopped
  bool write_checkpoint(bool final);
  bool halt();
  void lose_uncommitted(double extra_wasted);
  void release_hosts();
  /// split: the gradient exchange of a segment of `work` FLOPs with the remote group, over the WAN.
  void exchange_gradients(double work);
  /// Compute not yet saved in a checkpoint: its seconds, and what the same work would have taken on the
  /// job's home cluster at the same width (the hardware effect is the difference).
  struct UnsavedCompute {
    double seconds = 0;
    double at_home = 0;
  };
  /// The checkpoint holding `progress` is saved in `region`: the `kept` compute counts, and the first
  /// `saved_spans` log spans are no longer at risk.
  void commit(double progress, const RegionRuntime* region, const UnsavedCompute& kept, size_t saved_spans);
  void keep(const UnsavedCompute& c);
  /// A periodic checkpoint stalled training for `seconds`, before saving `pending_`.
  void book_checkpoint_stall(double seconds);
  void start_async_checkpoint(const RegionRuntime* region, sg_size_t bytes);
  void async_checkpoint_written(double snapshot, const RegionRuntime* region, size_t saved_spans);
  /// Waits for an asynchronous checkpoint still being written (a stall), unless a failure interrupts.
  void wait_for_async_checkpoint();
  /// After a node failure: replace the node, restart, read the checkpoint. False if a provider event
  /// took the hosts meanwhile (the orchestrator takes over).
  bool recover_from_failure();
  bool replace_failed_nodes();
  void give_up_one_node();
  /// Waits for a disk operation, or until a failure or a provider event interrupts the job.
  void wait_for(const DiskIo& io);
  DiskIo::OnDone wake_me();

  /// Finished, stranded or given up: releases what the job holds and tells its helpers.
  void end_job(JobStatus status, const std::string& detail);
  void give_up_without_progress();
  /// A job that fails this many times in a row without saving a checkpoint makes no progress: it
  /// would simulate forever (a viable job is done with such a streak with probability ~0).
  static constexpr int kMaxFailuresWithoutCheckpoint = 10'000;

  JobRuntime& job_;
  UnsavedCompute async_pending_;  // what an asynchronous checkpoint will save once written
  UnsavedCompute pending_;        // compute whose work is not yet in a checkpoint
  size_t first_pending_span_ = 0; // log spans since the last checkpoint (relabelled if lost)
};

/// Carries out the job's response strategy when its provider takes capacity away: decides, provisions,
/// moves the checkpoint and the dataset over the WAN, ports, restarts, and charges the lost time.
class MigrationOrchestrator {
public:
  MigrationOrchestrator(JobRuntime& job, BuiltPlatform& platform) : job_(job), platform_(platform) {}
  void operator()();

private:
  void respond(const CutoffEvent& event, bool with_notice, std::optional<JobStoppedMsg> already_stopped);
  /// No target could take the stopped job: wait for a grant or restore that changes the decision `d`
  /// (the wait is charged; `t_event`/`t_decided` move on), or until no event is left. False when the job
  /// needs nothing more (stranded, or resumed at home).
  bool wait_for_capacity(const JobView& view, const JobStoppedMsg& stop, ResponseDecision& d, double& t_event,
                         double& t_decided);
  void migrate(const CutoffEvent& event, bool with_notice, std::optional<JobStoppedMsg> already_stopped,
               double t_event, double t_decided, const ResponseDecision& d);
  std::optional<JobStoppedMsg> wait_for_stop(); // nullopt: the job finished instead
  /// What the job's strategy sees; with `announced`, as it will be once that throttle has happened.
  WorldView world_view(const ThrottleEvent* announced = nullptr) const;
  JobView job_view() const;
  /// A throttle is announced that will take some of the job's nodes: decide now, and checkpoint just
  /// before it.
  void prepare_for_throttle(const ThrottleEvent& e);
  Seconds checkpoint_write_estimate() const;
  /// Halts the job (final checkpoint) in time to end before the event's cutoff, not before `not_before`.
  void halt_before(const CutoffEvent& event, double not_before);
  /// Reads the latest checkpoint back from `store` (the restart's I/O); nothing if none was saved.
  void read_checkpoint_back(const RegionRuntime& store);
  /// Gives the job `gpus` GPUs on `cluster`, held since `since`, and lets its runner resume; if the
  /// cluster has no room, the job is stranded and this returns false.
  /// `reshard`: the job restarts on another layout, and warms up first (the response's `warmup`).
  bool resume_on(ClusterRuntime& cluster, long long gpus, double since, bool reshard = false);
  void warm_up(const ClusterRuntime& cluster);
  /// Books `a`'s node-hours from `from` to `to` as idle (held, not training).
  void charge_idle(const Allocation& a, double from, double to);
  void switch_to_standby(std::optional<JobStoppedMsg> already_stopped, double t_event, double t_decided);
  /// After a shrink, when the capacity is restored: halt with a final checkpoint, restart at full width.
  void grow_back();
  void shrink_in_place(std::optional<JobStoppedMsg> already_stopped, double t_event, double t_decided,
                       const ResponseDecision& d);
  /// split: shrink here now; once the target's nodes are delivered and ported, restart across both.
  void split_across(std::optional<JobStoppedMsg> already_stopped, double t_event, double t_decided,
                    const ResponseDecision& d);
  void wait_for_restore(const CutoffEvent& event, bool with_notice,
                        std::optional<JobStoppedMsg> already_stopped, double t_event, double t_decided,
                        const std::string& reason);
  /// The provider gave back the job's cluster: read the checkpoint back there and resume, charging the
  /// wait since the decision.
  void resume_home_after_wait(double t_event, double t_decided, const JobStoppedMsg& stop);

  JobRuntime& job_;
  BuiltPlatform& platform_;
  bool events_over_ = false; // the timeline has no event left: a stranded job stays stranded
  /// A decision taken at a throttle's notice, used when that throttle comes.
  struct PreparedResponse {
    ResponseDecision decision;
    double decided_at = 0;
    ProviderScope scope;
    double at = 0;
  };
  std::optional<PreparedResponse> prepared_;
  bool gave_up_ = false; // the job is stranded: this actor ends
  void give_up();
};

/// Breaks nodes of one cluster at random (seeded) or traced times. The stream depends only on the seed
/// and the cluster, never on what the jobs do, so a run and its baseline see the same failures where
/// they run on the same hardware (common random numbers). A failed node under a job interrupts it and
/// goes to repair, coming back as a spare after the repair time; failures of idle nodes do not matter.
class FailureInjector {
public:
  FailureInjector(ClusterRuntime& cluster, std::vector<JobRuntime*> jobs, std::uint64_t seed, RunLog& log)
      : cluster_(cluster), jobs_(std::move(jobs)), seed_(seed), log_(log) {}
  void operator()();

private:
  /// A node used by a job failed; true if a spare replaced it, owed back to the pool when repaired.
  bool fail(int node);

  ClusterRuntime& cluster_;
  std::vector<JobRuntime*> jobs_; // by job id
  std::uint64_t seed_;
  RunLog& log_;
};

/// Fails a whole job now and then, whatever its size (software bugs, collective-library hangs, storage
/// faults), at the job-level rate of the cluster it trains on: it restarts from its last checkpoint, no
/// node is replaced.
class JobFailureInjector {
public:
  JobFailureInjector(JobRuntime& job, std::uint64_t seed, RunLog& log) : job_(job), seed_(seed), log_(log) {}
  void operator()();

private:
  JobRuntime& job_;
  std::uint64_t seed_;
  RunLog& log_;
};

/// Hedge: copies each new checkpoint (and, first, the dataset) to the warm standby's store, one at a
/// time; a checkpoint written while a copy runs waits for the next round (the replication lag).
class CheckpointReplicator {
public:
  CheckpointReplicator(JobRuntime& job, BuiltPlatform& platform) : job_(job), platform_(platform) {}
  void operator()();

private:
  JobRuntime& job_;
  BuiltPlatform& platform_;
};

/// Plays the scenario's provider events at their times: notices, and cutoffs that turn hosts off.
class ProviderTimeline {
public:
  ProviderTimeline(std::vector<TimedEvent> events, std::vector<JobRuntime*> jobs, BuiltPlatform& platform,
                   RunLog& log)
      : events_(std::move(events)), jobs_(std::move(jobs)), platform_(platform), log_(log) {}
  void operator()();

private:
  void notice(const ProviderEvent& e);
  void cutoff(const CutoffEvent& e);
  void restore(const RestoreEvent& e);
  void throttle(const ThrottleEvent& e);
  void price(const PriceEvent& e);
  void grant(const GrantEvent& e);
  void link(const LinkEvent& e);

  std::vector<TimedEvent> events_;
  std::vector<JobRuntime*> jobs_;
  BuiltPlatform& platform_;
  RunLog& log_;
};

} // namespace riftsim
