#pragma once
// What one simulation returns: per job, its status and its ledger. No SimGrid types, so that the CLI,
// the output writers and the tests can use it without the engine's headers.
#include "accounting/capacity_use.hpp"
#include "accounting/ledger.hpp"
#include "accounting/run_log.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

// Stranded: capacity lost and nowhere to go. NoProgress: failures came faster than the job could save a
// checkpoint (its MTBF below a restart plus a checkpoint interval), so it was given up.
enum class JobStatus { Finished, Stranded, NoProgress };
const char* status_name(JobStatus s);
std::optional<JobStatus> status_from_name(const std::string& name);

struct JobResult {
  std::string name;
  JobStatus status = JobStatus::Finished;
  // What it asked for (the workload) and where it was told to run (the scenario).
  Seconds submit;
  int priority = 0;
  std::string project;
  std::optional<Seconds> deadline;
  long long gpus = 0;
  bool started = false; // false: it never got capacity (start and end are then its end of waiting)
  Seconds start;
  Seconds end;
  JobLedger ledger;
  std::string status_detail; // why it did not finish, in one sentence (empty when it finished)
  Seconds wall() const { return end - start; }
  Seconds wait() const { return started ? start - submit : end - submit; } // in the queue before its start
  bool missed_deadline() const { return deadline && (status != JobStatus::Finished || end > *deadline); }
};

struct RunResult {
  std::string scenario;
  std::uint64_t seed = 0;
  bool with_events = true;
  Seconds simulated_end;
  std::vector<JobResult> jobs;
  RunLog log; // events and spans, for events.csv and trace.json
  // The planner's view: per cluster per bucket, the queue per bucket, and the reservations bought.
  std::vector<UtilizationRow> utilization;
  std::vector<QueueRow> queue;
  std::vector<ReservationUse> reservations;
  const JobResult* find(const std::string& job) const;
};

/// Options of one simulation (one process).
struct SimOptions {
  bool with_events = true; // false = the baseline: the same scenario without provider events
  std::uint64_t seed = 1;
  std::string log_level = "info";
  bool progress = false; // a progress line on stderr (only for runs longer than ~2 s)
  bool timeline = true;  // record events and spans (RunResult::log); false leaves it empty
  Seconds utilization_bucket{
      kSecondsPerDay}; // utilization.csv and queue.csv rows: one per cluster per bucket
  // Step times of jobs that derive their speed from the platform, derived beforehand in other processes
  // (cli/step_table.hpp); null when every job gives its `mfu`.
  std::shared_ptr<const class TrainingSpeed> speed;
};

struct Inputs;
/// Runs one scenario on SimGrid. Call at most once per process: SimGrid has one engine per process.
RunResult simulate(const Inputs& inputs, const SimOptions& options, int* argc = nullptr,
                   char** argv = nullptr);

} // namespace riftsim
