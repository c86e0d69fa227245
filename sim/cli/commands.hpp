#pragma once
// The riftsim commands. Each returns the process exit code (see exit codes below) and throws
// InputError for bad input, which main() turns into one located message and exit code 2.
#include "cli/cmd_sweep.hpp"
#include "config/loaders.hpp"
#include "model/training_speed.hpp"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace riftsim {

constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1; // an expectation or a golden comparison failed
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

struct RunArgs {
  std::string scenario;
  std::string out;
  std::uint64_t seed = 1;
  std::string log_level = "info";
  bool quiet = false;
  bool plot = false;
  int replications = 1;                  // seeds seed, seed+1, ...
  int jobs = kJobsPerCore;               // simulations at once; not given: one per core
  bool csv = false;                      // also results.csv (output/results_table.hpp)
  bool keep_timelines = false;           // every seed's events.csv, not the first seed's only
  std::vector<std::string> explain_step; // JOB CLUSTER: print that step's breakdown instead of running
};

struct SimulateArgs {
  std::string scenario;
  std::string result;
  bool no_events = false;
  bool progress = false;
  size_t variant = 0;       // which of the listed responses is in force
  bool no_timeline = false; // leave events and spans out of the result (replications after the first)
  std::uint64_t seed = 1;
  std::string log_level = "info";
};

struct CheckArgs {
  std::string result_dir;
  std::string golden_dir;
  double rtol = 1e-6;
  std::string junit;
};

/// SimGrid's own flags (--cfg=..., --log=...) are passed through to the engine as they are.
int cmd_run(const RunArgs& a, const std::vector<std::string>& sg_flags);
int cmd_simulate(const SimulateArgs& a, std::vector<std::string> sg_flags);
/// The simulation of `simulate`, on inputs already loaded (a forked child of `run` gets them this way),
/// with the step times derived beforehand (null: derived here, in children of this process).
int simulate_to_file(Inputs in, const SimulateArgs& a, std::vector<std::string> sg_flags,
                     std::shared_ptr<const TrainingSpeed> speed = nullptr);
/// `run --explain-step JOB CLUSTER`: the step of `job` on `cluster` at its full width, part by part.
int explain_step(const Inputs& in, const std::string& job, const std::string& cluster, int parallel,
                 std::ostream& out);
int cmd_validate(const std::vector<std::string>& files);
int cmd_check(const CheckArgs& a);
int cmd_compare(const std::vector<std::string>& result_dirs);
/// A JSON result file read by `check` or `compare`: a regular file of at most 256 MiB, nested at most
/// 100 levels deep; anything else is an InputError.
nlohmann::ordered_json read_result_json(const std::string& path);

/// Runs tools/riftsim-plot on a result directory; returns its exit code.
int run_plot_tool(const std::string& result_dir, const std::string& shown_as);

} // namespace riftsim
