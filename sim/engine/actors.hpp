#pragma once
// The S4U actors of a run. All live on the tenant's control host, which no provider event touches:
// the job runner drives compute on the provider's hosts remotely, as a training launcher would.
#include "engine/runtime.hpp"

namespace riftsim {
class CapacityController;
}

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
  bool train(); // false when the job finished, true when it stopped
  /// One segment; returns early if stopped. `next_at_once`: the next segment may follow at the same
  /// instant (an asynchronous checkpoint in between), so the Execs may run on.
  void compute(double work, bool next_at_once);
  /// Suspends Execs left running on between two segments: called before anything that lets time pass.
  void pause_execs();
  /// Starts one Exec per host the job trains on, for all its work left at this MFU; returns their amounts.
  std::vector<double> start_execs(double mfu);
  /// Cancels and forgets the job's Execs (it stopped, or finished).
  void drop_execs();
  /// One of the hosts it trains on is off, or went off since its Exec there started.
  bool lost_a_host() const;
  /// Debug builds: throws unless each Exec has the amount the runner counts it to have left.
  void check_exec_amounts() const;
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
  /// The tenures of the allocations the job trains on start now (their energy count).
  void start_tenures();
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

/// What an executor carries out for a job: a response decision (with the incident it answers), the
/// resume at home once its provider restored the capacity it waited for, or a grow-back to full width.
struct Execution {
  enum class Kind { Respond, ResumeHome, GrowBack, Requeued };
  Kind kind = Kind::Respond;
  ResponseDecision decision;
  CutoffEvent event;                 // the loss answered (its time is a notice's deadline)
  bool with_notice = false;          // decided before the loss (a notice, a move of its own accord)
  double t_event = 0;                // the event (or, after a wait for capacity, as if it came later)
  double t_decided = 0;              // the decision
  std::optional<StoppedMsg> stopped; // the job had stopped before the decision
  Allocation here;                   // GPUs where the job is (shrink, split, survivors, home, grow back)
  Allocation there;                  // reserved on the target (migrate, split)
};

/// Carries out one decision of the capacity controller for one job, then reports and ends: waits for
/// the job to stop, moves the checkpoint and the dataset over the WAN, waits for the capacity and the
/// porting, restarts, warms up, and charges where the time went along the critical path. It decides
/// nothing and allocates nothing itself.
class ResponseExecutor {
public:
  ResponseExecutor(JobRuntime& job, BuiltPlatform& platform, Inbox<ExecutorMsg>& inbox, Execution e)
      : job_(job), platform_(platform), inbox_(inbox), exec_(std::move(e)) {}
  void operator()();

private:
  Outcome run();
  std::optional<StoppedMsg> wait_for_stop(); // nullopt: the job finished instead
  /// Asks the controller for `gpus` GPUs on `cluster`, keeping the hosts the job holds there.
  std::optional<Allocation> allocate_keeping_hosts(ClusterRuntime& cluster, long long gpus);
  Seconds checkpoint_write_estimate() const;
  /// Halts the job (final checkpoint) in time to end before the event's cutoff, not before `not_before`.
  void halt_before(const CutoffEvent& event, double not_before);
  Outcome wait_before_restore();
  Outcome resume_home_after_wait();
  Outcome restart_after_preemption();
  Outcome shrink_in_place(const ResponseDecision& d, Allocation here);
  Outcome split_across();
  Outcome grow_back(Allocation full);
  Outcome migrate(const CutoffEvent& event, bool with_notice, std::optional<StoppedMsg> already_stopped);
  Outcome switch_to_standby();
  /// Reads the latest checkpoint back from `store` (the restart's I/O); nothing if none was saved.
  void read_checkpoint_back(const RegionRuntime& store);
  /// Trains the job on `alloc` (held since its `since`: idle until now); `reshard`: on another layout,
  /// after a warm-up.
  void resume_with(const Allocation& alloc, bool reshard);
  void warm_up(const ClusterRuntime& cluster);
  void book_ramp(const ClusterRuntime& cluster, const std::vector<CapacitySpec::Held>& held);

  JobRuntime& job_;
  BuiltPlatform& platform_;
  Inbox<ExecutorMsg>& inbox_;
  Execution exec_;
  bool home_restored_ = false;              // the controller said the job's home is back
  std::optional<StoppedMsg> waiting_since_; // Waiting: how the job stopped
};

/// Breaks nodes of one cluster at random (seeded) or traced times. The stream depends only on the seed
/// and the cluster, never on what the jobs do, so a run and its baseline see the same failures where
/// they run on the same hardware (common random numbers). A failed node under a job interrupts it and
/// goes to repair, coming back as a spare after the repair time; failures of idle nodes do not matter.
class FailureInjector {
public:
  FailureInjector(ClusterRuntime& cluster, std::vector<JobRuntime*> jobs, std::uint64_t seed, RunLog& log,
                  CapacityController& controller)
      : cluster_(cluster), jobs_(std::move(jobs)), seed_(seed), log_(log), controller_(controller) {}
  void operator()();

private:
  /// A node used by a job failed (and goes to repair).
  void fail(int node);

  ClusterRuntime& cluster_;
  std::vector<JobRuntime*> jobs_; // by job id
  std::uint64_t seed_;
  RunLog& log_;
  CapacityController& controller_; // spares and repairs are capacity: the controller's
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

/// Plays the scenario's provider events at their times, notices first: each is a message to the
/// capacity controller, which applies it.
class ProviderTimeline {
public:
  ProviderTimeline(const std::vector<TimedEvent>& events, CapacityController& controller)
      : events_(events), controller_(controller) {}
  void operator()();

private:
  const std::vector<TimedEvent>& events_;
  CapacityController& controller_;
};

/// The time a checkpoint of `job` may take to write where it is: the store's bandwidth alone, with a
/// 10 % margin for other I/O on it (a notice's final checkpoint starts that long before the deadline).
Seconds checkpoint_write_margin(const JobRuntime& job);

} // namespace riftsim
