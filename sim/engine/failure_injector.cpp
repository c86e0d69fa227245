#include "core/random.hpp"
#include "engine/actors.hpp"
#include "engine/capacity_controller.hpp"

#include <fmt/format.h>
#include <queue>

namespace riftsim {

namespace {

enum class Kind { Failure, Repaired };

struct Pending {
  double time;
  Kind kind;
  int node;
  bool operator>(const Pending& o) const {
    return time != o.time ? time > o.time : (kind != o.kind ? kind > o.kind : node > o.node);
  }
};

} // namespace

void FailureInjector::operator()() {
  const FailureSpec& f = *cluster_.spec->failures;
  Random rng(stream_seed(seed_, cluster_.spec->id));
  const double event_mtbf = f.event_mtbf().raw();
  auto draw = [&] {
    return f.distribution == FailureSpec::Distribution::Weibull ? rng.weibull(f.shape, event_mtbf)
                                                                : rng.exponential(event_mtbf);
  };
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue;
  if (!f.trace.empty()) {
    for (const auto& t : f.trace) queue.push({t.at.raw(), Kind::Failure, t.node});
  } else {
    // Each node is a renewal process: a failed node is replaced, and the replacement has its own clock.
    for (int n = 0; n < cluster_.spec->nodes; ++n) queue.push({draw(), Kind::Failure, n});
  }
  // Draws for a failure event: the next failure of the same node, then whether the event is correlated.
  // Exactly these draws happen whether or not a job is there, so the stream does not depend on jobs.
  auto draws = [&](const Pending& p) {
    if (f.trace.empty()) queue.push({p.time + draw(), Kind::Failure, p.node});
    return f.correlated_fraction > 0 && rng.uniform() < f.correlated_fraction;
  };
  while (!queue.empty()) {
    if (!cluster_.busy()) {
      // Nobody here: no simulation events until a job arrives; then catch up on the draws in between.
      {
        std::unique_lock lock(*cluster_.busy_mutex);
        while (!cluster_.busy()) cluster_.busy_cv->wait(lock);
      }
      double now = sg4::Engine::get_clock();
      while (!queue.empty() && queue.top().time < now) {
        Pending p = queue.top();
        queue.pop();
        if (p.kind == Kind::Repaired)
          controller_.post(RepairedMsg{&cluster_});
        else
          draws(p);
      }
      continue;
    }
    Pending p = queue.top();
    queue.pop();
    sg4::this_actor::sleep_until(p.time);
    if (p.kind == Kind::Repaired) {
      controller_.post(RepairedMsg{&cluster_});
      continue;
    }
    bool correlated = draws(p);
    if (cluster_.cut_off) continue;
    int first = correlated ? p.node - p.node % f.correlated_nodes : p.node;
    int last = correlated ? std::min(first + f.correlated_nodes, cluster_.spec->nodes) : p.node + 1;
    for (int n = first; n < last; ++n) {
      if (cluster_.slot_job[n] < 0) continue;
      fail(n);
      queue.push({p.time + f.repair_time.raw(), Kind::Repaired, n});
    }
  }
}

void FailureInjector::fail(int node) {
  JobRuntime* job = jobs_.at(static_cast<size_t>(cluster_.slot_job[node]));
  if (!job->trains_on(cluster_)) {
    // A node of a hedge's idle standby (or of capacity reserved but not in use yet): a spare replaces
    // it without touching the training elsewhere.
    controller_.post(StandbyNodeFailedMsg{&cluster_});
    return;
  }
  log_.event(sg4::Engine::get_clock(), EventKind::NodeFailure, job->spec->name, cluster_.spec->provider,
             cluster_.spec->id, fmt::format("node {}", node));
  job->node_failed();
}

void JobFailureInjector::operator()() {
  // Unit exponential draws from the job's own stream, scaled by the job-level MTBF of the cluster it is
  // on when each is drawn: the same draws in a run and its baseline (common random numbers).
  Random rng(stream_seed(seed_, "job:" + job_.spec->name));
  while (!job_.finished) {
    double unit = rng.exponential(1.0);
    const FailureSpec* f = job_.current->spec->failures ? &*job_.current->spec->failures : nullptr;
    if (!f || !f->job_mtbf) {
      job_.wait_for_resume(); // nothing fails jobs here: look again where it next trains
      continue;
    }
    sg4::this_actor::sleep_for(unit * f->job_mtbf->raw());
    if (job_.finished || !job_.trains_on(*job_.current) || job_.current->cut_off) continue;
    log_.event(sg4::Engine::get_clock(), EventKind::JobFailure, job_.spec->name, job_.current->spec->provider,
               job_.current->spec->id);
    job_.job_failed();
  }
}

} // namespace riftsim
