#pragma once
// The S4U actors of a run. All live on the tenant's control host, which no provider event touches:
// the job runner drives compute on the provider's hosts remotely, as a training launcher would.
#include "engine/runtime.hpp"

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

  JobRuntime& job_;
  double pending_ = 0;            // compute seconds whose work is not yet in a checkpoint
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
  std::optional<JobStoppedMsg> wait_for_stop(); // nullopt: the job finished instead
  WorldView world_view() const;
  void log_transfer_start(const TransferRecord& r);

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
  void cutoff(const CutoffEvent& e);

  std::vector<TimedEvent> events_;
  std::vector<JobRuntime*> jobs_;
  BuiltPlatform& platform_;
  RunLog& log_;
};

} // namespace riftsim
