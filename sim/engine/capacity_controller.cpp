#include "engine/capacity_controller.hpp"

#include "engine/wan_transfer.hpp"
#include "engine/watchdog.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <spdlog/spdlog.h>

namespace riftsim {

namespace {

double now() {
  return sg4::Engine::get_clock();
}

constexpr double kNever = std::numeric_limits<double>::infinity();

bool covers(const ProviderScope& scope, const ClusterRuntime* c) {
  return c && scope.covers_region(c->spec->region, c->spec->provider);
}

} // namespace

CapacityController::CapacityController(BuiltPlatform& platform, std::vector<JobRuntime*> jobs,
                                       const ScenarioSpec& scenario, bool with_events, RunLog& log)
    : platform_(platform), scenario_(scenario), with_events_(with_events), log_(log),
      scheduler_(make_scheduler(scenario.scheduler.policy, scenario.scheduler.placement)) {
  for (JobRuntime* j : jobs) {
    if (j->id != static_cast<int>(jobs_.size())) throw std::logic_error("job ids must be their order");
    Control c;
    c.job = j;
    jobs_.push_back(std::move(c));
  }
  // A reservation named by several jobs' responses is one commitment, bought once.
  auto same = [](const ReservationSpec& a, const ReservationSpec& b) {
    return a.cluster == b.cluster && a.nodes == b.nodes && a.from == b.from && a.to == b.to &&
           a.price == b.price && a.name == b.name;
  };
  auto add = [&](const ReservationSpec& r) {
    if (std::none_of(reservations_.begin(), reservations_.end(), [&](const auto& x) { return same(x, r); }))
      reservations_.push_back(r);
  };
  for (const auto& r : scenario.reservations) add(r);
  if (with_events) // the baseline, the undisturbed run, buys no hedge
    for (JobRuntime* j : jobs)
      for (const auto& r : j->response->reservations) add(r);
}

int CapacityController::reserved_nodes(const ClusterRuntime& c) const {
  int n = 0;
  for (const auto& r : reservations_)
    if (r.cluster == c.spec->id && r.from.raw() <= now() && now() < r.to.raw()) n += r.nodes;
  return n;
}

int CapacityController::reserved_nodes_ever(const ClusterRuntime& c) const {
  int n = 0;
  for (const auto& r : reservations_)
    if (r.cluster == c.spec->id && r.from.raw() <= now()) n += r.nodes;
  return n;
}

std::pair<int, long long> CapacityController::queue_length() const {
  int jobs = 0;
  long long gpus = 0;
  for (size_t i : live_)
    if (const Control& c = jobs_[i]; c.state == State::Queued) {
      jobs++;
      gpus += c.job->spec->gpus;
    }
  return {jobs, gpus};
}

CapacityController::Control& CapacityController::control(JobRuntime* job) {
  return jobs_.at(static_cast<size_t>(job->id));
}

bool CapacityController::all_done() const {
  return done_ == jobs_.size();
}

void CapacityController::operator()() {
  // Jobs arrive at their submit times, in order (ties in the workload's order): one actor plays them.
  // Reserved capacity arrives (and leaves) at its term: the scheduler looks again then.
  for (const auto& r : reservations_) {
    ClusterRuntime& c = platform_.cluster(r.cluster);
    post_at(r.from.raw(), DeliveredMsg{&c});
    post_at(r.to.raw(), DeliveredMsg{&c});
  }
  std::vector<JobRuntime*> arrivals;
  for (Control& c : jobs_) arrivals.push_back(c.job);
  std::stable_sort(arrivals.begin(), arrivals.end(), [](const JobRuntime* a, const JobRuntime* b) {
    return a->spec->submit < b->spec->submit;
  });
  size_t first_later = 0;
  while (first_later < arrivals.size() && arrivals[first_later]->spec->submit.raw() <= 0)
    post(SubmittedMsg{arrivals[first_later++]});
  if (first_later < arrivals.size()) {
    CapacityController* self = this;
    sg::spawn("job-arrivals", platform_.control, [self, arrivals, first_later] {
      for (size_t i = first_later; i < arrivals.size(); ++i) {
        sg4::this_actor::sleep_until(arrivals[i]->spec->submit.raw());
        self->post(SubmittedMsg{arrivals[i]});
      }
    })->daemonize();
  }
  // Without a timeline nothing will ever be granted or restored: jobs with nowhere to go end at once.
  if (!with_events_ || scenario_.events.empty()) post(EventsOverMsg{});
  while (!all_done()) {
    watchdog().tick("the capacity controller's loop");
    ControllerMsg msg = inbox_.pop();
    std::visit([this](auto& m) { on(m); }, msg);
    check_invariants();
  }
}

void CapacityController::post_at(double time, ControllerMsg m) {
  if (time <= now()) return post(std::move(m));
  CapacityController* self = this;
  sg::spawn("controller-timer", platform_.control, [self, time, m = std::move(m)] {
    sg4::this_actor::sleep_until(time);
    self->post(m);
  })->daemonize();
}

// ---------------------------------------------------------------------------------------------------
// Capacity

int CapacityController::held_nodes(const ClusterRuntime& c) const {
  return c.held_nodes();
}

int CapacityController::delivered_nodes(const ClusterRuntime& c) const {
  int n = 0;
  const ClusterSpec& s = *c.spec;
  if (c.requested_at) n = s.capacity.available(Seconds(now() - *c.requested_at), s.lead_time);
  if (c.granted_at && now() >= *c.granted_at)
    n = std::max(n, c.grant_capacity.available(Seconds(now() - *c.granted_at), c.grant_lead));
  return std::min(c.spec->nodes, n + reserved_nodes(c));
}

long long CapacityController::free_gpus_for_start(const ClusterRuntime& c) const {
  if (c.cut_off) return 0;
  long long room = 0;
  for (size_t i = 0; i < c.hosts.size(); ++i)
    if (c.host_alloc[i] < 0 && c.hosts[i]->is_on()) room += c.nodes_up[i];
  long long tenant = std::max(0, delivered_nodes(c) - held_nodes(c));
  return std::min(room, tenant) * c.spec->gpus_per_node;
}

void CapacityController::ask_for_capacity(ClusterRuntime& cluster) {
  if (cluster.requested_at) return;
  cluster.requested_at = now();
  // Tell the scheduler when the first nodes and each step of the ramp arrive.
  const CapacitySpec& cap = cluster.spec->capacity;
  Seconds lead = cluster.spec->lead_time;
  std::vector<double> arrivals;
  if (!std::isinf(cap.time_for(1, lead).raw())) arrivals.push_back(now() + lead.raw());
  if (cap.ramp_nodes > 0)
    for (int n = cap.initial + cap.ramp_nodes, k = 1; n < cap.quota + cap.ramp_nodes && k < 1000;
         n += cap.ramp_nodes, ++k)
      arrivals.push_back(now() + (lead + cap.ramp_every * k).raw());
  for (double t : arrivals) post_at(t, DeliveredMsg{&cluster});
}

Allocation CapacityController::take(ClusterRuntime& cluster, long long gpus, Control& c, double since,
                                    const Allocation* transfer) {
  std::optional<Allocation> a = take_hosts(cluster, gpus, c.job->id, next_allocation_, since, transfer);
  if (!a) return {};
  next_allocation_++;
  // The failure injector sleeps while nobody uses the cluster.
  std::unique_lock lock(*cluster.busy_mutex);
  cluster.busy_cv->notify_all();
  return *a;
}

void CapacityController::serve_spares(ClusterRuntime& cluster) {
  auto& waiters = spare_waiters_[&cluster];
  const int gpn = cluster.spec->gpus_per_node;
  for (auto it = waiters.begin(); it != waiters.end();) {
    Control& c = control(*it);
    JobRuntime& job = *c.job;
    int served = 0;
    while (c.spares_wanted > 0) {
      if (cluster.spares > 0) {
        cluster.spares--;
      } else if (job.spec->on_no_spare == JobSpec::NoSpare::Shrink && job.alloc.cluster == &cluster &&
                 job.alloc.gpus > gpn) {
        drop_nodes(job.alloc, 1); // continue on one node less
      } else {
        break;
      }
      c.spares_wanted--;
      job.spares_granted++;
      served++;
    }
    if (served > 0) job.wake_runner();
    it = c.spares_wanted == 0 ? waiters.erase(it) : std::next(it);
  }
}

void CapacityController::check_invariants() const {
  // Holdings versions and changes_ only grow: an unchanged sum means nothing the checks read changed.
  std::uint64_t changes = changes_;
  for (const auto& [id, c] : platform_.clusters) changes += c.holdings_version;
  if (changes == checked_changes_) return;
  checked_changes_ = changes;
  for (const auto& [id, c] : platform_.clusters) {
    // Recounted from the hosts and nodes themselves, where they changed since the last check.
    auto [last, fresh] = recounted_.try_emplace(&c, 0);
    if (fresh || last->second != c.holdings_version) {
      int in_use = static_cast<int>(
          std::count_if(c.host_alloc.begin(), c.host_alloc.end(), [](int a) { return a >= 0; }));
      if (in_use != c.hosts_in_use)
        watchdog().fail(fmt::format("capacity bookkeeping broken on {}: {} hosts held, {} counted", id,
                                    in_use, c.hosts_in_use));
      last->second = c.holdings_version;
    }
    int held = c.held_nodes();
    if (held > c.spec->nodes)
      watchdog().fail(fmt::format("{} holds {} nodes of its {}", id, held, c.spec->nodes));
    int quota =
        std::max(c.spec->capacity.quota, c.granted_at ? c.grant_capacity.quota : 0) + reserved_nodes_ever(c);
    if (held > quota)
      watchdog().fail(fmt::format("the tenant holds {} nodes on {}, over its quota of {}", held, id, quota));
  }
  std::map<std::string, long long> project_gpus;
  for (size_t i : live_)
    if (const Control& c = jobs_[i]; !c.job->alloc.empty())
      project_gpus[c.job->spec->project] += c.job->alloc.gpus;
  for (const auto& [project, gpus] : project_gpus)
    if (auto q = scenario_.project_quota.find(project);
        q != scenario_.project_quota.end() && gpus > q->second)
      watchdog().fail(
          fmt::format("project {} holds {} GPUs, over its quota of {}", project, gpus, q->second));
  for (size_t i : live_) {
    const Control& c = jobs_[i];
    if (c.state != State::Running) continue;
    const JobRuntime& j = *c.job;
    for (const Allocation* a : {&j.alloc, &j.remote})
      for (const HostShare& s : a->shares)
        if (a->cluster->host_alloc[s.index] != a->id)
          watchdog().fail(fmt::format("{} trains on host {} of {}, which it does not hold", j.spec->name,
                                      s.index, a->cluster->spec->id));
  }
}

// ---------------------------------------------------------------------------------------------------
// Jobs arriving, starting, stopping, ending

void CapacityController::on(const SubmittedMsg& m) {
  Control& c = control(m.job);
  if (c.state != State::Pending) watchdog().fail(m.job->spec->name + " submitted twice");
  set_state(c, State::Queued);
  live_.insert(static_cast<size_t>(m.job->id));
  for (ClusterRuntime* where : m.job->candidates) ask_for_capacity(*where);
  schedule();
}

Seconds CapacityController::estimate(const JobSpec& job, const ClusterSpec& cluster, long long gpus,
                                     double done) const {
  const JobRuntime& any = *jobs_.front().job;
  FlopsPerSecond rate = any.speed->step(job, cluster, gpus).rate;
  if (!(rate.raw() > 0)) return Seconds(kNever);
  return Seconds(std::max(0.0, job.work.raw() - done) / rate.raw());
}

void CapacityController::schedule() {
  // The queue first: after most messages it is empty, and there is nothing to decide (what follows looks
  // at every cluster's hosts and every live job).
  std::vector<QueuedJob> queue;
  for (size_t i : live_) {
    const Control& c = jobs_[i];
    const JobRuntime& j = *c.job;
    if (c.state == State::Queued && !c.preempting) {
      QueuedJob q{j.id, j.spec, j.spec->submit, j.spec->priority, j.spec->project, {}, j.spec->gpus};
      // A preempted job restarts where its checkpoint is (moving it is a response, not a schedule).
      for (const ClusterRuntime* where : j.candidates)
        if (!c.preempted || where->region == j.checkpoint_region) q.candidates.push_back(where->spec);
      queue.push_back(std::move(q));
    }
  }
  if (queue.empty()) return;
  std::vector<RunningJob> running;
  SchedulingView view;
  view.now = Seconds(now());
  for (auto& [id, c] : platform_.clusters) {
    view.free_gpus[c.spec] = free_gpus_for_start(c);
    // Reserved nodes not in use are paid for already: starting a job on them costs nothing more.
    view.price_factor[c.spec] = held_nodes(c) < reserved_nodes(c) ? 0.0 : c.price_factor;
  }
  view.project_quota = scenario_.project_quota;
  view.runtime = [this](const JobSpec& job, const ClusterSpec& c, long long gpus) {
    return estimate(job, c, gpus, 0);
  };
  for (size_t i : live_) {
    const Control& c = jobs_[i];
    const JobRuntime& j = *c.job;
    // A job in flight (started, not queued, not done) counts against its project's quota at its full
    // width, whatever it holds this instant: a job waiting out a throttle takes its GPUs back after.
    if (c.started && c.state != State::Queued && c.state != State::Done)
      view.project_gpus[j.spec->project] += j.spec->gpus;
    if (c.preempting && !j.alloc.empty()) view.releasing[j.alloc.cluster->spec] += j.alloc.gpus;
    if (c.state == State::Running && !c.preempting && !j.alloc.empty())
      running.push_back({j.id, j.alloc.cluster->spec, j.alloc.gpus,
                         view.now + estimate(*j.spec, *j.alloc.cluster->spec, j.alloc.gpus, j.progress),
                         j.spec->priority, j.spec->project, Seconds(j.start)});
  }
  // In submission order (ties: the workload's order), as FIFO and EASY assume.
  std::stable_sort(queue.begin(), queue.end(),
                   [](const QueuedJob& a, const QueuedJob& b) { return a.submitted < b.submitted; });
  for (const SchedulingDecision& d : scheduler_->decide(view, queue, running)) {
    Control& c = jobs_.at(static_cast<size_t>(d.job));
    if (d.kind == SchedulingDecision::Kind::Start) {
      start(c, *d.cluster);
    } else {
      if (c.state != State::Running || c.preempting)
        watchdog().fail(c.job->spec->name + " preempted while not running");
      c.preempting = true;
      spdlog::info("{}: preempted ({})", c.job->spec->name, d.reason);
      c.job->request_halt();
    }
  }
}

void CapacityController::start(Control& c, const ClusterSpec& where) {
  JobRuntime& j = *c.job;
  ClusterRuntime& cluster = platform_.cluster(where.id);
  if (c.started) return restart(c, cluster);
  Allocation a = take(cluster, j.spec->gpus, c, now());
  if (a.empty())
    watchdog().fail(fmt::format("the scheduler started {} on {} without room", j.spec->name, where.id));
  j.alloc = a;
  j.current = &cluster;
  j.active_gpus = a.gpus;
  set_state(c, State::Running);
  if (c.started) watchdog().fail(j.spec->name + " started twice");
  c.started = true;
  j.home = &cluster;
  j.checkpoint_region = cluster.region;
  j.dataset_region = cluster.region;
  j.ledger.clusters.push_back(cluster.spec->id);
  j.keep_data_in(*cluster.region, now());
  if (with_events_) {
    for (const auto& name : j.response->paths) // interconnect ports are held for the whole run
      if (const WanLinkSpec* l = platform_.spec->find_link(name); l && l->port_price.raw() > 0)
        j.ledger.ports.push_back({name, l->port_price, Seconds(now()), Seconds(now())});
    // Hedge: a standby held (and billed from its delivery) from the start, checkpoints replicated to it.
    // The baseline, the undisturbed run, holds none.
    if (const ClusterSpec* standby = j.strategy->standby()) {
      ClusterRuntime& s = platform_.cluster(standby->id);
      ask_for_capacity(s);
      WorldView w = world_view(c);
      const ClusterAvailability* avail = w.find(standby->id);
      int nodes = static_cast<int>((j.spec->gpus + standby->gpus_per_node - 1) / standby->gpus_per_node);
      double ready = now() + (avail ? avail->ready_in(nodes, Seconds(now())).raw() : kNever);
      Allocation held = std::isinf(ready) ? Allocation{} : take(s, j.spec->gpus, c, ready);
      if (held.empty()) {
        spdlog::warn("{}: the standby {} cannot hold its {} GPUs; no hedge", j.spec->name, standby->id,
                     j.spec->gpus);
      } else {
        j.standby = &s;
        j.standby_alloc = held;
        sg::spawn(j.spec->name + "-replicator", platform_.control, CheckpointReplicator(j, platform_))
            ->daemonize();
      }
    }
  }
  j.to_runner.push(ResumeMsg{});
}

void CapacityController::on(const StoppedMsg& m) {
  Control& c = control(m.job);
  if (c.executor) return c.executor->push(m); // its executor waits for it
  if (c.preempting) {                         // back to the queue, its progress saved in the final checkpoint
    JobRuntime& j = *m.job;
    c.preempting = false;
    c.preempted = m;
    set_state(c, State::Queued);
    j.ledger.preemptions++;
    j.event(EventKind::Preempted, "back to the queue", j.saved_fraction());
    return schedule(); // its hosts came back with its halt (ReleasedMsg)
  }
  if (!c.incident || !c.incident->hit)
    watchdog().fail(fmt::format("{} stopped ({}) with nothing to respond to", m.job->spec->name,
                                static_cast<int>(m.reason)));
  c.incident->stopped = m;
  if (c.state == State::Stranded) return; // it decided before it stopped; it waits for capacity now
  if (c.incident->home_back) return resume_home(c);
  if (c.incident->detected || c.incident->prepared) decide(c);
}

void CapacityController::on(ReleasedMsg& m) {
  JobRuntime& j = *m.job;
  if (m.billed) {
    std::vector<double> energy = read_energy(m.alloc); // may let other actors run: nothing is unmarked yet
    Tenure t = tenure_of(m.alloc, energy, now());
    j.ledger.tenures.push_back(t);
    log_.span(true, t.provider, SpanKind::Tenure, t.start.raw(), t.end.raw(),
              j.spec->name + " on " + t.cluster);
  }
  free_hosts(m.alloc);
  // Spares it still waited for on that cluster are no longer wanted.
  auto& waiters = spare_waiters_[m.alloc.cluster];
  Control& c = control(m.job);
  if (std::find(waiters.begin(), waiters.end(), m.job) != waiters.end() && m.alloc.cluster == j.current) {
    waiters.erase(std::remove(waiters.begin(), waiters.end(), m.job), waiters.end());
    c.spares_wanted = 0;
  }
  schedule();
}

void CapacityController::on(const FinishedMsg& m) {
  Control& c = control(m.job);
  if (c.state == State::Done) watchdog().fail(m.job->spec->name + " finished twice");
  set_state(c, State::Done);
  live_.erase(static_cast<size_t>(m.job->id));
  done_++;
  if (c.executor) c.executor->push(JobDoneMsg{});
  schedule();
}

void CapacityController::on(const ExecutedMsg& m) {
  Control& c = control(m.job);
  c.executor.reset();
  switch (m.outcome) {
  case Outcome::Resumed:
    set_state(c, State::Running);
    c.incident.reset();
    return;
  case Outcome::Waiting:
    set_state(c, State::Waiting);
    c.incident->stopped = m.stopped;
    if (events_over_) abort(c);
    return;
  case Outcome::GrowBack:
    set_state(c, State::Running);
    c.incident.reset();
    return grow_back(c);
  case Outcome::Finished:
    return; // its FinishedMsg says so
  }
}

void CapacityController::on(const SparesWantedMsg& m) {
  Control& c = control(m.job);
  ClusterRuntime& cluster = *m.job->current;
  c.spares_wanted += m.nodes;
  auto& waiters = spare_waiters_[&cluster];
  if (std::find(waiters.begin(), waiters.end(), m.job) == waiters.end()) waiters.push_back(m.job);
  serve_spares(cluster);
}

void CapacityController::on(const RepairedMsg& m) {
  if (m.cluster->owed_to_standbys > 0)
    m.cluster->owed_to_standbys--;
  else
    m.cluster->spares++;
  serve_spares(*m.cluster);
}

void CapacityController::on(const StandbyNodeFailedMsg& m) {
  if (m.cluster->spares > 0)
    m.cluster->spares--;
  else
    m.cluster->owed_to_standbys++;
}

void CapacityController::on(const DeliveredMsg&) {
  schedule();
}

void CapacityController::on(const AllocateMsg& m) {
  Control& c = control(m.job);
  if (!c.executor) watchdog().fail(m.job->spec->name + " asked for capacity with no executor");
  const Allocation* mine = m.job->alloc.cluster == m.cluster ? &m.job->alloc : nullptr;
  Allocation a = take(*m.cluster, m.gpus, c, now(), mine);
  c.executor->push(AllocatedMsg{a.empty() ? std::nullopt : std::optional<Allocation>(a)});
}

// ---------------------------------------------------------------------------------------------------
// Provider events

void CapacityController::on(const ProviderEventMsg& m) {
  if (m.notice) return notice(m.event->event);
  const ProviderEvent& e = m.event->event;
  if (const auto* c = std::get_if<CutoffEvent>(&e)) return cutoff(*c);
  if (const auto* r = std::get_if<RestoreEvent>(&e)) return restore(*r);
  if (const auto* t = std::get_if<ThrottleEvent>(&e)) return throttle(*t);
  if (const auto* p = std::get_if<PriceEvent>(&e)) return price(*p);
  if (const auto* g = std::get_if<GrantEvent>(&e)) return grant(*g);
  if (const auto* l = std::get_if<LinkEvent>(&e)) {
    WanPathRuntime& p = platform_.paths.at(l->link);
    spdlog::warn("WAN link {} goes {}", l->link, l->up ? "up" : "down");
    log_.event(now(), l->up ? EventKind::LinkUp : EventKind::LinkDown, "", "", l->link,
               p.spec->region_a + " <-> " + p.spec->region_b);
    return set_path_up(platform_, p, l->up);
  }
}

void CapacityController::on(const EventsOverMsg&) {
  events_over_ = true;
  // No restore or grant will come: jobs that wait for one stop hoping.
  for (Control& c : jobs_)
    if (c.state == State::Waiting || (c.state == State::Stranded && c.incident && c.incident->stopped) ||
        (c.state == State::Queued && c.started == false &&
         free_gpus_for_start(*c.job->current) < c.job->spec->gpus &&
         std::isinf(
             c.job->current->spec->capacity
                 .time_for(static_cast<int>((c.job->spec->gpus + c.job->current->spec->gpus_per_node - 1) /
                                            c.job->current->spec->gpus_per_node),
                           c.job->current->spec->lead_time)
                 .raw())))
      abort(c);
}

void CapacityController::notice(const ProviderEvent& event) {
  auto tell = [&](const ProviderScope& scope, Seconds in, const std::string& what) {
    spdlog::warn("{} gives notice: {} in {}", scope.str(), what, format_duration(in));
    log_.event(now(), EventKind::Notice, "", scope.provider, scope.region,
               what + " in " + format_duration(in));
  };
  if (const auto* e = std::get_if<CutoffEvent>(&event)) {
    tell(e->scope, e->notice, "cutoff");
    for (Control& c : jobs_)
      if (c.state == State::Running && !c.incident && covers(e->scope, c.job->current))
        open_incident(c, *e, true, false);
  } else if (const auto* t = std::get_if<ThrottleEvent>(&event)) {
    tell(t->scope, t->notice, fmt::format("throttle to {:.0f}%", 100 * t->to));
    for (Control& c : jobs_) {
      JobRuntime& j = *c.job;
      if (c.state != State::Running || c.incident || !covers(t->scope, j.current)) continue;
      std::vector<int> after = j.current->nodes_up_after_throttle(t->to);
      bool hit = false;
      for (const HostShare& s : j.alloc.shares) hit = hit || after[s.index] < s.nodes;
      if (hit) open_incident(c, CutoffEvent{t->scope, t->at, t->notice}, true, false, t);
    }
  } else if (const auto* p = std::get_if<PriceEvent>(&event)) {
    tell(p->scope, p->notice, fmt::format("price at {:.2f}x the list price", p->factor));
    // A move of its own accord starts at the notice, so that the target is ready by the new price.
    for (Control& c : jobs_)
      if (c.state == State::Running && !c.incident && covers(p->scope, c.job->current) &&
          c.job->strategy->moves_on_price(p->factor))
        open_incident(c, CutoffEvent{p->scope, Seconds(kNever), Seconds(0)}, true, false);
  }
}

void CapacityController::cutoff(const CutoffEvent& e) {
  spdlog::warn("{} cuts off the tenant's compute", e.scope.str());
  log_.event(now(), EventKind::Cutoff, "", e.scope.provider, e.scope.region, "compute cut off");
  // Mark first; turning hosts off is a SimGrid call that lets other actors run.
  std::vector<sg4::Host*> off;
  for (auto& [id, c] : platform_.clusters)
    if (covers(e.scope, &c)) {
      c.set_supply(true, c.nodes_up);
      for (size_t i = 0; i < c.hosts.size(); ++i)
        if (c.hosts[i]->is_on()) {
          c.host_went_off[i]++;
          c.hosts_went_off++;
          off.push_back(c.hosts[i]);
        }
    }
  for (sg4::Host* h : off) h->turn_off();
  for (Control& c : jobs_) {
    JobRuntime& j = *c.job;
    if (c.state == State::Done || !(covers(e.scope, j.alloc.cluster) || covers(e.scope, j.remote.cluster)))
      continue;
    j.hosts_lost();
    // A job already responding (to this cutoff's notice, or to an earlier event) is carried on by its
    // executor; events that arrive while a response is carried out are not responded to.
    if (c.state == State::Running && !c.incident)
      open_incident(c, e, false, true);
    else if (c.incident && !c.executor)
      c.incident->hit = true;
  }
}

void CapacityController::restore(const RestoreEvent& e) {
  spdlog::warn("{} restores the tenant's compute", e.scope.str());
  log_.event(now(), EventKind::Restore, "", e.scope.provider, e.scope.region, "compute restored");
  std::vector<sg4::Host*> on;
  for (auto& [id, c] : platform_.clusters)
    if (covers(e.scope, &c)) {
      c.set_supply(false, c.host_nodes);
      for (sg4::Host* h : c.hosts)
        if (!h->is_on()) on.push_back(h);
    }
  for (sg4::Host* h : on) h->turn_on();
  for (Control& c : jobs_) {
    JobRuntime& j = *c.job;
    if (!covers(e.scope, j.current)) {
      if (c.state == State::Stranded && c.incident && c.incident->stopped) redecide(c);
      continue;
    }
    switch (c.state) {
    case State::Waiting:
      resume_home(c);
      break;
    case State::Stranded:
      if (c.incident && c.incident->stopped) resume_home(c); // home is back before anywhere else
      break;
    case State::Running:
      // A job that shrank grows back to full width when its provider restores the capacity.
      if (j.active_gpus < j.spec->gpus || !j.remote.empty()) grow_back(c);
      break;
    case State::Responding:
      if (c.executor)
        c.executor->push(HomeRestoredMsg{}); // it carries out a decision: it is told
      else if (c.incident && c.incident->stopped)
        resume_home(c); // still within its detection delay
      else if (c.incident)
        c.incident->home_back = true; // still stopping
      break;
    case State::Pending:
    case State::Queued:
    case State::Done:
      break;
    }
  }
  schedule();
}

void CapacityController::throttle(const ThrottleEvent& e) {
  spdlog::warn("{} throttles the tenant to {:.0f}% of its nodes", e.scope.str(), 100 * e.to);
  log_.event(now(), EventKind::Throttle, "", e.scope.provider, e.scope.region,
             fmt::format("capacity cut to {:.0f}%", 100 * e.to));
  std::vector<sg4::Host*> off;
  for (auto& [id, c] : platform_.clusters) {
    if (!covers(e.scope, &c)) continue;
    // Exactly the share, in whole nodes, whatever the grouping of nodes into simulated hosts: nodes are
    // taken from the end of the cluster; a host left with none goes off, one left with some stays on.
    c.set_supply(c.cut_off, c.nodes_up_after_throttle(e.to));
    for (size_t i = 0; i < c.hosts.size(); ++i)
      if (c.nodes_up[i] == 0 && c.hosts[i]->is_on()) {
        c.host_went_off[i]++;
        c.hosts_went_off++;
        off.push_back(c.hosts[i]);
      }
  }
  for (sg4::Host* h : off) h->turn_off();
  // Only jobs that lost nodes respond; for them it is a cutoff of part of their capacity.
  CutoffEvent as_cutoff{e.scope, e.at, Seconds(0)};
  for (Control& c : jobs_) {
    JobRuntime& j = *c.job;
    if (c.state == State::Done || !covers(e.scope, j.alloc.cluster)) continue;
    bool hit = false;
    for (const HostShare& s : j.alloc.shares)
      hit = hit || j.alloc.cluster->gpus_left(s.index, s.nodes) < s.gpus;
    if (!hit) continue;
    j.hosts_lost();
    if (c.state == State::Running && !c.incident) {
      open_incident(c, as_cutoff, false, true);
    } else if (c.incident && c.incident->announced && !c.executor) {
      c.incident->hit = true; // prepared at the notice (or still deciding): decide once stopped
      c.incident->event = as_cutoff;
      c.incident->with_notice = false;
    }
  }
}

void CapacityController::price(const PriceEvent& e) {
  spdlog::warn("{} prices the tenant's nodes at {:.2f}x the list price", e.scope.str(), e.factor);
  log_.event(now(), EventKind::Price, "", e.scope.provider, e.scope.region,
             fmt::format("{:.2f}x the list price", e.factor));
  // Book the hours so far at the old price, then bill the rest at the new one. Read every energy first:
  // reading may let other actors run.
  std::vector<std::pair<Control*, std::vector<double>>> split;
  for (Control& c : jobs_)
    if (c.state != State::Done && covers(e.scope, c.job->alloc.cluster))
      split.emplace_back(&c, read_energy(c.job->alloc));
  double t = now();
  for (auto& [c, energy] : split) {
    JobRuntime& j = *c->job;
    if (j.alloc.empty() || energy.size() != j.alloc.shares.size()) continue; // released meanwhile
    Tenure tenure = tenure_of(j.alloc, energy, t);
    j.ledger.tenures.push_back(tenure);
    log_.span(true, tenure.provider, SpanKind::Tenure, tenure.start.raw(), t,
              j.spec->name + " on " + tenure.cluster);
    for (size_t k = 0; k < energy.size(); ++k) j.alloc.shares[k].energy_start = energy[k];
    j.alloc.since = t;
  }
  for (auto& [id, c] : platform_.clusters)
    if (covers(e.scope, &c)) c.price_factor = e.factor;
  // A strategy with a price limit moves on its own, training on while the target gets ready: a
  // cutoff with a notice that never runs out.
  for (Control& c : jobs_)
    if (c.state == State::Running && !c.incident && covers(e.scope, c.job->current) &&
        c.job->strategy->moves_on_price(e.factor))
      open_incident(c, CutoffEvent{e.scope, Seconds(kNever), Seconds(0)}, true, false);
}

void CapacityController::grant(const GrantEvent& e) {
  ClusterRuntime& c = platform_.cluster(e.cluster);
  c.granted_at = e.at.raw();
  ++changes_; // its quota
  c.grant_lead = e.lead_time;
  c.grant_capacity = e.capacity ? *e.capacity : c.spec->capacity;
  if (!e.capacity && c.grant_capacity.quota == 0) // a cluster that gives nothing unless granted: all of it
    c.grant_capacity = {c.spec->nodes, c.spec->nodes, 0, Seconds(0)};
  spdlog::warn("{} grants the tenant {} nodes on {} (first in {})", c.spec->provider, c.grant_capacity.quota,
               e.cluster, format_duration(e.lead_time));
  log_.event(now(), EventKind::Grant, "", c.spec->provider, e.cluster,
             fmt::format("{} nodes, first after {}", c.grant_capacity.quota, format_duration(e.lead_time)));
  for (Control& j : jobs_)
    if (j.state == State::Stranded && j.incident && j.incident->stopped) redecide(j);
  post_at(now() + e.lead_time.raw(), DeliveredMsg{&c});
  schedule();
}

// ---------------------------------------------------------------------------------------------------
// Decisions

void CapacityController::open_incident(Control& c, const CutoffEvent& event, bool with_notice, bool hit,
                                       const ThrottleEvent* announced) {
  Incident inc;
  inc.id = ++next_incident_;
  inc.event = event;
  inc.with_notice = with_notice;
  inc.hit = hit;
  inc.t_event = now();
  inc.announced = announced;
  c.incident = inc;
  set_state(c, State::Responding);
  post_at(now() + c.job->strategy->detection_delay().raw(), DetectedMsg{c.job, inc.id});
}

void CapacityController::on(const DetectedMsg& m) {
  Control& c = control(m.job);
  if (!c.incident || c.incident->id != m.incident || c.state == State::Done) return; // answered otherwise
  c.incident->detected = true;
  c.incident->t_decided = now();
  if (c.executor) return; // home came back first: it is already resuming there
  if (!c.incident->hit || c.incident->stopped) decide(c);
}

WorldView CapacityController::world_view(const Control& c, const ThrottleEvent* announced) const {
  const JobRuntime& job = *c.job;
  WorldView v;
  v.now = Seconds(now());
  v.platform = platform_.spec;
  for (auto& [id, cl] : platform_.clusters) {
    long long free = cl.free_gpus();
    // The job's own nodes that are still up are there for it too (it may not have released them yet).
    if (&cl == job.alloc.cluster)
      for (const HostShare& s : job.alloc.shares) free += std::min(s.gpus, cl.gpus_left(s.index, s.nodes));
    if (announced && covers(announced->scope, &cl)) {
      // What will be left once the announced throttle has taken its share.
      std::vector<int> after = cl.nodes_up_after_throttle(announced->to);
      long long gpn = cl.spec->gpus_per_node;
      free = 0;
      for (size_t i = 0; i < cl.hosts.size(); ++i)
        if (cl.host_alloc[i] < 0 && cl.hosts[i]->is_on()) free += after[i] * gpn;
      if (&cl == job.alloc.cluster)
        for (const HostShare& s : job.alloc.shares)
          free += std::min<long long>(s.gpus, std::min(s.nodes, after[s.index]) * gpn);
    }
    ClusterAvailability a{cl.spec, free, cl.cut_off, cl.price_factor};
    a.reserved_nodes = reserved_nodes(cl);
    a.held_nodes = held_nodes(cl);
    if (&cl == job.alloc.cluster) a.held_nodes -= job.alloc.nodes();
    if (cl.granted_at) {
      a.granted_at = Seconds(*cl.granted_at);
      a.grant_lead = cl.grant_lead;
      a.grant_capacity = cl.grant_capacity;
    }
    if (cl.requested_at) a.requested_at = Seconds(*cl.requested_at);
    v.clusters.push_back(a);
  }
  v.links_down = platform_.links_down();
  v.speed = job.speed;
  return v;
}

JobView CapacityController::job_view(const Control& c) const {
  const JobRuntime& j = *c.job;
  return {j.spec, j.current->spec, Flops(j.spec->work.raw() - j.committed), j.response->paths,
          j.response->streams};
}

void CapacityController::decide(Control& c) {
  JobRuntime& j = *c.job;
  Incident& inc = *c.incident;
  const bool preparing = inc.announced && !inc.hit && !inc.prepared; // a throttle's notice
  ResponseDecision d;
  if (inc.prepared) {
    d = *inc.prepared; // decided at the notice: carried out now, with no detection
  } else {
    d = j.strategy->on_capacity_loss(job_view(c), world_view(c, preparing ? inc.announced : nullptr));
    log_.span(false, j.spec->name, SpanKind::Detection, inc.t_event, inc.t_decided);
  }
  if (preparing) {
    const ThrottleEvent& t = *inc.announced;
    double ready = inc.t_decided + (d.provisioning + d.porting + checkpoint_write_margin(j)).raw();
    if (d.action == ResponseDecision::Action::Migrate && ready < t.at.raw()) {
      // The target is ready before the throttle: move then, as before a cutoff with notice.
      inc.event = CutoffEvent{t.scope, t.at, t.notice};
      inc.with_notice = true;
      if (!commit(c, d)) set_state(c, State::Running), c.incident.reset();
      return;
    }
    inc.prepared = d;
    spdlog::info("{}: prepared for the throttle: {}", j.spec->name, d.reason);
    j.event(EventKind::Decision, j.strategy->name() + " (prepared for the throttle): " + d.reason);
    // A checkpoint that ends just before the throttle, so that no work is lost to it.
    double at = t.at.raw() - checkpoint_write_margin(j).raw();
    if (at > now()) {
      int epoch = j.epoch;
      JobRuntime* job = &j;
      sg::spawn(j.spec->name + "-checkpoint-timer", platform_.control, [job, epoch, at] {
        sg4::this_actor::sleep_until(at);
        if (job->epoch == epoch) job->request_checkpoint();
      })->daemonize();
    }
    return;
  }
  if (d.action == ResponseDecision::Action::Strand || !commit(c, d)) {
    if (d.action != ResponseDecision::Action::Strand) d.reason = "what it chose is gone: " + d.reason;
    spdlog::warn("{}: {} ({}); waiting for capacity", j.spec->name, d.reason, j.strategy->name());
    j.event(EventKind::Decision, j.strategy->name() + ": " + d.reason + "; waiting for capacity");
    set_state(c, State::Stranded);
    if (events_over_ && inc.stopped) abort(c);
  }
}

bool CapacityController::commit(Control& c, const ResponseDecision& d) {
  JobRuntime& j = *c.job;
  Incident& inc = *c.incident;
  Execution e;
  e.kind = Execution::Kind::Respond;
  e.decision = d;
  e.event = inc.event;
  e.with_notice = inc.with_notice;
  e.t_event = inc.t_event;
  e.t_decided = inc.t_decided;
  e.stopped = inc.stopped;
  const Allocation* mine = j.alloc.empty() ? nullptr : &j.alloc;
  auto here = [&](long long gpus) { return take(*j.current, gpus, c, now(), mine); };
  auto undo = [&]() {
    free_hosts(e.here);
    free_hosts(e.there);
    return false;
  };
  switch (d.action) {
  case ResponseDecision::Action::Migrate: {
    ClusterRuntime& target = platform_.cluster(d.target->id);
    ask_for_capacity(target);
    // Reserved from now on, delivered (and billed) once provisioned.
    e.there = take(target, j.spec->gpus, c, inc.t_decided + d.provisioning.raw());
    if (e.there.empty()) return false;
    if (d.gpus > 0 && !inc.with_notice) { // survivors train until the target is ready
      e.here = here(d.gpus);
      if (e.here.empty()) return undo();
    }
    break;
  }
  case ResponseDecision::Action::Split: {
    ClusterRuntime& target = platform_.cluster(d.target->id);
    ask_for_capacity(target);
    e.here = here(d.gpus);
    e.there = take(target, j.spec->gpus - d.gpus, c, inc.t_decided + d.provisioning.raw());
    if (e.here.empty() || e.there.empty()) return undo();
    break;
  }
  case ResponseDecision::Action::Shrink:
    e.here = here(d.gpus);
    if (e.here.empty()) return false;
    break;
  case ResponseDecision::Action::Wait:
  case ResponseDecision::Action::SwitchToStandby:
    break;
  case ResponseDecision::Action::Strand:
    return false;
  }
  start_executor(c, std::move(e));
  return true;
}

void CapacityController::start_executor(Control& c, Execution e) {
  if (c.executor) watchdog().fail(c.job->spec->name + " has two executors");
  c.executor = std::make_unique<Inbox<ExecutorMsg>>();
  set_state(c, State::Responding);
  sg::spawn(c.job->spec->name + "-executor", platform_.control,
            ResponseExecutor(*c.job, platform_, *c.executor, std::move(e)));
}

void CapacityController::redecide(Control& c) {
  JobRuntime& j = *c.job;
  Incident& inc = *c.incident;
  ResponseDecision d = j.strategy->on_capacity_loss(job_view(c), world_view(c));
  if (d.action == ResponseDecision::Action::Strand) return;
  // It waited since its last decision; the rest is charged as for a decision taken now.
  double waited_from = inc.t_decided;
  j.ledger.add_lost(LostPart::Waiting, Seconds(now() - waited_from));
  log_.span(false, j.spec->name, SpanKind::Waiting, waited_from, now(), "no capacity anywhere");
  inc.t_event += now() - waited_from;
  inc.t_decided = now();
  if (!commit(c, d)) {
    inc.t_decided = waited_from; // still waiting, since the same decision
    inc.t_event -= now() - waited_from;
    j.ledger.add_lost(LostPart::Waiting, Seconds(-(now() - waited_from)));
  }
}

void CapacityController::restart(Control& c, ClusterRuntime& where) {
  JobRuntime& j = *c.job;
  Allocation a = take(where, j.spec->gpus, c, now());
  if (a.empty())
    watchdog().fail(
        fmt::format("the scheduler restarted {} on {} without room", j.spec->name, where.spec->id));
  if (!c.preempted) watchdog().fail(j.spec->name + " restarted without having been preempted");
  Execution e;
  e.kind = Execution::Kind::Requeued;
  e.stopped = c.preempted;
  e.here = a;
  c.preempted.reset();
  start_executor(c, std::move(e));
}

void CapacityController::resume_home(Control& c) {
  JobRuntime& j = *c.job;
  Allocation home = take(*j.current, j.spec->gpus, c, now());
  if (home.empty()) return; // others took its nodes: it waits on
  Execution e;
  e.kind = Execution::Kind::ResumeHome;
  e.t_event = c.incident->t_event;
  e.t_decided = c.incident->t_decided;
  e.stopped = c.incident->stopped;
  e.here = home;
  start_executor(c, std::move(e));
}

void CapacityController::grow_back(Control& c) {
  JobRuntime& j = *c.job;
  ClusterRuntime& home = *j.current;
  if (home.cut_off) return;
  Allocation full = take(home, j.spec->gpus, c, now(), j.alloc.cluster == &home ? &j.alloc : nullptr);
  if (full.empty()) return; // not enough yet
  Execution e;
  e.kind = Execution::Kind::GrowBack;
  e.here = full;
  start_executor(c, std::move(e));
}

void CapacityController::abort(Control& c) {
  set_state(c, State::Stranded);
  c.job->to_runner.push(AbortMsg{});
}

} // namespace riftsim
