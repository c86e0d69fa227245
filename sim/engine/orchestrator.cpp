#include "core/units.hpp"
#include "engine/actors.hpp"
#include "engine/wan_transfer.hpp"
#include "engine/watchdog.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <simgrid/plugins/energy.h>
#include <spdlog/spdlog.h>

namespace riftsim {

void MigrationOrchestrator::operator()() {
  while (true) {
    watchdog().tick("an orchestrator's message loop");
    OrchestratorMsg msg = job_.to_orchestrator.pop();
    if (std::holds_alternative<JobFinishedMsg>(msg)) return;
    if (std::holds_alternative<EventsOverMsg>(msg)) events_over_ = true;
    if (const auto* n = std::get_if<NoticeMsg>(&msg)) {
      if (job_.affected_by(n->event.scope)) respond(n->event, true, std::nullopt);
    } else if (const auto* tn = std::get_if<ThrottleNoticeMsg>(&msg)) {
      if (job_.affected_by(tn->event.scope)) prepare_for_throttle(tn->event);
    } else if (const auto* pn = std::get_if<PriceNoticeMsg>(&msg)) {
      // A move of its own accord starts at the notice, so that the target is ready by the new price.
      if (job_.affected_by(pn->event.scope) && job_.strategy->moves_on_price(pn->event.factor)) {
        CutoffEvent voluntary{pn->event.scope, Seconds(std::numeric_limits<double>::infinity()), Seconds(0)};
        respond(voluntary, true, std::nullopt);
      }
    } else if (const auto* c = std::get_if<CutoffMsg>(&msg)) {
      if (job_.affected_by(c->event.scope)) respond(c->event, false, std::nullopt);
    } else if (const auto* r = std::get_if<RestoreMsg>(&msg)) {
      // A job that shrank grows back to full width when its provider restores the capacity.
      if (job_.affected_by(r->event.scope) && (job_.active_gpus < job_.spec->gpus || !job_.remote.empty()))
        grow_back();
    } else if (const auto* p = std::get_if<PriceMsg>(&msg)) {
      // A strategy with a price limit moves on its own, training on while the target gets ready: a
      // cutoff with a notice that never runs out.
      if (job_.affected_by(p->event.scope) && job_.strategy->moves_on_price(p->event.factor)) {
        CutoffEvent voluntary{p->event.scope, Seconds(std::numeric_limits<double>::infinity()), Seconds(0)};
        respond(voluntary, true, std::nullopt);
      }
    } else if (const auto* s = std::get_if<JobStoppedMsg>(&msg)) {
      // The job lost its hosts before the cutoff message reached us: the cutoff is next in the inbox.
      OrchestratorMsg next = job_.to_orchestrator.pop();
      if (const auto* c = std::get_if<CutoffMsg>(&next)) respond(c->event, false, *s);
    }
    if (job_.finished || gave_up_) return;
  }
}

void MigrationOrchestrator::give_up() {
  gave_up_ = true; // nothing more to orchestrate: the runner ends the job as stranded
  job_.to_runner.push(AbortMsg{});
}

std::optional<JobStoppedMsg> MigrationOrchestrator::wait_for_stop() {
  while (true) {
    OrchestratorMsg msg = job_.to_orchestrator.pop();
    if (const auto* s = std::get_if<JobStoppedMsg>(&msg)) return *s;
    if (std::holds_alternative<JobFinishedMsg>(msg)) return std::nullopt; // finished before it had to move
    if (std::holds_alternative<EventsOverMsg>(msg)) events_over_ = true;
    // Events for the provider we are leaving are already being handled.
  }
}

void MigrationOrchestrator::prepare_for_throttle(const ThrottleEvent& e) {
  const ClusterRuntime& here = *job_.current;
  std::vector<int> after = here.nodes_up_after_throttle(e.to);
  bool hit = false;
  for (const HostShare& s : job_.alloc.shares) hit = hit || after[s.index] < s.nodes;
  if (!hit) return; // the nodes it keeps are all the job uses
  // Decide now (after the usual detection), against the capacity announced: at the throttle the
  // response is ready, and a target's capacity is asked for from now on.
  double t_notice = sg4::Engine::get_clock();
  sg4::this_actor::sleep_for(job_.strategy->detection_delay().raw());
  double t_decided = sg4::Engine::get_clock();
  ResponseDecision d = job_.strategy->on_capacity_loss(job_view(), world_view(&e));
  job_.log->span(false, job_.spec->name, SpanKind::Detection, t_notice, t_decided);
  CutoffEvent deadline{e.scope, e.at, e.notice};
  if (d.action == ResponseDecision::Action::Migrate &&
      t_decided + (d.provisioning + d.porting + checkpoint_write_estimate()).raw() < e.at.raw())
    // The target is ready before the throttle: move then, as before a cutoff with notice.
    return migrate(deadline, true, std::nullopt, t_notice, t_decided, d);
  prepared_ = PreparedResponse{d, t_decided, e.scope, e.at.raw()};
  spdlog::info("{}: prepared for the throttle: {}", job_.spec->name, d.reason);
  job_.event(EventKind::Decision, job_.strategy->name() + " (prepared for the throttle): " + d.reason);
  // A checkpoint that ends just before the throttle, so that no work is lost to it.
  double at = e.at.raw() - checkpoint_write_estimate().raw();
  if (at <= sg4::Engine::get_clock()) return;
  int epoch = job_.epoch;
  JobRuntime* job = &job_;
  sg::spawn(job_.spec->name + "-checkpoint-timer", platform_.control, [job, epoch, at] {
    sg4::this_actor::sleep_until(at);
    if (job->epoch == epoch) job->request_checkpoint();
  })->daemonize();
}

Seconds MigrationOrchestrator::checkpoint_write_estimate() const {
  // The store's bandwidth alone, with a 10 % margin for other I/O on it.
  return job_.spec->checkpoint_size / job_.current->region->spec->storage_bandwidth * 1.1;
}

JobView MigrationOrchestrator::job_view() const {
  return {job_.spec, job_.current->spec, Flops(job_.spec->work.raw() - job_.committed), job_.response->paths,
          job_.response->streams};
}

void MigrationOrchestrator::halt_before(const CutoffEvent& event, double not_before) {
  // Train on until the final checkpoint must start for it to end before the cutoff.
  double halt_at = std::max(not_before, event.at.raw() - checkpoint_write_estimate().raw());
  if (std::isinf(halt_at)) return; // a move of its own accord: no deadline
  int epoch = job_.epoch;
  JobRuntime* job = &job_;
  sg::spawn(job_.spec->name + "-halt-timer", platform_.control, [job, epoch, halt_at] {
    sg4::this_actor::sleep_until(halt_at);
    if (job->epoch == epoch) job->request_halt();
  })->daemonize();
}

void MigrationOrchestrator::wait_for_restore(const CutoffEvent& event, bool with_notice,
                                             std::optional<JobStoppedMsg> already_stopped, double t_event,
                                             double t_decided, const std::string& reason) {
  const std::string& name = job_.spec->name;
  spdlog::info("{}: wait: {}", name, reason);
  job_.event(EventKind::Decision, "wait: " + reason);
  if (with_notice && !already_stopped) halt_before(event, t_decided);
  std::optional<JobStoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
  if (!stop) return; // finished before the cutoff
  ClusterRuntime& home = *job_.current;
  // Hold until the provider restores this cluster.
  while (true) {
    if (events_over_) { // no restore will come: stranded
      give_up();
      return;
    }
    OrchestratorMsg msg = job_.to_orchestrator.pop();
    if (std::holds_alternative<EventsOverMsg>(msg)) events_over_ = true;
    if (const auto* r = std::get_if<RestoreMsg>(&msg))
      if (r->event.scope.covers_region(home.spec->region, home.spec->provider)) break;
  }
  resume_home_after_wait(t_event, t_decided, *stop);
}

void MigrationOrchestrator::resume_home_after_wait(double t_event, double t_decided,
                                                   const JobStoppedMsg& stop) {
  const std::string& name = job_.spec->name;
  ClusterRuntime& home = *job_.current;
  double t_restored = sg4::Engine::get_clock();
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = sg4::Engine::get_clock();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, t_event, t_decided, {}});   // 0
  steps.push_back({LostPart::Waiting, t_decided, t_restored, {0}}); // 1
  steps.push_back({std::nullopt, stop.time, stop.time, {}});        // 2 job stopped
  steps.push_back({LostPart::Restart, 0, t_resume, {1, 2}});        // 3
  charge_critical_path(steps, 3, stop.time, job_.ledger);
  job_.log->span(false, name, SpanKind::Waiting, std::max(t_decided, stop.time), t_restored, home.spec->id);
  job_.log->span(false, name, SpanKind::Restart, t_restored, t_resume, home.spec->id);
  resume_on(home, job_.spec->gpus, t_restored);
}

void MigrationOrchestrator::shrink_in_place(std::optional<JobStoppedMsg> already_stopped, double t_event,
                                            double t_decided, const ResponseDecision& d) {
  const std::string& name = job_.spec->name;
  spdlog::info("{}: shrink: {}", name, d.reason);
  job_.event(EventKind::Decision, "shrink: " + d.reason);
  std::optional<JobStoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
  if (!stop) return;
  ClusterRuntime& home = *job_.current;
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = sg4::Engine::get_clock();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, t_event, t_decided, {}}); // 0
  steps.push_back({std::nullopt, stop->time, stop->time, {}});    // 1 job stopped
  steps.push_back({LostPart::Restart, 0, t_resume, {0, 1}});      // 2 re-shard and read the checkpoint
  charge_critical_path(steps, 2, stop->time, job_.ledger);
  job_.log->span(false, name, SpanKind::Restart, std::max(t_decided, stop->time), t_resume, home.spec->id);
  resume_on(home, d.gpus, t_resume, true);
}

void MigrationOrchestrator::split_across(std::optional<JobStoppedMsg> already_stopped, double t_event,
                                         double t_decided, const ResponseDecision& d) {
  const std::string& name = job_.spec->name;
  // First carry on at reduced width here, exactly as `shrink`.
  ResponseDecision here = d;
  here.reason = "until the second group is ready: " + d.reason;
  shrink_in_place(already_stopped, t_event, t_decided, here);
  if (job_.finished || gave_up_) return;
  ClusterRuntime& home = *job_.current;
  ClusterRuntime& target = platform_.cluster(d.target->id);
  const RegionRuntime& to = *target.region;
  double provisioned_at = t_decided + d.provisioning.raw();
  double ported_at = provisioned_at + d.porting.raw();
  std::optional<WanTransfer> dataset;
  if (job_.spec->dataset_size.raw() > 0 && job_.dataset_region != &to) {
    dataset.emplace("dataset", *job_.dataset_region, to, job_.spec->dataset_size,
                    candidate_paths(platform_, *job_.dataset_region, to, job_.response->paths),
                    job_.response->streams, platform_,
                    &platform_.egress_this_month(job_.dataset_region->provider->name));
    job_.transfer_started(dataset->record());
    dataset->wait();
    job_.transfer_done(dataset->record());
    job_.keep_data_in(to, dataset->record().start.raw());
  }
  if (sg4::Engine::get_clock() < ported_at) sg4::this_actor::sleep_until(ported_at);
  if (job_.finished) return;
  // Home restored meanwhile (its message went by while we slept): grow back there instead.
  if (home.free_gpus() + job_.alloc.gpus >= job_.spec->gpus) return grow_back();
  // Then stop with a final checkpoint, give the second group a copy, and restart across both.
  job_.request_halt();
  std::optional<JobStoppedMsg> stop = wait_for_stop();
  if (!stop) return; // finished at reduced width before the second group was ready
  if (job_.checkpoint_region != &to && job_.committed > 0) {
    WanTransfer ckpt("checkpoint", *job_.checkpoint_region, to, job_.spec->checkpoint_size,
                     candidate_paths(platform_, *job_.checkpoint_region, to, job_.response->paths),
                     job_.response->streams, platform_,
                     &platform_.egress_this_month(job_.checkpoint_region->provider->name));
    job_.transfer_started(ckpt.record());
    ckpt.wait();
    job_.transfer_done(ckpt.record());
    job_.ledger.add_lost(LostPart::Transfer, ckpt.record().end - ckpt.record().start);
  }
  double t_copied = sg4::Engine::get_clock();
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = sg4::Engine::get_clock();
  job_.ledger.add_lost(LostPart::Restart, Seconds(t_resume - t_copied));
  std::optional<Allocation> remote = allocate(target, job_.spec->gpus - d.gpus, provisioned_at, job_.id);
  if (!remote) {
    spdlog::warn("{}: {} no longer has the GPUs for the second group; staying at reduced width", name,
                 target.spec->id);
    resume_on(home, d.gpus, t_resume);
    return;
  }
  job_.remote = *remote;
  charge_idle(job_.remote, provisioned_at, t_resume);
  book_ramp(target, d.ramp, job_.ledger, *job_.log, name);
  // Each site sends the gradients of all the parameters (every expert's: all get some tokens) every
  // sync_every steps; a step is 6 · active parameters · batch FLOPs (docs/model-training.md).
  job_.sync_bytes_per_flop = split_sync_bytes_per_flop(*job_.spec, *job_.response);
  job_.ledger.clusters.push_back(target.spec->id);
  job_.event(EventKind::Resume,
             fmt::format("split: {} GPUs on {} + {} on {}", d.gpus, home.spec->id, job_.remote.gpus,
                         target.spec->id),
             job_.saved_fraction());
  spdlog::info("{}: split across {} and {}", name, home.spec->id, target.spec->id);
  resume_on(home, d.gpus, t_resume, true);
}

void MigrationOrchestrator::grow_back() {
  ClusterRuntime& home = *job_.current;
  long long here = job_.alloc.gpus; // what the job has at home now (all of it, unless split)
  if (home.free_gpus() + here < job_.spec->gpus) return;
  job_.request_halt(); // save progress, then restart on all the nodes (a split job leaves its remote group)
  std::optional<JobStoppedMsg> stop = wait_for_stop();
  if (!stop) return;
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = sg4::Engine::get_clock();
  job_.ledger.add_lost(LostPart::Restart, Seconds(t_resume - stop->time));
  job_.log->span(false, job_.spec->name, SpanKind::Restart, stop->time, t_resume, home.spec->id);
  spdlog::info("{}: capacity restored; back to {} GPUs", job_.spec->name, job_.spec->gpus);
  resume_on(home, job_.spec->gpus, t_resume, true);
}

WorldView MigrationOrchestrator::world_view(const ThrottleEvent* announced) const {
  WorldView v;
  v.now = Seconds(sg4::Engine::get_clock());
  v.platform = platform_.spec;
  for (auto& [id, c] : platform_.clusters) {
    long long free = c.free_gpus();
    // The job's own nodes that are still up are there for it too (it may not have released them yet).
    if (&c == job_.current)
      for (const HostShare& s : job_.alloc.shares) free += std::min(s.gpus, c.gpus_left(s.index, s.nodes));
    if (announced && announced->scope.covers_region(c.spec->region, c.spec->provider)) {
      // What will be left once the announced throttle has taken its share.
      std::vector<int> after = c.nodes_up_after_throttle(announced->to);
      long long gpn = c.spec->gpus_per_node;
      free = 0;
      for (size_t i = 0; i < c.hosts.size(); ++i)
        if (!c.host_taken[i] && c.hosts[i]->is_on()) free += after[i] * gpn;
      if (&c == job_.current)
        for (const HostShare& s : job_.alloc.shares)
          free += std::min<long long>(s.gpus, std::min(s.nodes, after[s.index]) * gpn);
    }
    ClusterAvailability a{c.spec, free, c.cut_off, c.price_factor};
    if (c.granted_at) {
      a.granted_at = Seconds(*c.granted_at);
      a.grant_lead = c.grant_lead;
      a.grant_capacity = c.grant_capacity;
    }
    v.clusters.push_back(a);
  }
  v.links_down = platform_.links_down();
  v.speed = job_.speed;
  return v;
}

void MigrationOrchestrator::respond(const CutoffEvent& event, bool with_notice,
                                    std::optional<JobStoppedMsg> already_stopped) {
  double t_event = sg4::Engine::get_clock();
  double t_decided = t_event;
  JobView view = job_view();
  ResponseDecision d;
  if (prepared_ && prepared_->at == event.at.raw() && prepared_->scope == event.scope) {
    // Decided at the notice: no detection now, and what the decision started (a target's
    // provisioning) runs since then.
    d = prepared_->decision;
    t_decided = prepared_->decided_at;
  } else {
    sg4::this_actor::sleep_for(job_.strategy->detection_delay().raw());
    t_decided = sg4::Engine::get_clock();
    d = job_.strategy->on_capacity_loss(view, world_view());
    job_.log->span(false, job_.spec->name, SpanKind::Detection, t_event, t_decided);
  }
  prepared_.reset();
  if (d.action == ResponseDecision::Action::Strand) {
    spdlog::warn("{}: {} ({}); waiting for capacity", job_.spec->name, d.reason, job_.strategy->name());
    job_.event(EventKind::Decision, job_.strategy->name() + ": " + d.reason + "; waiting for capacity");
    std::optional<JobStoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
    if (!stop) return; // finished before it had to move
    if (!wait_for_capacity(view, *stop, d, t_event, t_decided)) return;
    already_stopped = stop;
  }
  switch (d.action) {
  case ResponseDecision::Action::SwitchToStandby:
    spdlog::info("{}: hedge: {}", job_.spec->name, d.reason);
    job_.event(EventKind::Decision, "hedge: " + d.reason);
    return switch_to_standby(already_stopped, t_event, t_decided);
  case ResponseDecision::Action::Shrink:
    return shrink_in_place(already_stopped, t_event, t_decided, d);
  case ResponseDecision::Action::Split:
    return split_across(already_stopped, t_event, t_decided, d);
  case ResponseDecision::Action::Wait:
    return wait_for_restore(event, with_notice, already_stopped, t_event, t_decided, d.reason);
  case ResponseDecision::Action::Migrate:
    if (d.gpus > 0 && !with_notice) {
      // Part of the job's nodes survive (a throttle): train on them until the target is ready, then
      // move, as a move of its own accord would (a notice that never runs out).
      ResponseDecision meanwhile = d;
      meanwhile.reason = "until the move to " + d.target->id + " is ready";
      shrink_in_place(already_stopped, t_event, t_decided, meanwhile);
      if (job_.finished || gave_up_) return;
      CutoffEvent never{event.scope, Seconds(std::numeric_limits<double>::infinity()), Seconds(0)};
      return migrate(never, true, std::nullopt, t_event, t_decided, d);
    }
    return migrate(event, with_notice, already_stopped, t_event, t_decided, d);
  case ResponseDecision::Action::Strand:
    return; // handled above
  }
}

bool MigrationOrchestrator::wait_for_capacity(const JobView& view, const JobStoppedMsg& stop,
                                              ResponseDecision& d, double& t_event, double& t_decided) {
  const std::string& name = job_.spec->name;
  // Until a grant (or a restore) gives it somewhere to go, or no event is left to come.
  double waited_from = t_decided;
  while (true) {
    if (events_over_) {
      give_up();
      return false;
    }
    OrchestratorMsg msg = job_.to_orchestrator.pop();
    if (std::holds_alternative<EventsOverMsg>(msg)) events_over_ = true;
    if (const auto* r = std::get_if<RestoreMsg>(&msg);
        r && r->event.scope.covers_region(job_.current->spec->region, job_.current->spec->provider)) {
      resume_home_after_wait(t_event, t_decided, stop); // home is back before anywhere else
      return false;
    }
    if (!std::holds_alternative<GrantMsg>(msg) && !std::holds_alternative<RestoreMsg>(msg)) continue;
    t_decided = sg4::Engine::get_clock();
    d = job_.strategy->on_capacity_loss(view, world_view());
    if (d.action != ResponseDecision::Action::Strand) break;
  }
  job_.ledger.add_lost(LostPart::Waiting, Seconds(t_decided - waited_from));
  job_.log->span(false, name, SpanKind::Waiting, waited_from, t_decided, "no capacity anywhere");
  t_event += t_decided - waited_from; // the rest is charged as for a decision taken now
  return true;
}

void MigrationOrchestrator::migrate(const CutoffEvent& event, bool with_notice,
                                    std::optional<JobStoppedMsg> already_stopped, double t_event,
                                    double t_decided, const ResponseDecision& d) {
  const std::string& name = job_.spec->name;
  ClusterRuntime& target = platform_.cluster(d.target->id);
  const RegionRuntime& to = *target.region;
  double provisioned_at = t_decided + d.provisioning.raw();
  double ported_at = provisioned_at + d.porting.raw();
  spdlog::info("{}: {} to {}: {}; nodes in {}, software ported in {} more", name, job_.strategy->name(),
               d.target->id, d.reason, format_duration(d.provisioning), format_duration(d.porting));
  job_.event(EventKind::Decision, job_.strategy->name() + " to " + d.target->id + ": " + d.reason);

  std::optional<WanTransfer> dataset;
  if (job_.spec->dataset_size.raw() > 0 && job_.dataset_region != &to) {
    dataset.emplace("dataset", *job_.dataset_region, to, job_.spec->dataset_size,
                    candidate_paths(platform_, *job_.dataset_region, to, job_.response->paths),
                    job_.response->streams, platform_,
                    &platform_.egress_this_month(job_.dataset_region->provider->name), d.exit_waiver);
    job_.transfer_started(dataset->record());
  }

  if (with_notice && !already_stopped) {
    // Keep training on the old provider until the move is ready or the final checkpoint must start
    // so that it ends before the cutoff, whichever comes first.
    halt_before(event, t_decided);
    double halt_at = std::max(t_decided, event.at.raw() - checkpoint_write_estimate().raw());
    if (dataset) dataset->wait();
    double ready = std::max(ported_at, sg4::Engine::get_clock());
    if (ready < halt_at) {
      sg4::this_actor::sleep_until(ready);
      job_.request_halt();
    }
  }
  std::optional<JobStoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
  if (!stop) { // the job finished on the old provider while the move was being prepared
    if (dataset) dataset->cancel();
    return;
  }
  const JobStoppedMsg stopped = *stop;

  std::optional<WanTransfer> checkpoint;
  bool has_checkpoint = job_.committed > 0;
  if (has_checkpoint && job_.checkpoint_region != &to) {
    checkpoint.emplace("checkpoint", *job_.checkpoint_region, to, job_.spec->checkpoint_size,
                       candidate_paths(platform_, *job_.checkpoint_region, to, job_.response->paths),
                       job_.response->streams, platform_,
                       &platform_.egress_this_month(job_.checkpoint_region->provider->name), d.exit_waiver);
    job_.transfer_started(checkpoint->record());
  }
  double dataset_done = dataset ? dataset->wait() : t_decided;
  double checkpoint_done = checkpoint ? checkpoint->wait() : stopped.time;
  if (sg4::Engine::get_clock() < ported_at) sg4::this_actor::sleep_until(ported_at);

  // The data is kept at the target from the moment the first copy starts landing there.
  double landing = dataset ? dataset->record().start.raw()
                           : (checkpoint ? checkpoint->record().start.raw() : sg4::Engine::get_clock());
  job_.keep_data_in(to, landing);

  double restart_from = sg4::Engine::get_clock();
  read_checkpoint_back(to);
  double t_resume = sg4::Engine::get_clock();

  // Where the lost time went: along the critical path from the stop to the resume.
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, t_event, t_decided, {}});               // 0
  steps.push_back({LostPart::Provisioning, t_decided, provisioned_at, {0}});    // 1
  steps.push_back({LostPart::Porting, provisioned_at, ported_at, {1}});         // 2
  steps.push_back({std::nullopt, stopped.time, stopped.time, {}});              // 3 job stopped
  steps.push_back({LostPart::Transfer, t_decided, dataset_done, {0}});          // 4 dataset
  steps.push_back({LostPart::Transfer, stopped.time, checkpoint_done, {0, 3}}); // 5 checkpoint
  steps.push_back({LostPart::Restart, 0, t_resume, {2, 4, 5}});                 // 6 read it back
  charge_critical_path(steps, 6, stopped.time, job_.ledger);

  RunLog& log = *job_.log;
  for (auto* t : {dataset ? &*dataset : nullptr, checkpoint ? &*checkpoint : nullptr})
    if (t) job_.transfer_done(t->record());
  log.event(provisioned_at, EventKind::CapacityGranted, name, d.target->provider, d.target->id,
            fmt::format("{} GPUs", job_.spec->gpus));
  log.event(ported_at, EventKind::Ported, name, d.target->provider, d.target->id);
  log.span(false, name, SpanKind::Provisioning, t_decided, provisioned_at, d.target->id);
  log.span(false, name, SpanKind::Porting, provisioned_at, ported_at, d.target->id);
  log.span(false, name, SpanKind::Restart, restart_from, t_resume, d.target->id);
  job_.checkpoint_region = &to;
  job_.dataset_region = &to;
  if (resume_on(target, job_.spec->gpus, provisioned_at, true)) {
    job_.ledger.clusters.push_back(target.spec->id);
    book_ramp(target, d.ramp, job_.ledger, *job_.log, name);
  }
}

void MigrationOrchestrator::switch_to_standby(std::optional<JobStoppedMsg> already_stopped, double t_event,
                                              double t_decided) {
  std::optional<JobStoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
  if (!stop) return;
  // The last checkpoint must be at the standby: wait for the replication to catch up (its lag).
  {
    std::unique_lock lock(*job_.wake_mutex);
    while (job_.replicated < job_.committed) job_.replica_cv->wait(lock);
  }
  double t_replicated = sg4::Engine::get_clock();
  ClusterRuntime& standby = *job_.standby;
  read_checkpoint_back(*standby.region);
  double t_resume = sg4::Engine::get_clock();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, t_event, t_decided, {}});          // 0
  steps.push_back({std::nullopt, stop->time, stop->time, {}});             // 1 job stopped
  steps.push_back({LostPart::Transfer, stop->time, t_replicated, {0, 1}}); // 2 replication lag
  steps.push_back({LostPart::Restart, 0, t_resume, {2}});                  // 3
  charge_critical_path(steps, 3, stop->time, job_.ledger);
  job_.log->span(false, job_.spec->name, SpanKind::Restart, t_replicated, t_resume, standby.spec->id);
  // The standby's nodes are already the job's: adopt them; until now they stood idle.
  charge_idle(job_.standby_alloc, job_.standby_alloc.since, t_resume);
  job_.alloc = job_.standby_alloc;
  job_.standby_alloc = Allocation{};
  job_.current = &standby;
  job_.checkpoint_region = standby.region;
  job_.dataset_region = standby.region;
  job_.active_gpus = job_.spec->gpus;
  job_.ledger.clusters.push_back(standby.spec->id);
  job_.standby = nullptr; // nothing left to replicate to
  job_.epoch++;
  {
    std::unique_lock lock(*job_.wake_mutex);
    job_.replica_cv->notify_all();
  }
  warm_up(standby);
  job_.to_runner.push(ResumeMsg{});
}

void MigrationOrchestrator::read_checkpoint_back(const RegionRuntime& store) {
  if (job_.committed <= 0) return; // nothing saved yet: the job starts over
  DiskIo read = DiskIo::start(store.disk, static_cast<sg_size_t>(job_.spec->checkpoint_size.raw()),
                              sg4::Io::OpType::READ, platform_.control);
  read.join();
}

bool MigrationOrchestrator::resume_on(ClusterRuntime& cluster, long long gpus, double since, bool reshard) {
  std::optional<Allocation> alloc = allocate(cluster, gpus, since, job_.id);
  if (!alloc) {
    spdlog::warn("{}: {} no longer has {} GPUs free", job_.spec->name, cluster.spec->id, gpus);
    give_up();
    return false;
  }
  job_.alloc = *alloc;
  job_.current = &cluster;
  job_.active_gpus = gpus + job_.remote.gpus;
  job_.epoch++;
  if (reshard) warm_up(cluster);
  charge_idle(job_.alloc, since, sg4::Engine::get_clock()); // delivered (held) before training again
  job_.to_runner.push(ResumeMsg{});
  return true;
}

void MigrationOrchestrator::charge_idle(const Allocation& a, double from, double to) {
  job_.ledger.idle_cost += held_cost(a, from, to);
}

void MigrationOrchestrator::warm_up(const ClusterRuntime& cluster) {
  // On a new layout (other GPUs, another width) the job re-shards its state, compiles and ramps its
  // throughput back up before steps count: modelled as a period of no progress on held nodes.
  Seconds w = job_.response->warmup;
  if (w.raw() <= 0) return;
  double t0 = sg4::Engine::get_clock();
  sg4::this_actor::sleep_for(w.raw());
  job_.ledger.add_lost(LostPart::Warmup, w);
  job_.log->span(false, job_.spec->name, SpanKind::Warmup, t0, t0 + w.raw(), cluster.spec->id);
}

} // namespace riftsim
