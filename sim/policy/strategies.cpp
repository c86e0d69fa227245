#include "policy/migrate_strategy.hpp"

#include <fmt/format.h>

namespace riftsim {

const ClusterAvailability* WorldView::find(const std::string& cluster_id) const {
  for (const auto& c : clusters)
    if (c.cluster->id == cluster_id) return &c;
  return nullptr;
}

ResponseDecision MigrateStrategy::on_capacity_loss(const JobView& job, const WorldView& world) const {
  std::string skipped;
  for (const ClusterSpec* t : targets_) {
    const ClusterAvailability* a = world.find(t->id);
    if (t == job.current || !a) continue;
    if (a->cut_off) {
      skipped += fmt::format("{}{} is cut off", skipped.empty() ? "" : "; ", t->id);
      continue;
    }
    if (a->free_gpus < job.job->gpus) {
      skipped += fmt::format("{}{} has {} free GPUs", skipped.empty() ? "" : "; ", t->id, a->free_gpus);
      continue;
    }
    return {t, porting_,
            fmt::format("first target in order of preference with {} GPUs free{}", job.job->gpus,
                        skipped.empty() ? "" : " (skipped: " + skipped + ")")};
  }
  return {nullptr, Seconds(0), "no target can take the job: " + (skipped.empty() ? "none listed" : skipped)};
}

std::unique_ptr<ResponseStrategy> make_strategy(const ResponseSpec& spec, const PlatformSpec& platform) {
  if (spec.strategy == "migrate") {
    std::vector<const ClusterSpec*> targets;
    for (const auto& id : spec.targets) {
      const ClusterSpec* c = platform.find_cluster(id);
      if (!c) throw InputError(spec.pos, "target '" + id + "' is not a cluster in the platform");
      targets.push_back(c);
    }
    return std::make_unique<MigrateStrategy>(std::move(targets), spec.detection, spec.porting);
  }
  throw InputError(spec.pos, "unknown strategy '" + spec.strategy + "' (known: migrate)");
}

} // namespace riftsim
