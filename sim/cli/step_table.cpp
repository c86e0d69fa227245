#include "cli/step_table.hpp"

#include "cli/launcher.hpp"
#include "engine/step_simulation.hpp"
#include "output/result_json.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <stdexcept>

namespace fs = std::filesystem;

namespace riftsim {

namespace {

/// A private scratch directory for the children's results, removed on every way out.
struct Scratch {
  fs::path path;
  Scratch() {
    char tmpl[] = "/tmp/riftsim-steps-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot create a temporary directory");
    path = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

} // namespace

std::shared_ptr<const TrainingSpeed> derive_training_speed(const Inputs& in, int parallel,
                                                           const std::vector<StepKey>& extra) {
  StepTable table;
  std::vector<StepKey> keys = steps_needed(in.platform, in.workload, in.scenario, &table.layouts);
  std::set<StepKey> unique(keys.begin(), keys.end());
  for (const StepKey& k : extra)
    if (unique.insert(k).second) keys.push_back(k);
  if (keys.empty()) return std::make_shared<TrainingSpeed>(std::move(table));

  Scratch scratch;
  auto file = [&](size_t i) { return (scratch.path / fmt::format("step-{}.json", i)).string(); };
  std::vector<std::function<int()>> tasks;
  for (size_t i = 0; i < keys.size(); ++i)
    tasks.push_back([&, i] {
      const StepKey& k = keys[i];
      const JobSpec& job = *in.workload.find_job(k.job);
      const ClusterSpec& cluster = *in.platform.find_cluster(k.cluster);
      const Layout& full = table.layouts.at(k.job);
      StepPlan plan = plan_step(job, full, cluster, static_cast<long long>(k.dp) * full.model_parallel());
      write_file_atomically(file(i), phase_costs_to_json(simulate_step_phases(cluster, plan)).dump() + "\n");
      return 0;
    });
  std::vector<int> codes = run_children(tasks, parallel);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (codes[i] != 0)
      throw std::runtime_error(
          fmt::format("deriving the step of job '{}' on {} at data-parallel width {} failed "
                      "(exit {})",
                      keys[i].job, keys[i].cluster, keys[i].dp, codes[i]));
    std::ifstream f(file(i));
    table.costs[keys[i]] = phase_costs_from_json(nlohmann::ordered_json::parse(f));
  }
  return std::make_shared<TrainingSpeed>(std::move(table));
}

} // namespace riftsim
