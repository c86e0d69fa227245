#pragma once
// `riftsim sweep SWEEP.yaml` and `riftsim sweep merge DIR` (docs/sweeps.md).
#include <climits>
#include <string>
#include <vector>

namespace riftsim {

/// `--jobs` not given: one simulation per core (0 and negatives are refused, as any number past 256).
constexpr int kJobsPerCore = INT_MIN;

struct SweepArgs {
  std::string file;
  std::string out;         // default results/<sweep name>
  int jobs = kJobsPerCore; // simulations at once; not given: one per core
  std::string shard;       // "I/N": only the points whose index is I modulo N
  bool quiet = false;
  bool slurm = false;      // write (and, where sbatch exists, submit) a Slurm job array instead of running
  bool slurm_wait = false; // wait for the array and the merge to end (sbatch --wait)
  int slurm_tasks = 0;     // array tasks (shards); 0 = one per 10 points, at most 100
  int slurm_cpus = 2;      // CPUs per array task (its --jobs)
  std::string slurm_time = "04:00:00";
  std::string slurm_partition;
};

int cmd_sweep(const SweepArgs& a, const std::vector<std::string>& sg_flags);
int cmd_sweep_merge(const std::string& dir);

} // namespace riftsim
