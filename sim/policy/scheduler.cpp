#include "policy/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace riftsim {

long long SchedulingView::free_on(const ClusterSpec* c) const {
  auto it = free_gpus.find(c);
  return it == free_gpus.end() ? 0 : it->second;
}

bool SchedulingView::within_quota(const QueuedJob& q) const {
  auto quota = project_quota.find(q.project);
  if (quota == project_quota.end()) return true;
  auto held = project_gpus.find(q.project);
  return (held == project_gpus.end() ? 0 : held->second) + q.gpus <= quota->second;
}

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

bool fits(const QueuedJob& q, const ClusterSpec* c, const std::map<const ClusterSpec*, long long>& free) {
  auto it = free.find(c);
  return it != free.end() && it->second >= q.gpus && q.gpus <= c->total_gpus();
}

/// The first candidate with room, in the job's order of preference.
class HomeFirst : public PlacementRule {
public:
  std::string name() const override { return "home_first"; }
  const ClusterSpec* place(const QueuedJob& q, const SchedulingView&,
                           const std::map<const ClusterSpec*, long long>& free) const override {
    for (const ClusterSpec* c : q.candidates)
      if (fits(q, c, free)) return c;
    return nullptr;
  }
};

/// The candidate with room where the job would cost least: node-hours at the current price over its
/// estimated run there.
class Cheapest : public PlacementRule {
public:
  std::string name() const override { return "cheapest"; }
  const ClusterSpec* place(const QueuedJob& q, const SchedulingView& view,
                           const std::map<const ClusterSpec*, long long>& free) const override {
    const ClusterSpec* best = nullptr;
    double best_cost = kNever;
    for (const ClusterSpec* c : q.candidates) {
      if (!fits(q, c, free)) continue;
      double nodes = std::ceil(static_cast<double>(q.gpus) / c->gpus_per_node);
      auto factor = view.price_factor.find(c);
      double price = c->node_price.raw() * (factor == view.price_factor.end() ? 1.0 : factor->second);
      double cost = price * nodes * view.runtime(*q.job, *c, q.gpus).raw() / kSecondsPerHour;
      if (cost < best_cost) {
        best = c;
        best_cost = cost;
      }
    }
    return best;
  }
};

/// Of the candidates with room now (so starting now), the one where the job would finish first.
class EarliestStart : public PlacementRule {
public:
  std::string name() const override { return "earliest_start"; }
  const ClusterSpec* place(const QueuedJob& q, const SchedulingView& view,
                           const std::map<const ClusterSpec*, long long>& free) const override {
    const ClusterSpec* best = nullptr;
    double best_end = kNever;
    for (const ClusterSpec* c : q.candidates) {
      if (!fits(q, c, free)) continue;
      double end = view.runtime(*q.job, *c, q.gpus).raw();
      if (end < best_end) {
        best = c;
        best_end = end;
      }
    }
    return best;
  }
};

/// Shared by the schedulers: starts `q` on the cluster `placement` picks, booking its GPUs.
struct Booking {
  const SchedulingView& view;
  std::map<const ClusterSpec*, long long> free;
  std::map<std::string, long long> project_gpus;
  std::vector<SchedulingDecision> decisions;

  std::vector<RunningJob> started; // this round's starts, as running jobs from now on

  explicit Booking(const SchedulingView& v) : view(v), free(v.free_gpus), project_gpus(v.project_gpus) {}
  bool within_quota(const QueuedJob& q) const {
    auto quota = view.project_quota.find(q.project);
    if (quota == view.project_quota.end()) return true;
    auto held = project_gpus.find(q.project);
    return (held == project_gpus.end() ? 0 : held->second) + q.gpus <= quota->second;
  }
  void start(const QueuedJob& q, const ClusterSpec* c, const std::string& why) {
    free[c] -= q.gpus;
    project_gpus[q.project] += q.gpus;
    decisions.push_back({SchedulingDecision::Kind::Start, q.id, c, q.gpus, why});
    started.push_back(
        {q.id, c, q.gpus, view.now + view.runtime(*q.job, *c, q.gpus), q.priority, q.project, view.now});
  }
};

/// First come, first served: jobs start in submission order; the first that cannot start holds back
/// those behind it. A job over its project's quota waits without holding others back.
class FifoScheduler : public Scheduler {
public:
  explicit FifoScheduler(std::unique_ptr<PlacementRule> p) : placement_(std::move(p)) {}
  std::string name() const override { return "fifo"; }
  std::vector<SchedulingDecision> decide(const SchedulingView& view, const std::vector<QueuedJob>& queue,
                                         const std::vector<RunningJob>&) const override {
    Booking b(view);
    for (const QueuedJob& q : queue) {
      if (!b.within_quota(q)) continue;
      const ClusterSpec* c = placement_->place(q, view, b.free);
      if (!c) break;
      b.start(q, c, "first in the queue with room (" + placement_->name() + ")");
    }
    return b.decisions;
  }

private:
  std::unique_ptr<PlacementRule> placement_;
};

/// EASY backfilling (Lifka, 1995; Mu'alem and Feitelson, IEEE TPDS 2001): jobs start in order while
/// they fit; the first that does not gets a reservation at the earliest time enough GPUs free up on one
/// of its candidates (running jobs ending at their estimated ends), and a job further back may start now
/// only if it does not delay that reservation: it ends before it, or uses GPUs the reserved job leaves.
class EasyScheduler : public Scheduler {
public:
  explicit EasyScheduler(std::unique_ptr<PlacementRule> p) : placement_(std::move(p)) {}
  std::string name() const override { return "easy"; }
  std::vector<SchedulingDecision> decide(const SchedulingView& view, const std::vector<QueuedJob>& queue,
                                         const std::vector<RunningJob>& running) const override {
    Booking b(view);
    size_t i = 0;
    for (; i < queue.size(); ++i) {
      const QueuedJob& q = queue[i];
      if (!b.within_quota(q)) continue;
      const ClusterSpec* c = placement_->place(q, view, b.free);
      if (!c) break;
      b.start(q, c, "first in the queue with room (" + placement_->name() + ")");
    }
    if (i == queue.size()) return b.decisions;
    // The head's reservation: where and when it can start earliest, and the GPUs it leaves there.
    const QueuedJob& head = queue[i];
    const ClusterSpec* reserved = nullptr;
    double shadow = kNever;
    long long extra = 0;
    for (const ClusterSpec* c : head.candidates) {
      std::vector<const RunningJob*> there;
      for (const std::vector<RunningJob>* list :
           {&running, static_cast<const std::vector<RunningJob>*>(&b.started)})
        for (const auto& r : *list)
          if (r.cluster == c) there.push_back(&r);
      std::sort(there.begin(), there.end(),
                [](const RunningJob* a, const RunningJob* b) { return a->expected_end < b->expected_end; });
      long long avail = b.free[c];
      double t = view.now.raw();
      for (const RunningJob* r : there) {
        if (avail >= head.gpus) break;
        avail += r->gpus;
        t = r->expected_end.raw();
      }
      if (avail >= head.gpus && t < shadow) {
        reserved = c;
        shadow = t;
        extra = avail - head.gpus;
      }
    }
    for (++i; i < queue.size(); ++i) {
      const QueuedJob& q = queue[i];
      if (!b.within_quota(q)) continue;
      std::map<const ClusterSpec*, long long> allowed = b.free;
      bool ends_before = false;
      if (reserved) {
        ends_before = view.now.raw() + view.runtime(*q.job, *reserved, q.gpus).raw() <= shadow;
        if (!ends_before) allowed[reserved] = std::min(allowed[reserved], extra);
      }
      const ClusterSpec* c = placement_->place(q, view, allowed);
      if (!c) continue;
      if (c == reserved && !ends_before) extra -= q.gpus;
      b.start(q, c,
              c == reserved ? (ends_before ? "backfilled: ends before the reservation of the queue's head"
                                           : "backfilled: on GPUs the queue's head leaves free")
                            : "backfilled on another cluster than the head's reservation");
    }
    return b.decisions;
  }

private:
  std::unique_ptr<PlacementRule> placement_;
};

/// Highest priority first (then the earliest submitted). A job that does not fit makes room by
/// preempting running jobs of lower priority on one of its candidates, lowest priority and youngest first
/// (they checkpoint, release their GPUs and go back to the queue); it starts once they have. GPUs being
/// released that way are counted for it, so a later decision does not preempt twice. A job that can
/// neither start nor preempt does not hold back lower-priority jobs.
class PriorityScheduler : public Scheduler {
public:
  explicit PriorityScheduler(std::unique_ptr<PlacementRule> p) : placement_(std::move(p)) {}
  std::string name() const override { return "priority"; }
  std::vector<SchedulingDecision> decide(const SchedulingView& view, const std::vector<QueuedJob>& queue,
                                         const std::vector<RunningJob>& running) const override {
    std::vector<const QueuedJob*> order;
    for (const auto& q : queue) order.push_back(&q);
    std::stable_sort(order.begin(), order.end(),
                     [](const QueuedJob* a, const QueuedJob* b) { return a->priority > b->priority; });
    Booking b(view);
    std::vector<bool> preempted(running.size(), false);
    // GPUs that preempted jobs are releasing now: already promised to a job waiting for them.
    std::map<const ClusterSpec*, long long> releasing = view.releasing;
    for (const QueuedJob* q : order) {
      if (!b.within_quota(*q)) continue;
      if (const ClusterSpec* c = placement_->place(*q, view, b.free)) {
        b.start(*q, c, "highest priority with room (" + placement_->name() + ")");
        continue;
      }
      for (const ClusterSpec* c : q->candidates) {
        // Victims: lower priority, on this cluster, lowest priority then youngest first.
        std::vector<size_t> victims;
        for (size_t k = 0; k < running.size(); ++k)
          if (!preempted[k] && running[k].cluster == c && running[k].priority < q->priority)
            victims.push_back(k);
        std::sort(victims.begin(), victims.end(), [&](size_t x, size_t y) {
          if (running[x].priority != running[y].priority) return running[x].priority < running[y].priority;
          return running[x].started > running[y].started;
        });
        long long avail = b.free[c] + releasing[c];
        std::vector<size_t> chosen;
        for (size_t k : victims) {
          if (avail >= q->gpus) break;
          avail += running[k].gpus;
          chosen.push_back(k);
        }
        if (avail < q->gpus || q->gpus > c->total_gpus()) continue;
        for (size_t k : chosen) {
          preempted[k] = true;
          b.decisions.push_back({SchedulingDecision::Kind::Preempt, running[k].id, c, running[k].gpus,
                                 fmt::format("makes room for a job of priority {}", q->priority)});
        }
        // What is freed (and free now) goes to this job; the rest stays for others.
        b.free[c] = std::min(b.free[c], avail - q->gpus);
        releasing[c] = 0;
        b.project_gpus[q->project] += q->gpus;
        break;
      }
    }
    return b.decisions;
  }

private:
  std::unique_ptr<PlacementRule> placement_;
};

std::unique_ptr<PlacementRule> make_placement(const std::string& name) {
  if (name == "home_first") return std::make_unique<HomeFirst>();
  if (name == "cheapest") return std::make_unique<Cheapest>();
  if (name == "earliest_start") return std::make_unique<EarliestStart>();
  throw std::invalid_argument("unknown placement '" + name + "'");
}

} // namespace

const std::vector<std::string>& scheduler_names() {
  static const std::vector<std::string> names = {"fifo", "easy", "priority"};
  return names;
}

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names = {"home_first", "cheapest", "earliest_start"};
  return names;
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const std::string& placement) {
  auto rule = make_placement(placement);
  if (name == "fifo") return std::make_unique<FifoScheduler>(std::move(rule));
  if (name == "easy") return std::make_unique<EasyScheduler>(std::move(rule));
  if (name == "priority") return std::make_unique<PriorityScheduler>(std::move(rule));
  throw std::invalid_argument("unknown scheduler '" + name + "'");
}

} // namespace riftsim
