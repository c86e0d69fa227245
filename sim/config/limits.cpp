// Bounds on what a run simulates, checked at load time from estimates: a run that would spin for hours
// (mfu: 1e-300, checkpoint_interval: 1ms) or build millions of hosts is refused with exit code 2 and a
// message naming the input that asks for it, before any simulation starts.
#include "config/loaders.hpp"
#include "model/checkpoint_math.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace riftsim {
namespace {

/// 1234567 -> "1,234,567"; very large or unbounded numbers in exponent form.
std::string count_text(double v) {
  if (!std::isfinite(v)) return "unboundedly many";
  if (v >= 1e15) return fmt::format("{:.3g}", v);
  std::string digits = fmt::format("{:.0f}", v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// The larger of two estimates, a NaN (from an absurd input) counting as larger than anything.
double larger(double a, double b) {
  return !(b <= a) ? b : a;
}

/// What a job would simulate on one cluster, if it ran its whole training there.
struct Estimate {
  double compute_s = 0; // failure-free compute time
  double segments = 0;  // checkpoint intervals
  double execs = 0;     // an Exec per host per segment, and the segment's checkpoint
};

Estimate estimate_on(const JobSpec& j, const ClusterSpec& c, const PlatformSpec& p) {
  Estimate e;
  // A job that derives its speed from its layout (no `mfu`) is counted at its GPUs' peak: the estimate
  // is then a lower bound, which refuses nothing a run could do.
  double mfu = j.derives_speed() ? 1.0 : j.mfu;
  double rate = static_cast<double>(j.gpus) * c.gpu_peak.raw() * mfu;
  e.compute_s = j.work.raw() / rate;
  double nodes = std::ceil(static_cast<double>(j.gpus) / c.gpus_per_node);
  double interval = j.checkpoint_interval.raw();
  if (j.checkpoint_interval_auto) {
    // Daly's interval for the job's full width: the shortest it gets (fewer nodes fail less often).
    const RegionSpec* r = p.find_region(c.region);
    if (!c.failures || !r) return e; // refused elsewhere: auto needs a failure model
    Seconds delta = j.checkpoint_size / r->storage_bandwidth;
    interval = daly_interval(delta, c.failures->node_mtbf / nodes).raw();
  }
  e.segments = interval > 0 ? std::ceil(e.compute_s / interval) : INFINITY;
  double hosts = std::min<double>(c.host_count(), std::ceil(nodes / c.nodes_per_host));
  e.execs = e.segments * (hosts + 1);
  return e;
}

/// The clusters a placed job may run on: its own, its responses' targets, a hedge's standby.
std::vector<const ClusterSpec*> candidate_clusters(const PlacementSpec& pl, const PlatformSpec& p) {
  std::vector<const ClusterSpec*> out;
  auto add = [&](const std::string& id) {
    const ClusterSpec* c = p.find_cluster(id);
    if (c && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  add(pl.cluster);
  for (const auto& alt : pl.alternatives) {
    for (const auto& t : alt.targets) add(t);
    if (!alt.standby.empty()) add(alt.standby);
  }
  return out;
}

[[noreturn]] void exceeded(const SourcePos& at, const std::string& what, double limit, const std::string& key,
                           const std::string& advice) {
  throw InputError(at, what + ", above the limit of " + count_text(limit) + " per run (" + advice +
                           ", or raise it with 'limits: {" + key + ": N}' in the scenario)");
}

} // namespace

void check_platform_limits(const PlatformSpec& p, const RunLimits& limits) {
  double hosts = 0, nodes = 0;
  const ClusterSpec* most_hosts = nullptr;
  const ClusterSpec* most_nodes = nullptr;
  for (const auto& pr : p.providers)
    for (const auto& r : pr.regions)
      for (const auto& c : r.clusters) {
        hosts += c.host_count();
        nodes += c.nodes;
        if (!most_hosts || c.host_count() > most_hosts->host_count()) most_hosts = &c;
        if (!most_nodes || c.nodes > most_nodes->nodes) most_nodes = &c;
      }
  if (hosts > limits.hosts)
    exceeded(most_hosts->pos,
             "the platform has " + count_text(hosts) + " simulated hosts (cluster '" + most_hosts->id + "' " +
                 count_text(most_hosts->host_count()) + ")",
             limits.hosts, "hosts", "group nodes into fewer hosts with nodes_per_host");
  if (nodes > limits.nodes)
    exceeded(most_nodes->pos,
             "the platform has " + count_text(nodes) + " nodes (cluster '" + most_nodes->id + "' " +
                 count_text(most_nodes->nodes) + ")",
             limits.nodes, "nodes", "check the clusters' node counts");
}

void check_limits(const Inputs& in) {
  const RunLimits& limits = in.scenario.limits;
  const PlatformSpec& p = in.platform;
  check_platform_limits(p, limits);

  double segments = 0, activities = 0;
  struct Largest {
    double value = -1;
    SourcePos pos;
    std::string text;
  } most_segments, most_activities;
  // A cluster fails only while a job holds its nodes: for as long as the longest job there computes.
  std::vector<std::pair<const ClusterSpec*, double>> busy_s;
  for (const auto& pl : in.scenario.placements) {
    const JobSpec* j = in.workload.find_job(pl.job);
    if (!j) continue; // check_inputs reports it
    Estimate worst;
    const ClusterSpec* slowest = nullptr;
    for (const ClusterSpec* c : candidate_clusters(pl, p)) {
      Estimate e = estimate_on(*j, *c, p);
      if (!slowest || !(e.compute_s <= worst.compute_s)) slowest = c;
      worst = {larger(worst.compute_s, e.compute_s), larger(worst.segments, e.segments),
               larger(worst.execs, e.execs)};
      auto it = std::find_if(busy_s.begin(), busy_s.end(), [&](const auto& b) { return b.first == c; });
      if (it == busy_s.end())
        busy_s.emplace_back(c, e.compute_s);
      else
        it->second = larger(it->second, e.compute_s);
    }
    if (!slowest) continue;
    if (!(worst.compute_s <= limits.years * kSecondsPerYear))
      throw InputError(j->pos,
                       fmt::format("job '{}' would compute for {} years on '{}' (FLOPs / (GPUs x peak x "
                                   "MFU)), above the limit of {} years (check flops, gpus and mfu, or "
                                   "raise it with 'limits: {{years: N}}' in the scenario)",
                                   j->name, count_text(worst.compute_s / kSecondsPerYear), slowest->id,
                                   count_text(limits.years)));
    // Job-level failures (software, collective library) come at their own rate while the job runs.
    double job_failures = 0;
    if (in.scenario.failures)
      for (const ClusterSpec* c : candidate_clusters(pl, p))
        if (c->failures && c->failures->job_mtbf)
          job_failures = larger(job_failures, worst.compute_s / c->failures->job_mtbf->raw());
    segments += worst.segments;
    activities += worst.execs + job_failures;
    if (!(worst.segments <= most_segments.value))
      most_segments = {worst.segments, j->pos,
                       "job '" + j->name + "' would compute about " + count_text(worst.segments) +
                           " segments between checkpoints on '" + slowest->id + "'"};
    if (!(worst.execs + job_failures <= most_activities.value))
      most_activities = {worst.execs + job_failures, j->pos,
                         "job '" + j->name + "' about " + count_text(worst.execs) +
                             " Execs, an Exec per host per segment" +
                             (job_failures > 0 ? ", and " + count_text(job_failures) + " job failures" : "")};
  }
  if (!(segments <= limits.segments))
    exceeded(most_segments.pos,
             most_segments.text +
                 (segments > most_segments.value ? " (" + count_text(segments) + " in all)" : ""),
             limits.segments, "segments", "lengthen checkpoint_interval, or check flops, gpus and mfu");

  if (in.scenario.failures)
    for (const auto& [c, busy] : busy_s) {
      if (!c->failures) continue;
      double failures = c->failures->trace.empty()
                            ? static_cast<double>(c->nodes) * busy / c->failures->node_mtbf.raw()
                            : static_cast<double>(c->failures->trace.size());
      activities += failures;
      if (!(failures <= most_activities.value))
        most_activities = {failures, c->pos,
                           "cluster '" + c->id + "' about " + count_text(failures) + " node failures"};
    }
  if (!(activities <= limits.activities))
    exceeded(most_activities.pos,
             "the run would simulate about " + count_text(activities) + " activities (" +
                 most_activities.text + ")",
             limits.activities, "activities", "check checkpoint intervals, failure rates and job sizes");
}

} // namespace riftsim
