// Carrying out a job's response: the mechanism of a decision the capacity controller made (provision,
// copy the data over the WAN, port, restart, warm up) and the accounting of where the time went. The
// executor decides nothing and holds no capacity of its own: what it runs on was allocated or reserved
// by the controller with the decision.
#include "core/units.hpp"
#include "engine/actors.hpp"
#include "engine/capacity_controller.hpp"
#include "engine/wan_transfer.hpp"

#include <algorithm>
#include <cmath>
#include <spdlog/spdlog.h>

namespace riftsim {

namespace {
double now() {
  return sg4::Engine::get_clock();
}
} // namespace

void ResponseExecutor::operator()() {
  Outcome outcome = run();
  job_.controller->post(ExecutedMsg{&job_, outcome, waiting_since_});
}

Outcome ResponseExecutor::run() {
  const Execution& e = exec_;
  const ResponseDecision& d = e.decision;
  switch (e.kind) {
  case Execution::Kind::ResumeHome:
    return resume_home_after_wait();
  case Execution::Kind::Requeued:
    return restart_after_preemption();
  case Execution::Kind::GrowBack:
    return grow_back(e.here);
  case Execution::Kind::Respond:
    break;
  }
  switch (d.action) {
  case ResponseDecision::Action::SwitchToStandby:
    spdlog::info("{}: hedge: {}", job_.spec->name, d.reason);
    job_.event(EventKind::Decision, "hedge: " + d.reason);
    return switch_to_standby();
  case ResponseDecision::Action::Shrink:
    return shrink_in_place(d, e.here);
  case ResponseDecision::Action::Split:
    return split_across();
  case ResponseDecision::Action::Wait:
    return wait_before_restore();
  case ResponseDecision::Action::Migrate:
    if (!e.here.empty()) {
      // Part of the job's nodes survive (a throttle): train on them until the target is ready, then
      // move, as a move of its own accord would (a notice that never runs out).
      ResponseDecision meanwhile = d;
      meanwhile.reason = "until the move to " + d.target->id + " is ready";
      if (Outcome o = shrink_in_place(meanwhile, e.here); o != Outcome::Resumed) return o;
      CutoffEvent never{e.event.scope, kNeverTime, Seconds(0)};
      return migrate(never, true, std::nullopt);
    }
    return migrate(e.event, e.with_notice, e.stopped);
  case ResponseDecision::Action::Strand:
    break;
  }
  throw std::logic_error("an executor was given a decision to strand");
}

std::optional<StoppedMsg> ResponseExecutor::wait_for_stop() {
  while (true) {
    ExecutorMsg msg = inbox_.pop();
    if (const auto* s = std::get_if<StoppedMsg>(&msg)) return *s;
    if (std::holds_alternative<JobDoneMsg>(msg)) return std::nullopt; // finished before it had to move
    if (std::holds_alternative<HomeRestoredMsg>(msg)) {
      home_restored_ = true;
      continue;
    }
    throw std::logic_error(job_.spec->name + "'s executor got an allocation it did not ask for");
  }
}

std::optional<Allocation> ResponseExecutor::allocate_keeping_hosts(ClusterRuntime& cluster, long long gpus) {
  job_.controller->post(AllocateMsg{&job_, &cluster, gpus});
  while (true) {
    ExecutorMsg msg = inbox_.pop();
    if (auto* a = std::get_if<AllocatedMsg>(&msg)) return std::move(a->alloc);
    if (std::holds_alternative<HomeRestoredMsg>(msg)) {
      home_restored_ = true;
      continue;
    }
    throw std::logic_error(job_.spec->name + "'s executor was interrupted while asking for capacity");
  }
}

Seconds ResponseExecutor::checkpoint_write_estimate() const {
  return checkpoint_write_margin(job_);
}

void ResponseExecutor::halt_before(const CutoffEvent& event, double not_before) {
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

Outcome ResponseExecutor::wait_before_restore() {
  const Execution& e = exec_;
  spdlog::info("{}: wait: {}", job_.spec->name, e.decision.reason);
  job_.event(EventKind::Decision, "wait: " + e.decision.reason);
  if (e.with_notice && !e.stopped) halt_before(e.event, e.t_decided);
  std::optional<StoppedMsg> stop = e.stopped ? e.stopped : wait_for_stop();
  if (!stop) return Outcome::Finished; // finished before the cutoff
  waiting_since_ = stop;
  return Outcome::Waiting; // the controller resumes it when its home is restored
}

Outcome ResponseExecutor::resume_home_after_wait() {
  const Execution& e = exec_;
  const std::string& name = job_.spec->name;
  const StoppedMsg& stop = *e.stopped;
  ClusterRuntime& home = *e.here.cluster;
  double t_restored = now();
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = now();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, e.t_event, e.t_decided, {}}); // 0
  steps.push_back({LostPart::Waiting, e.t_decided, t_restored, {0}}); // 1
  steps.push_back({std::nullopt, stop.time, stop.time, {}});          // 2 job stopped
  steps.push_back({LostPart::Restart, 0, t_resume, {1, 2}});          // 3
  charge_critical_path(steps, 3, stop.time, job_.ledger);
  job_.log->span(false, name, SpanKind::Waiting, std::max(e.t_decided, stop.time), t_restored, home.spec->id);
  job_.log->span(false, name, SpanKind::Restart, t_restored, t_resume, home.spec->id);
  Allocation here = e.here;
  here.since = t_restored;
  resume_with(here, false);
  return Outcome::Resumed;
}

Outcome ResponseExecutor::restart_after_preemption() {
  // The scheduler starts a preempted job again where its checkpoint is: read it back and train.
  const Execution& e = exec_;
  const StoppedMsg& stop = *e.stopped;
  ClusterRuntime& where = *e.here.cluster;
  double t_started = now();
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = now();
  job_.ledger.requeued += Seconds(t_resume - stop.time);
  job_.log->span(false, job_.spec->name, SpanKind::Queued, stop.time, t_started, where.spec->id);
  job_.log->span(false, job_.spec->name, SpanKind::Restart, t_started, t_resume, where.spec->id);
  const bool moved = job_.current != &where;
  if (moved) job_.ledger.clusters.push_back(where.spec->id);
  Allocation here = e.here;
  here.since = t_started;
  resume_with(here, moved);
  return Outcome::Resumed;
}

Outcome ResponseExecutor::shrink_in_place(const ResponseDecision& d, Allocation here) {
  const Execution& e = exec_;
  const std::string& name = job_.spec->name;
  spdlog::info("{}: shrink: {}", name, d.reason);
  job_.event(EventKind::Decision, "shrink: " + d.reason);
  std::optional<StoppedMsg> stop = e.stopped ? e.stopped : wait_for_stop();
  if (!stop) {
    job_.controller->post(ReleasedMsg{&job_, here, false});
    return Outcome::Finished;
  }
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = now();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, e.t_event, e.t_decided, {}}); // 0
  steps.push_back({std::nullopt, stop->time, stop->time, {}});        // 1 job stopped
  steps.push_back({LostPart::Restart, 0, t_resume, {0, 1}});          // 2 re-shard and read the checkpoint
  charge_critical_path(steps, 2, stop->time, job_.ledger);
  job_.log->span(false, name, SpanKind::Restart, std::max(e.t_decided, stop->time), t_resume,
                 here.cluster->spec->id);
  here.since = t_resume;
  resume_with(here, true);
  exec_.stopped.reset(); // the next phase (a move, a second group) waits for the next stop
  return Outcome::Resumed;
}

Outcome ResponseExecutor::split_across() {
  const Execution& e = exec_;
  const ResponseDecision& d = e.decision;
  const std::string& name = job_.spec->name;
  // First carry on at reduced width here, exactly as `shrink`.
  ResponseDecision here = d;
  here.reason = "until the second group is ready: " + d.reason;
  Allocation remote = e.there;
  if (Outcome o = shrink_in_place(here, e.here); o != Outcome::Resumed) {
    job_.controller->post(ReleasedMsg{&job_, remote, false});
    return o;
  }
  ClusterRuntime& home = *job_.current;
  ClusterRuntime& target = *remote.cluster;
  const RegionRuntime& to = *target.region;
  double provisioned_at = e.t_decided + d.provisioning.raw();
  double ported_at = provisioned_at + d.porting.raw();
  if (job_.spec->dataset_size.raw() > 0 && job_.dataset_region != &to) {
    std::unique_ptr<WanTransfer> dataset =
        job_.start_copy("dataset", *job_.dataset_region, to, job_.spec->dataset_size);
    dataset->wait();
    job_.transfer_done(dataset->record());
    job_.keep_data_in(to, dataset->record().start.raw());
  }
  if (now() < ported_at) sg4::this_actor::sleep_until(ported_at);
  if (job_.finished) {
    job_.controller->post(ReleasedMsg{&job_, remote, false});
    return Outcome::Finished;
  }
  // Home restored meanwhile: grow back there instead (the controller allocates it).
  if (home_restored_) {
    job_.controller->post(ReleasedMsg{&job_, remote, false});
    return Outcome::GrowBack;
  }
  // Then stop with a final checkpoint, give the second group a copy, and restart across both, keeping
  // the hosts the job trains on here.
  std::optional<Allocation> again = allocate_keeping_hosts(home, d.gpus);
  if (!again) throw std::logic_error(name + " lost the hosts it trains on at home");
  job_.request_halt();
  std::optional<StoppedMsg> stop = wait_for_stop();
  if (!stop) { // finished at reduced width before the second group was ready
    job_.controller->post(ReleasedMsg{&job_, remote, false});
    job_.controller->post(ReleasedMsg{&job_, *again, false});
    return Outcome::Finished;
  }
  if (job_.checkpoint_region != &to && job_.committed > 0) {
    std::unique_ptr<WanTransfer> ckpt =
        job_.start_copy("checkpoint", *job_.checkpoint_region, to, job_.spec->checkpoint_size);
    ckpt->wait();
    job_.transfer_done(ckpt->record());
    job_.ledger.add_lost(LostPart::Transfer, ckpt->record().end - ckpt->record().start);
  }
  double t_copied = now();
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = now();
  job_.ledger.add_lost(LostPart::Restart, Seconds(t_resume - t_copied));
  job_.remote = remote;
  job_.ledger.idle_cost += held_cost(job_.remote, provisioned_at, t_resume);
  book_ramp(target, d.ramp);
  // Each site sends the gradients of all the parameters (every expert's: all get some tokens) every
  // sync_every steps; a step is 6 · active parameters · batch FLOPs (docs/model-training.md).
  job_.sync_bytes_per_flop = split_sync_bytes_per_flop(*job_.spec, *job_.response);
  job_.ledger.clusters.push_back(target.spec->id);
  job_.event(EventKind::Resume,
             fmt::format("split: {} GPUs on {} + {} on {}", d.gpus, home.spec->id, job_.remote.gpus,
                         target.spec->id),
             job_.saved_fraction());
  spdlog::info("{}: split across {} and {}", name, home.spec->id, target.spec->id);
  again->since = t_resume;
  resume_with(*again, true);
  return Outcome::Resumed;
}

Outcome ResponseExecutor::grow_back(Allocation full) {
  job_.request_halt(); // save progress, then restart on all the nodes (a split job leaves its remote group)
  std::optional<StoppedMsg> stop = wait_for_stop();
  if (!stop) {
    job_.controller->post(ReleasedMsg{&job_, full, false});
    return Outcome::Finished;
  }
  read_checkpoint_back(*job_.checkpoint_region);
  double t_resume = now();
  job_.ledger.add_lost(LostPart::Restart, Seconds(t_resume - stop->time));
  job_.log->span(false, job_.spec->name, SpanKind::Restart, stop->time, t_resume, full.cluster->spec->id);
  spdlog::info("{}: capacity restored; back to {} GPUs", job_.spec->name, job_.spec->gpus);
  full.since = t_resume;
  resume_with(full, true);
  return Outcome::Resumed;
}

Outcome ResponseExecutor::migrate(const CutoffEvent& event, bool with_notice,
                                  std::optional<StoppedMsg> already_stopped) {
  const Execution& e = exec_;
  const ResponseDecision& d = e.decision;
  const std::string& name = job_.spec->name;
  Allocation there = e.there;
  ClusterRuntime& target = *there.cluster;
  const RegionRuntime& to = *target.region;
  double provisioned_at = e.t_decided + d.provisioning.raw();
  double ported_at = provisioned_at + d.porting.raw();
  spdlog::info("{}: {} to {}: {}; nodes in {}, software ported in {} more", name, job_.strategy->name(),
               d.target->id, d.reason, format_duration(d.provisioning), format_duration(d.porting));
  job_.event(EventKind::Decision, job_.strategy->name() + " to " + d.target->id + ": " + d.reason);

  std::unique_ptr<WanTransfer> dataset;
  if (job_.spec->dataset_size.raw() > 0 && job_.dataset_region != &to)
    dataset = job_.start_copy("dataset", *job_.dataset_region, to, job_.spec->dataset_size, d.exit_waiver);

  if (with_notice && !already_stopped) {
    // Keep training on the old provider until the move is ready or the final checkpoint must start
    // so that it ends before the cutoff, whichever comes first.
    halt_before(event, e.t_decided);
    double halt_at = std::max(e.t_decided, event.at.raw() - checkpoint_write_estimate().raw());
    if (dataset) dataset->wait();
    double ready = std::max(ported_at, now());
    if (ready < halt_at) {
      sg4::this_actor::sleep_until(ready);
      job_.request_halt();
    }
  }
  std::optional<StoppedMsg> stop = already_stopped ? already_stopped : wait_for_stop();
  if (!stop) { // the job finished on the old provider while the move was being prepared
    if (dataset) dataset->cancel();
    job_.controller->post(ReleasedMsg{&job_, there, false});
    return Outcome::Finished;
  }
  const StoppedMsg stopped = *stop;

  std::unique_ptr<WanTransfer> checkpoint;
  bool has_checkpoint = job_.committed > 0;
  if (has_checkpoint && job_.checkpoint_region != &to)
    checkpoint =
        job_.start_copy("checkpoint", *job_.checkpoint_region, to, job_.spec->checkpoint_size, d.exit_waiver);
  double dataset_done = dataset ? dataset->wait() : e.t_decided;
  double checkpoint_done = checkpoint ? checkpoint->wait() : stopped.time;
  if (now() < ported_at) sg4::this_actor::sleep_until(ported_at);

  // The data is kept at the target from the moment the first copy starts landing there.
  double landing =
      dataset ? dataset->record().start.raw() : (checkpoint ? checkpoint->record().start.raw() : now());
  job_.keep_data_in(to, landing);

  double restart_from = now();
  read_checkpoint_back(to);
  double t_resume = now();

  // Where the lost time went: along the critical path from the stop to the resume.
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, e.t_event, e.t_decided, {}});           // 0
  steps.push_back({LostPart::Provisioning, e.t_decided, provisioned_at, {0}});  // 1
  steps.push_back({LostPart::Porting, provisioned_at, ported_at, {1}});         // 2
  steps.push_back({std::nullopt, stopped.time, stopped.time, {}});              // 3 job stopped
  steps.push_back({LostPart::Transfer, e.t_decided, dataset_done, {0}});        // 4 dataset
  steps.push_back({LostPart::Transfer, stopped.time, checkpoint_done, {0, 3}}); // 5 checkpoint
  steps.push_back({LostPart::Restart, 0, t_resume, {2, 4, 5}});                 // 6 read it back
  charge_critical_path(steps, 6, stopped.time, job_.ledger);

  RunLog& log = *job_.log;
  for (auto* t : {dataset ? &*dataset : nullptr, checkpoint ? &*checkpoint : nullptr})
    if (t) job_.transfer_done(t->record());
  log.event(provisioned_at, EventKind::CapacityGranted, name, d.target->provider, d.target->id,
            fmt::format("{} GPUs", job_.spec->gpus));
  log.event(ported_at, EventKind::Ported, name, d.target->provider, d.target->id);
  log.span(false, name, SpanKind::Provisioning, e.t_decided, provisioned_at, d.target->id);
  log.span(false, name, SpanKind::Porting, provisioned_at, ported_at, d.target->id);
  log.span(false, name, SpanKind::Restart, restart_from, t_resume, d.target->id);
  job_.checkpoint_region = &to;
  job_.dataset_region = &to;
  job_.ledger.clusters.push_back(target.spec->id);
  resume_with(there, true);
  book_ramp(target, d.ramp);
  return Outcome::Resumed;
}

Outcome ResponseExecutor::switch_to_standby() {
  const Execution& e = exec_;
  std::optional<StoppedMsg> stop = e.stopped ? e.stopped : wait_for_stop();
  if (!stop) return Outcome::Finished;
  // The last checkpoint must be at the standby: wait for the replication to catch up (its lag).
  {
    std::unique_lock lock(*job_.wake_mutex);
    while (job_.replicated < job_.committed) job_.replica_cv->wait(lock);
  }
  double t_replicated = now();
  ClusterRuntime& standby = *job_.standby;
  // A standby whose capacity is not delivered yet (a lead time) is waited for.
  if (now() < job_.standby_alloc.since) sg4::this_actor::sleep_until(job_.standby_alloc.since);
  double t_delivered = now();
  read_checkpoint_back(*standby.region);
  double t_resume = now();
  std::vector<Milestone> steps;
  steps.push_back({LostPart::Detection, e.t_event, e.t_decided, {}});        // 0
  steps.push_back({std::nullopt, stop->time, stop->time, {}});               // 1 job stopped
  steps.push_back({LostPart::Transfer, stop->time, t_replicated, {0, 1}});   // 2 replication lag
  steps.push_back({LostPart::Provisioning, t_replicated, t_delivered, {2}}); // 3 standby not yet there
  steps.push_back({LostPart::Restart, 0, t_resume, {3}});                    // 4
  charge_critical_path(steps, 4, stop->time, job_.ledger);
  job_.log->span(false, job_.spec->name, SpanKind::Restart, t_delivered, t_resume, standby.spec->id);
  // The standby's nodes are already the job's: adopt them; until now they stood idle (resume_with
  // books that as idle from their delivery).
  Allocation adopted = job_.standby_alloc;
  job_.standby_alloc = Allocation{};
  job_.checkpoint_region = standby.region;
  job_.dataset_region = standby.region;
  job_.ledger.clusters.push_back(standby.spec->id);
  job_.standby = nullptr; // nothing left to replicate to
  {
    std::unique_lock lock(*job_.wake_mutex);
    job_.replica_cv->notify_all();
  }
  resume_with(adopted, true);
  return Outcome::Resumed;
}

void ResponseExecutor::read_checkpoint_back(const RegionRuntime& store) {
  if (job_.committed <= 0) return; // nothing saved yet: the job starts over
  DiskIo read = DiskIo::start(store.disk, static_cast<sg_size_t>(job_.spec->checkpoint_size.raw()),
                              sg4::Io::OpType::READ, platform_.control);
  read.join();
}

void ResponseExecutor::resume_with(const Allocation& alloc, bool reshard) {
  job_.alloc = alloc;
  job_.current = alloc.cluster;
  job_.active_gpus = alloc.gpus + job_.remote.gpus;
  job_.epoch++;
  if (reshard) warm_up(*alloc.cluster);
  job_.ledger.idle_cost += held_cost(job_.alloc, alloc.since, now()); // delivered (held) before training
  job_.to_runner.push(ResumeMsg{});
}

void ResponseExecutor::book_ramp(const ClusterRuntime& cluster, const std::vector<CapacitySpec::Held>& held) {
  for (const Tenure& t : ramp_tenures(cluster, held)) {
    job_.ledger.tenures.push_back(t);
    job_.ledger.idle_cost += t.cost();
    job_.log->span(
        true, cluster.spec->provider, SpanKind::Tenure, t.start.raw(), t.end.raw(),
        fmt::format("{} on {} (delivered, waiting for the rest)", job_.spec->name, cluster.spec->id));
  }
}

void ResponseExecutor::warm_up(const ClusterRuntime& cluster) {
  // On a new layout (other GPUs, another width) the job re-shards its state, compiles and ramps its
  // throughput back up before steps count: modelled as a period of no progress on held nodes.
  Seconds w = job_.response->warmup;
  if (w.raw() <= 0) return;
  double t0 = now();
  sg4::this_actor::sleep_for(w.raw());
  job_.ledger.add_lost(LostPart::Warmup, w);
  job_.log->span(false, job_.spec->name, SpanKind::Warmup, t0, t0 + w.raw(), cluster.spec->id);
}

} // namespace riftsim
