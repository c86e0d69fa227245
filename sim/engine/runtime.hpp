#pragma once
// Simulation-time state shared by the actors of one run. SimGrid actors are cooperative threads of one
// process, so plain shared objects are safe; Inbox gives them blocking, zero-time message passing.
#include "accounting/ledger.hpp"
#include "accounting/run_result.hpp"
#include "engine/capacity.hpp"
#include "engine/disk_io.hpp"
#include "engine/messages.hpp"
#include "engine/platform_builder.hpp"
#include "engine/progress.hpp"
#include "model/scenario.hpp"
#include "model/training_speed.hpp"
#include "model/workload.hpp"
#include "policy/response_strategy.hpp"

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

namespace riftsim {

class WanTransfer;

class CapacityController;
enum class JobActivity { Idle, Computing, Checkpointing, Restarting, WaitingForSpares };

/// What one actor sleeps on while others may interrupt it. A semaphore takes one simcall per wait; a
/// mutex with a condition variable takes three (lock, wait, unlock), and a run with failures waits
/// ~30,000 times. Waiters test their own condition in a loop, so a wake-up that finds nothing new is
/// harmless. No locking: SimGrid actors are cooperative, nothing runs between the test and the wait.
class Wakeup {
public:
  void notify() {
    if (!sleeping_) return;
    sleeping_ = false;
    sem_->release();
  }
  void wait() {
    sleeping_ = true;
    sem_->acquire();
  }
  /// Sleeps until `time` or a notify(), whichever comes first.
  void wait_until(double time) {
    double left = time - sg4::Engine::get_clock();
    if (left <= 0) return;
    sleeping_ = true;
    if (sem_->acquire_timeout(left)) {
      // Timed out; a notify() at the same instant left a token, which the next wait takes at once.
      sleeping_ = false;
    }
  }

private:
  sg4::SemaphorePtr sem_ = sg4::Semaphore::create(0);
  bool sleeping_ = false;
};

/// One training job during the simulation.
struct JobRuntime {
  int id = 0;
  const JobSpec* spec = nullptr;
  long long active_gpus = 0; // GPUs training now: the job's, less nodes given up by `shrink`
  double interval = 0;       // compute seconds between checkpoints on the current cluster
  std::unique_ptr<ResponseStrategy> strategy;
  const ResponseSpec* response = nullptr;  // its parameters (paths, streams) as the scenario gives them
  ClusterRuntime* current = nullptr;       // where it runs or last ran
  ClusterRuntime* home = nullptr;          // where it was placed: the baseline's hardware
  std::vector<ClusterRuntime*> candidates; // where the scheduler may start it, home first
  BuiltPlatform* platform = nullptr;
  sg4::Host* control = nullptr; // the tenant's control host, where helper actors run
  Allocation alloc;
  // split: a second data-parallel group on another cluster, and what each step exchanges with it
  Allocation remote;
  double sync_bytes_per_flop = 0; // gradient bytes crossing the WAN (each way) per FLOP of useful work
  const RegionRuntime* checkpoint_region = nullptr; // where the latest checkpoint is stored
  const RegionRuntime* dataset_region = nullptr;
  // hedge: the warm standby, and the progress held in the checkpoint replicated there
  ClusterRuntime* standby = nullptr;
  Allocation standby_alloc; // reserved from the start, delivered (and billed) from its `since`
  double replicated = 0;
  sg4::ConditionVariablePtr replica_cv = sg4::ConditionVariable::create(); // with wake_mutex
  sg4::ConditionVariablePtr resumed_cv = sg4::ConditionVariable::create(); // with wake_mutex
  double progress = 0;                                                     // FLOPs done
  double committed = 0; // FLOPs saved in the latest checkpoint
  JobLedger ledger;
  RunLog* log = nullptr;                 // shared by every actor of the run
  ProgressLine* progress_line = nullptr; // shared too
  JobStatus status = JobStatus::Finished;
  std::string status_detail;
  int failures_since_checkpoint = 0; // node and job failures since the last checkpoint was saved
  double start = 0;
  double end = 0;
  bool ever_started = false;
  bool finished = false;

  CapacityController* controller = nullptr; // the one owner of capacity: hosts come and go through it
  Inbox<RunnerMsg> to_runner;
  int spares_granted = 0; // spares the controller gave the runner for its failed nodes (or gave up)

  // What the runner is doing right now, so that events can interrupt it.
  JobActivity activity = JobActivity::Idle;
  // The job's Execs, one per host it trains on, started once per placement and suspended between
  // segments (checkpoints, gradient exchanges) and through the restart after a node failure: starting
  // and ending an Exec per host per segment was most of a portfolio's run time. Dropped whenever the job
  // stops otherwise, or lets its hosts go.
  std::vector<sg4::ExecPtr> execs;
  std::vector<double> exec_share;           // per Exec: its part of the job's useful work
  std::vector<double> exec_fastest;         // per Exec: the most FLOP/s it can run at (host, or its bound)
  std::vector<double> execs_left;           // per Exec: its amount left, as the runner counts it
  std::vector<long long> exec_gpus;         // per Exec: the GPUs of its host the job had when it started
  std::vector<unsigned> exec_host_went_off; // per Exec: its host's ClusterRuntime::host_went_off then
  long long execs_active_gpus = 0;          // the job's GPUs when they started (a failure may leave fewer)
  double execs_mfu = 0;                     // the MFU the Execs' amounts were set at
  // Between two segments of a job that checkpoints asynchronously no simulated time passes, so its Execs
  // run on rather than being suspended and resumed at the same instant; anything that waits pauses
  // them first (JobRunner::pause_execs).
  bool execs_run_on = false;
  // The sum of its clusters' hosts_went_off when the runner last found all its hosts on and none gone
  // off since its Execs started (JobRunner::compute looks at each host again only if it changed).
  unsigned hosts_seen_on_at = ~0u;
  DiskIo io;       // a checkpoint being written or read back
  DiskIo async_io; // an asynchronous checkpoint being written (it commits when done)
  std::optional<StopReason> stop;
  int nodes_to_replace = 0; // failed nodes not yet replaced by spares
  bool restart_interrupted = false;
  sg4::MutexPtr wake_mutex = sg4::Mutex::create(); // with replica_cv
  Wakeup wake;                                     // the runner sleeps on it; events interrupt it
  bool halt_requested = false;
  int epoch = 0; // bumped at each resume, so stale timers of an earlier migration do nothing

  const TrainingSpeed* speed = nullptr; // step times: the job's `mfu`, or derived from the platform
  /// Useful FLOP/s at the current layout (cluster, width, a split's second group).
  FlopsPerSecond rate() const { return current_step().rate; }
  /// The step at the current layout; cached until the layout changes.
  const StepBreakdown& current_step() const;
  /// The MFU the job's Execs run at: useful FLOP/s over the peak of its GPUs (a split's slower ones).
  double exec_mfu() const;
  /// What its active GPUs would train at on the home cluster's hardware (the baseline's), at the same
  /// width: the hardware effect of running elsewhere is measured against it.
  FlopsPerSecond home_rate() const;
  double saved_fraction() const { return committed / spec->work.raw(); }
  /// Records an event of this job at the current simulated time, on the cluster it is on.
  void event(EventKind kind, std::string detail = {}, double progress = -1);
  bool affected_by(const ProviderScope& scope) const;
  /// Whether its training runs on `c` now (its main or a split's remote group; not a hedge's standby).
  bool trains_on(const ClusterRuntime& c) const { return alloc.cluster == &c || remote.cluster == &c; }
  /// The hosts under the job went off: whatever is in flight is lost.
  void hosts_lost();
  /// Stop at the next safe point, saving progress in a final checkpoint.
  void request_halt();
  /// Write a checkpoint now (cutting the segment short) and go on training.
  void request_checkpoint();
  /// One of the job's nodes failed (failure injector): stop, or restart the restart.
  void node_failed();
  /// The whole job failed (a job-level failure): as a node failure, with no node to replace.
  void job_failed();
  /// Blocks the calling actor until the job resumes somewhere or finishes.
  void wait_for_resume();
  void notify_resumed();
  void wake_runner(); // it may be waiting on `wake` for a checkpoint write or a restart
  void interrupt_for_failure();
  bool stop_by_provider() const { return stop == StopReason::HostsLost; }
  /// The path the job's copies between two regions take: the first of its `paths` joining them, else
  /// the default link.
  const WanPathRuntime& path(const BuiltPlatform& p, const RegionRuntime& from,
                             const RegionRuntime& to) const;
  /// Starts a copy of the job's `what` from `from` to `to` now, over the paths its response prefers, with
  /// its streams, counting egress in the source provider's billing month (`waived`: an exit program),
  /// and logs its start; the caller waits for it and calls transfer_done.
  std::unique_ptr<WanTransfer> start_copy(const std::string& what, const RegionRuntime& from,
                                          const RegionRuntime& to, Bytes bytes, bool waived = false);
  /// A WAN copy of the job's data started (transfer_start event) or ended: every copy that starts is
  /// logged when it ends (transfer_end event at its own end, a span) and booked in the ledger (egress).
  void transfer_started(const TransferRecord& r);
  void transfer_done(const TransferRecord& r);
  /// Its data (dataset and latest checkpoint) now also kept in `region`'s store, for storage cost.
  void keep_data_in(const RegionRuntime& region, double from);
  /// Sets `interval` for the current cluster (fixed, or the Young/Daly optimum), and the step its
  /// tenures report.
  void update_interval();
  /// Its mean time between failures on the current cluster (node failures of its nodes and job-level
  /// failures); infinite without a failure model.
  Seconds mtbf() const;
  struct StepCache { // current_step()'s: the layout it was computed for, and the step
    const ClusterSpec* here = nullptr;
    long long gpus = -1;
    const ClusterSpec* remote = nullptr;
    long long remote_gpus = 0;
    StepBreakdown step;
  };
  mutable StepCache step_cache;
};

} // namespace riftsim
