#include "config/yaml_fields.hpp"
#include "core/units.hpp"
#include "policy/migrate_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>

namespace riftsim {

Seconds ClusterAvailability::ready_in(int nodes, Seconds now) const {
  // The tenant's own schedule runs from its first request (now if it never asked), the grant's from the
  // grant; what it holds there already counts against either quota.
  // Reserved nodes are there at once; only what goes beyond them comes on demand.
  const int need = held_nodes + nodes - reserved_nodes;
  if (need <= 0) return Seconds(0);
  Seconds own = cluster->capacity.time_for(need, cluster->lead_time);
  if (requested_at) own = std::max(Seconds(0), own - (now - *requested_at));
  if (!granted_at) return own;
  Seconds granted = grant_capacity.time_for(need, grant_lead) + (*granted_at - now);
  return std::min(own, std::max(Seconds(0), granted));
}

std::vector<CapacitySpec::Held> ClusterAvailability::held_before_ready(int nodes, Seconds now) const {
  Seconds ready = ready_in(nodes, now);
  if (std::isinf(ready.raw())) return {};
  const int need = held_nodes + nodes - reserved_nodes;
  const int held_on_demand = std::max(0, held_nodes - reserved_nodes);
  if (need <= 0) return {};
  Seconds own = cluster->capacity.time_for(need, cluster->lead_time);
  if (requested_at) own = std::max(Seconds(0), own - (now - *requested_at));
  // The schedule chosen started at the first request (own) or at the grant, perhaps in the past; of
  // what it delivers, the nodes beyond those already held are this request's.
  bool own_schedule = !granted_at || own <= ready;
  const CapacitySpec& cap = own_schedule ? cluster->capacity : grant_capacity;
  Seconds lead = own_schedule ? cluster->lead_time : grant_lead;
  Seconds start = own_schedule ? (requested_at ? *requested_at : now) : *granted_at;
  std::vector<CapacitySpec::Held> held;
  for (auto h : cap.held_between(need, lead, now - start, now - start + ready)) {
    h.nodes -= held_on_demand;
    if (h.nodes <= 0) continue;
    h.from += start;
    h.to += start;
    held.push_back(h);
  }
  return held;
}

namespace {
int nodes_for(long long gpus, const ClusterSpec& c) {
  return static_cast<int>((gpus + c.gpus_per_node - 1) / c.gpus_per_node);
}

/// The job's GPUs that its current cluster can still give it, in whole nodes (0 if it is cut off).
long long gpus_left_here(const JobView& job, const WorldView& world) {
  const ClusterAvailability* here = world.find(job.current->id);
  long long left = here && !here->cut_off ? std::min(here->free_gpus, job.job->gpus) : 0;
  return left - left % job.current->gpus_per_node;
}
} // namespace

const ClusterAvailability* WorldView::find(const std::string& cluster_id) const {
  for (const auto& c : clusters)
    if (c.cluster->id == cluster_id) return &c;
  return nullptr;
}

MoveEstimate estimate_move(const JobView& job, const ClusterSpec& target, const WorldView& world,
                           Seconds detection, Seconds porting, bool exit_waiver) {
  const JobSpec& j = *job.job;
  const PlatformSpec& p = *world.platform;
  MoveEstimate e;
  if (target.region != job.current->region) {
    Bytes bytes = j.checkpoint_size + j.dataset_size;
    const WanLinkSpec* link = p.path_between(job.current->region, target.region, job.paths, world.links_down);
    double bw = std::min({link ? link->stream_bandwidth(job.streams).raw() : 0.0,
                          p.find_region(job.current->region)->storage_bandwidth.raw(),
                          p.find_region(target.region)->storage_bandwidth.raw()});
    e.transfer = bw > 0 ? bytes / BytesPerSecond(bw) : kNeverTime;
    if (link && target.provider != job.current->provider) {
      if (link->egress)
        e.cost += *link->egress * bytes;
      else if (!exit_waiver || link->kind != WanLinkSpec::Kind::Internet)
        e.cost += p.find_provider(job.current->provider)->egress_cost(Bytes(0), bytes);
    }
  }
  static const TrainingSpeed kMfuOnly;
  const TrainingSpeed& speed = world.speed ? *world.speed : kMfuOnly;
  // A target too small for the whole job never finishes it (a split only asks it for its provisioning).
  Seconds compute =
      target.total_gpus() >= j.gpus ? job.remaining / speed.step(j, target, j.gpus).rate : kNeverTime;
  const ClusterAvailability* a = world.find(target.id);
  e.provisioning = a ? a->ready_in(nodes_for(j.gpus, target), world.now) : target.lead_time;
  Seconds ready = std::max(e.provisioning + porting, e.transfer);
  e.finish = detection + ready + compute;
  double nodes = std::ceil(static_cast<double>(j.gpus) / target.gpus_per_node);
  // Billed from delivery: porting, any wait for the data, and the remaining compute.
  double factor = a ? a->price_factor : 1.0;
  e.cost += target.node_price * factor * (ready - e.provisioning + compute) * nodes;
  return e;
}

ResponseDecision MigrateStrategy::on_capacity_loss(const JobView& job, const WorldView& world) const {
  std::string skipped;
  auto skip = [&](const std::string& why) { skipped += (skipped.empty() ? "" : "; ") + why; };
  const ClusterSpec* best = nullptr;
  MoveEstimate best_estimate;
  for (const ClusterSpec* t : targets_) {
    const ClusterAvailability* a = world.find(t->id);
    if (t == job.current || !a) continue;
    if (a->cut_off) {
      skip(t->id + " is cut off");
      continue;
    }
    if (a->free_gpus < job.job->gpus) {
      skip(fmt::format("{} has {} free GPUs", t->id, a->free_gpus));
      continue;
    }
    if (std::isinf(a->ready_in(nodes_for(job.job->gpus, *t), world.now).raw())) {
      skip(t->id + " cannot give the job its nodes (quota, or nothing granted)");
      continue;
    }
    MoveEstimate e = estimate_move(job, *t, world, detection_, porting_, exit_waiver_);
    if (budget_ && e.cost > *budget_) {
      skip(fmt::format("{} would cost {}, over the budget", t->id, format_usd(e.cost)));
      continue;
    }
    bool better = !best || (rule_ == Rule::EarliestFinish && e.finish < best_estimate.finish) ||
                  (rule_ == Rule::LowestCost && e.cost < best_estimate.cost);
    if (better) {
      best = t;
      best_estimate = e;
    }
    if (rule_ == Rule::Preference) break;
  }
  if (!best)
    return {ResponseDecision::Action::Strand, nullptr, Seconds(0),
            "no target can take the job: " + (skipped.empty() ? std::string("none listed") : skipped)};
  const char* why = rule_ == Rule::Preference       ? "first target in order of preference"
                    : rule_ == Rule::EarliestFinish ? "earliest estimated finish"
                                                    : "lowest estimated cost";
  ResponseDecision d{ResponseDecision::Action::Migrate, best, porting_,
                     fmt::format("{} with {} GPUs free (estimated: done in {}, {}){}", why, job.job->gpus,
                                 format_duration(best_estimate.finish), format_usd(best_estimate.cost),
                                 skipped.empty() ? "" : " (skipped: " + skipped + ")")};
  d.exit_waiver = exit_waiver_;
  d.provisioning = best_estimate.provisioning;
  d.ramp = world.find(best->id)->held_before_ready(nodes_for(job.job->gpus, *best), world.now);
  // Nodes that survive where the job is (a throttle, not a cutoff) keep training until the move.
  long long left = gpus_left_here(job, world);
  if (left < job.job->gpus) d.gpus = left;
  return d;
}

ResponseDecision ShrinkStrategy::on_capacity_loss(const JobView& job, const WorldView& world) const {
  long long left = gpus_left_here(job, world);
  if (left <= 0)
    return {ResponseDecision::Action::Wait, nullptr, Seconds(0),
            "nothing left to shrink onto: wait for a restore"};
  ResponseDecision d{ResponseDecision::Action::Shrink, job.current, Seconds(0),
                     fmt::format("continue on the {} GPUs left of {}", left, job.job->gpus)};
  d.gpus = left;
  return d;
}

ResponseDecision SplitStrategy::on_capacity_loss(const JobView& job, const WorldView& world) const {
  long long left = gpus_left_here(job, world);
  long long missing = job.job->gpus - left;
  std::string skipped;
  for (const ClusterSpec* t : targets_) {
    const ClusterAvailability* a = world.find(t->id);
    if (!a || t == job.current) continue;
    long long need = left > 0 ? missing : job.job->gpus;
    bool reachable = !std::isinf(a->ready_in(nodes_for(need, *t), world.now).raw());
    if (a->cut_off || a->free_gpus < need || !reachable) {
      skipped += (skipped.empty() ? "" : "; ") + t->id + " cannot give " + std::to_string(need) + " GPUs";
      continue;
    }
    MoveEstimate e = estimate_move(job, *t, world, detection_, porting_);
    e.provisioning = a->ready_in(nodes_for(need, *t), world.now);
    if (left <= 0) {
      ResponseDecision d{ResponseDecision::Action::Migrate, t, porting_,
                         "nothing left here to split from: move the whole job to " + t->id};
      d.provisioning = e.provisioning;
      d.ramp = a->held_before_ready(nodes_for(need, *t), world.now);
      return d;
    }
    ResponseDecision d{
        ResponseDecision::Action::Split, t, porting_,
        fmt::format("continue on {} GPUs here, add {} on {} once its nodes are there", left, need, t->id)};
    d.gpus = left;
    d.provisioning = e.provisioning;
    d.ramp = a->held_before_ready(nodes_for(need, *t), world.now);
    return d;
  }
  std::string why =
      "no target can take the missing GPUs: " + (skipped.empty() ? std::string("none listed") : skipped);
  if (left <= 0) return {ResponseDecision::Action::Strand, nullptr, Seconds(0), why};
  // Nowhere to add a group: carry on with what is left, as shrink.
  ResponseDecision d{ResponseDecision::Action::Shrink, job.current, Seconds(0),
                     fmt::format("continue on the {} GPUs left ({})", left, why)};
  d.gpus = left;
  return d;
}

namespace {
/// " (did you mean 'p/r/c'?)", or the platform's clusters when no name is close.
std::vector<const ClusterSpec*> find_targets(const ResponseSpec& spec, const PlatformSpec& platform) {
  std::vector<const ClusterSpec*> targets;
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    const std::string& id = spec.targets[i];
    const ClusterSpec* c = platform.find_cluster(id);
    if (!c)
      throw InputError(i < spec.targets_pos.size() ? spec.targets_pos[i] : spec.pos,
                       "target '" + id + "' is not a cluster in the platform" +
                           platform_names(platform, "clusters", id));
    targets.push_back(c);
  }
  return targets;
}
} // namespace

std::unique_ptr<ResponseStrategy> make_strategy(const ResponseSpec& spec, const PlatformSpec& platform) {
  if (spec.strategy == "wait") return std::make_unique<WaitStrategy>(spec.detection);
  if (spec.strategy == "shrink") return std::make_unique<ShrinkStrategy>(spec.detection);
  if (spec.strategy == "hedge") {
    const ClusterSpec* standby = platform.find_cluster(spec.standby);
    if (!standby)
      throw InputError(!spec.standby_pos.file.empty() ? spec.standby_pos : spec.pos,
                       "standby '" + spec.standby + "' is not a cluster in the platform" +
                           platform_names(platform, "clusters", spec.standby));
    return std::make_unique<HedgeStrategy>(standby, spec.detection);
  }
  if (spec.strategy == "migrate") {
    std::vector<const ClusterSpec*> targets = find_targets(spec, platform);
    MigrateStrategy::Rule rule = spec.rule == "earliest_finish" ? MigrateStrategy::Rule::EarliestFinish
                                 : spec.rule == "lowest_cost"   ? MigrateStrategy::Rule::LowestCost
                                                                : MigrateStrategy::Rule::Preference;
    return std::make_unique<MigrateStrategy>(std::move(targets), spec.detection, spec.porting, rule,
                                             spec.budget, spec.exit_waiver, spec.price_limit);
  }
  if (spec.strategy == "split") {
    std::vector<const ClusterSpec*> targets = find_targets(spec, platform);
    return std::make_unique<SplitStrategy>(std::move(targets), spec.detection, spec.porting);
  }
  throw InputError(spec.pos, "unknown strategy '" + spec.strategy +
                                 "' (known: " + fmt::format("{}", fmt::join(strategy_names(), ", ")) + ")");
}

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"migrate", "wait", "shrink", "hedge", "split"};
  return names;
}

} // namespace riftsim
