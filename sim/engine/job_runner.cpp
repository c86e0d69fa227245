#include "engine/actors.hpp"
#include "engine/capacity_controller.hpp"
#include "engine/wan_transfer.hpp"
#include "engine/watchdog.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace riftsim {

namespace {
double now() {
  return sg4::Engine::get_clock();
}

/// An Exec holds all the job's work left and this much more, so rounding never ends it early.
constexpr double kExecMargin = 1.01;
/// A segment's Execs count as done within this much compute time of their amount: far below anything
/// reported, and above the clock's resolution two centuries in (~1e-6 s).
constexpr double kComputeTolerance_s = 1e-5;

/// Waits for an activity, turning the exceptions of a cancel or a failure into "it did not finish".
template <class Ptr> bool wait_quietly(Ptr& activity) {
  try {
    activity->wait();
    return true;
  } catch (const simgrid::Exception&) {
    return false;
  }
}
} // namespace

void JobRunner::operator()() {
  // The capacity controller places the job: wait for it (a lead time, a queue).
  RunnerMsg first = job_.to_runner.pop();
  if (std::holds_alternative<AbortMsg>(first)) {
    spdlog::warn("{}: never started: no capacity for it", job_.spec->name);
    job_.start = now();
    job_.event(EventKind::Stranded, "never started: no capacity for it");
    return end_job(JobStatus::Stranded, "no capacity for the job came before the end of the timeline");
  }
  job_.start = now();
  job_.ever_started = true;
  start_tenures();
  job_.update_interval();
  job_.event(EventKind::Start, fmt::format("{} GPUs", job_.spec->gpus));
  while (true) {
    job_.stop.reset(); // a halt asked for while recovering from a failure stays asked for
    bool stopped = train();
    pause_execs();
    // A node failure leaves the job its hosts (a spare replaces the node): their Execs wait, suspended,
    // for the restart. Any other end of training drops them.
    if (job_.stop != StopReason::NodeFailed) drop_execs();
    if (!stopped) {
      job_.event(EventKind::Finish, "", 1.0);
      spdlog::info("{}: training finished on {}", job_.spec->name, job_.current->spec->id);
      return end_job(JobStatus::Finished, "");
    }
    job_.ledger.interruptions++;
    if (job_.stop == StopReason::NodeFailed) {
      if (recover_from_failure()) continue;
      if (job_.failures_since_checkpoint > kMaxFailuresWithoutCheckpoint) return give_up_without_progress();
    }
    // The provider took the hosts (or asked us to move): the controller decides what comes next.
    drop_execs();
    job_.controller->post(StoppedMsg{&job_, *job_.stop, now()});
    RunnerMsg msg = job_.to_runner.pop();
    if (std::holds_alternative<AbortMsg>(msg)) {
      job_.event(EventKind::Stranded, "no target can take the job", job_.saved_fraction());
      spdlog::warn("{}: stranded, nowhere to run", job_.spec->name);
      return end_job(JobStatus::Stranded, "capacity was lost and no target could take the job");
    }
    job_.nodes_to_replace = 0; // fresh nodes at the new place
    job_.halt_requested = false;
    start_tenures();
    job_.update_interval();
    job_.notify_resumed();
    job_.event(EventKind::Resume, "", job_.saved_fraction());
    spdlog::info("{}: resuming on {} from {:.1f}% done", job_.spec->name, job_.current->spec->id,
                 100.0 * job_.saved_fraction());
  }
}

void JobRunner::end_job(JobStatus status, const std::string& detail) {
  job_.finished = true;
  job_.status = status;
  job_.status_detail = detail;
  job_.end = now();
  release_hosts();
  // A standby never used stood idle all along, from its delivery (if it came).
  if (!job_.standby_alloc.empty()) {
    bool delivered = job_.standby_alloc.since <= job_.end;
    if (delivered) job_.ledger.idle_cost += held_cost(job_.standby_alloc, job_.standby_alloc.since, job_.end);
    job_.controller->post(ReleasedMsg{&job_, job_.standby_alloc, delivered});
    job_.standby_alloc = Allocation{};
  }
  if (job_.standby) {
    std::unique_lock lock(*job_.wake_mutex);
    job_.replica_cv->notify_all();
  }
  job_.notify_resumed(); // helpers waiting for the job to train again see it finished
  job_.controller->post(FinishedMsg{&job_});
}

void JobRunner::start_tenures() {
  // The allocations' tenures start now: the hosts sat idle since their delivery (`since`).
  for (Allocation* a : {&job_.alloc, &job_.remote})
    if (!a->empty()) start_energy_count(*a, read_energy(*a), now());
}

void JobRunner::give_up_without_progress() {
  const ClusterSpec& c = *job_.current->spec;
  Seconds read = job_.spec->checkpoint_size / job_.current->region->spec->storage_bandwidth;
  std::string why = fmt::format(
      "{} failures in a row without a checkpoint saved: on {} its mean time between failures ({}) is "
      "shorter than a restart ({} with the checkpoint read) and a checkpoint interval ({}) together",
      job_.failures_since_checkpoint, c.id, format_duration(job_.mtbf()),
      format_duration(job_.spec->restart_overhead + read), format_duration(Seconds(job_.interval)));
  spdlog::error("{}: makes no progress: {}", job_.spec->name, why);
  job_.event(EventKind::NoProgress, why, job_.saved_fraction());
  end_job(JobStatus::NoProgress, why);
}

bool JobRunner::train() {
  const double total = job_.spec->work.raw();
  // Relative tolerance: the last segment must not be a sliver left over by rounding.
  const double eps = total * 1e-12;
  while (total - job_.progress > eps) {
    watchdog().tick("a job's training loop");
    if (job_.halt_requested) return halt();
    double segment = std::min(total - job_.progress, job_.rate().raw() * job_.interval);
    double t0 = now();
    compute(segment,
            job_.spec->checkpoint_async && job_.remote.empty() && total - job_.progress - segment > eps);
    double dt = now() - t0;
    job_.log->span(false, job_.spec->name, SpanKind::Compute, t0, now(), job_.current->spec->id);
    // Its own part of time lost (gradient_sync), not compute.
    if (!job_.remote.empty() && !job_.stop) exchange_gradients(segment);
    if (job_.stop == StopReason::HostsLost || job_.stop == StopReason::NodeFailed) {
      lose_uncommitted(dt);
      return true;
    }
    // A halt (or a checkpoint asked for now) cuts the segment short: what was done so far is kept by the
    // checkpoint that follows.
    bool cut_short = job_.stop == StopReason::Halt || job_.stop == StopReason::Checkpoint;
    double done = cut_short ? std::min(segment, job_.rate().raw() * dt) : segment;
    pending_.seconds += dt;
    pending_.at_home += done / job_.home_rate().raw();
    job_.progress += done;
    if (job_.stop == StopReason::Halt) return halt();
    if (job_.stop == StopReason::Checkpoint) job_.stop.reset();
    if (total - job_.progress <= eps) break;
    if (!write_checkpoint(false)) return true;
  }
  // The last segment needs no checkpoint, but one still being written must not be left behind.
  wait_for_async_checkpoint();
  job_.progress = total;
  keep(pending_);
  keep(async_pending_);
  pending_ = async_pending_ = {};
  return false;
}

std::vector<double> JobRunner::start_execs(double mfu) {
  drop_execs();
  // The simulated amount is peak-equivalent FLOPs (useful / MFU, the job's or the step model's) so hosts
  // run at their catalog peak and the energy plugin sees them fully busy, as GPUs in a training step are
  // (communication-bound parts of a step included: docs/model-training.md). Every Exec runs until the
  // slowest has done its share of a segment (a split's faster group waits, busy, for the other), so each
  // gets what it can run at its fastest until all the work left is done, with a margin: it is paused
  // whenever the job does not compute and never meant to run out.
  const double left = job_.spec->work.raw() - job_.progress;
  double time_left = 0;
  for (const Allocation* a : {&job_.alloc, &job_.remote}) {
    if (a->empty()) continue;
    const ClusterSpec& c = *a->cluster->spec;
    for (const HostShare& s : a->shares) {
      if (s.gpus == 0) continue;
      double share = static_cast<double>(s.gpus) / static_cast<double>(job_.active_gpus);
      double fastest = s.host->get_speed() * s.host->get_core_count();
      bool bounded = s.gpus < static_cast<long long>(s.host_nodes) * c.gpus_per_node;
      if (bounded) fastest = std::min(fastest, c.gpu_peak.raw() * s.gpus);
      time_left = std::max(time_left, left * share / mfu / fastest);
      sg4::ExecPtr e = sg4::this_actor::exec_init(1)->set_host(s.host); // its amount is set below
      if (bounded) e->set_bound(fastest);
      job_.execs.push_back(e);
      job_.exec_gpus.push_back(s.gpus);
      job_.exec_share.push_back(share);
      job_.exec_fastest.push_back(fastest);
      job_.exec_host_went_off.push_back(a->cluster->host_went_off[s.index]);
    }
  }
  std::vector<double> amounts;
  for (size_t k = 0; k < job_.execs.size(); ++k) {
    amounts.push_back(job_.exec_fastest[k] * time_left * kExecMargin);
    job_.execs[k]->set_flops_amount(amounts.back());
    job_.execs[k]->start();
  }
  job_.execs_mfu = mfu;
  job_.execs_active_gpus = job_.active_gpus;
  return amounts;
}

void JobRunner::drop_execs() {
  sg::cancel_execs(job_.execs);
  job_.execs.clear();
  job_.exec_share.clear();
  job_.exec_fastest.clear();
  job_.exec_gpus.clear();
  job_.exec_host_went_off.clear();
  job_.execs_left.clear();
  job_.execs_run_on = false;
}

void JobRunner::compute(double work, bool next_at_once) {
  job_.activity = JobActivity::Computing;
  const double mfu = job_.exec_mfu();
  // The Execs of the last segment go on if they still fit: same hosts and GPUs on each (every change of
  // hosts goes through a stop, which drops them; a node given up after a failure for want of a spare
  // leaves a host fewer GPUs), same MFU, enough work left in each, and no host turned off since they
  // started (a failed Exec still says STARTED in SimGrid 3.32, and a host may be back on).
  const size_t n = job_.execs.size();
  bool reuse = n > 0 && mfu == job_.execs_mfu && job_.active_gpus == job_.execs_active_gpus &&
               job_.execs_left.size() == n;
  size_t k_host = 0;
  for (const Allocation* a : {&job_.alloc, &job_.remote})
    for (const HostShare& s : a->shares)
      if (s.gpus > 0) {
        reuse = reuse && k_host < n && job_.execs[k_host]->get_host() == s.host &&
                job_.exec_gpus[k_host] == s.gpus &&
                job_.exec_host_went_off[k_host] == a->cluster->host_went_off[s.index];
        ++k_host;
      }
  reuse = reuse && k_host == n;
  // Each Exec's amount for this segment.
  auto amounts_of_segment = [&] {
    std::vector<double> amount(job_.execs.size());
    for (size_t k = 0; k < amount.size(); ++k) amount[k] = work * job_.exec_share[k] / mfu;
    return amount;
  };
  // How long the segment takes: until the slowest Exec has done its amount; all run that long.
  auto duration_of = [&](const std::vector<double>& amount) {
    double longest = 0;
    for (size_t k = 0; k < amount.size(); ++k) longest = std::max(longest, amount[k] / job_.exec_fastest[k]);
    return longest;
  };
  std::vector<double> amount;
  if (reuse) {
    amount = amounts_of_segment();
    double duration = duration_of(amount);
    for (size_t k = 0; k < n; ++k) reuse = reuse && job_.execs_left[k] > job_.exec_fastest[k] * duration;
  }
  if (reuse) {
    if (!job_.execs_run_on) sg::set_suspended(job_.execs, false);
    job_.execs_run_on = false;
  } else {
    job_.execs_left = start_execs(mfu);
    amount = amounts_of_segment();
  }
  // Sleep on the wake condition until the Execs have run their amounts, rather than in Exec::wait(): an
  // interruption (failure, cutoff, halt) then wakes us without an exception (unwinding one exception per
  // Exec was 40% of a run with failures: docs/simgrid-notes.md). Each Exec runs at its fastest (its host's
  // speed, or its bound): no other activity computes on a job's hosts, since the capacity controller
  // gives a host to one job at a time. Their amounts are therefore known without asking SimGrid, which
  // a big portfolio would ask hundreds of millions of times (debug builds check them). All run until
  // the slowest is done (a split's faster group waits for the other, busy, at the gradient exchange).
  const double start = now();
  const double until = start + duration_of(amount);
  while (!job_.stop && now() < until) job_.wake.wait_until(until);
  // A host that went off fails its Exec; the timeline may not have told us yet (actors woken in the
  // same instant run in any order), so look at the hosts themselves, and at whether one went off and on.
  // Only the capacity controller turns hosts off, and it counts each in its cluster first: if neither
  // cluster counted one since all were last seen on with these Execs, none of them went off (looking at
  // each host after each segment was 1-2 % of a 5,000-job portfolio).
  unsigned went_off = 0;
  for (const Allocation* a : {&job_.alloc, &job_.remote})
    if (a->cluster) went_off += a->cluster->hosts_went_off;
  if (!reuse || went_off != job_.hosts_seen_on_at) {
    if (lost_a_host()) job_.stop = StopReason::HostsLost;
  } else {
#ifndef NDEBUG
    if (lost_a_host()) throw std::logic_error(job_.spec->name + ": a host of its went off uncounted");
#endif
  }
  job_.hosts_seen_on_at = job_.stop == StopReason::HostsLost ? ~0u : went_off;
  if (!job_.stop) {
    for (size_t k = 0; k < amount.size(); ++k) job_.execs_left[k] -= job_.exec_fastest[k] * (now() - start);
    check_exec_amounts();
    // Suspended, the Execs wait for the next segment; they run on if it follows at once (nothing to
    // wait for before it: no write still running, no halt).
    job_.execs_run_on = next_at_once && !job_.async_io.running() && !job_.halt_requested;
    if (!job_.execs_run_on) sg::set_suspended(job_.execs, true);
  } else if (job_.stop == StopReason::NodeFailed) {
    // Suspended, they wait for the restart (their hosts stay: a spare replaces the failed node); cut
    // short, their amounts are read.
    sg::set_suspended(job_.execs, true);
    job_.execs_left = sg::remaining(job_.execs);
  } else {
    drop_execs();
  }
  job_.activity = JobActivity::Idle;
}

void JobRunner::pause_execs() {
  if (!job_.execs_run_on) return;
  sg::set_suspended(job_.execs, true);
  job_.execs_run_on = false;
}

bool JobRunner::lost_a_host() const {
  size_t k_host = 0;
  for (const Allocation* a : {&job_.alloc, &job_.remote})
    for (const HostShare& s : a->shares) {
      if (!s.host->is_on()) return true;
      if (s.gpus > 0 && k_host < job_.execs.size() &&
          job_.exec_host_went_off[k_host++] != a->cluster->host_went_off[s.index])
        return true;
    }
  return false;
}

void JobRunner::check_exec_amounts() const {
#ifndef NDEBUG
  std::vector<double> left = sg::remaining(job_.execs);
  for (size_t k = 0; k < left.size(); ++k) {
    double tolerance = std::max(job_.exec_fastest[k] * kComputeTolerance_s, job_.execs_left[k] * 1e-9);
    if (std::abs(left[k] - job_.execs_left[k]) > tolerance)
      throw std::logic_error(fmt::format("{}: its Exec on {} has {} FLOP left, not the {} it should have: "
                                         "something else computed on the job's host",
                                         job_.spec->name, job_.execs[k]->get_host()->get_name(), left[k],
                                         job_.execs_left[k]));
  }
#endif
}

bool JobRunner::write_checkpoint(bool final) {
  const RegionRuntime* region = job_.current->region;
  const auto bytes = static_cast<sg_size_t>(job_.spec->checkpoint_size.raw());
  if (job_.spec->checkpoint_async && !final) {
    // The write overlaps the next segment; only a write still running from last time stalls training.
    double t0 = now();
    wait_for_async_checkpoint();
    book_checkpoint_stall(now() - t0);
    if (job_.stop) {
      lose_uncommitted(now() - t0);
      return false;
    }
    start_async_checkpoint(region, bytes);
    return true;
  }
  double t0 = now();
  size_t saved_spans = job_.log->spans.size();
  job_.activity = JobActivity::Checkpointing;
  job_.io = DiskIo::start(region->disk, bytes, sg4::Io::OpType::WRITE, job_.control, wake_me());
  wait_for(job_.io);
  bool written = job_.io.succeeded();
  job_.io.reset();
  job_.activity = JobActivity::Idle;
  double dt = now() - t0;
  job_.log->span(false, job_.spec->name, final ? SpanKind::FinalCheckpoint : SpanKind::Checkpoint, t0, now(),
                 region->spec->id);
  if (!written) { // a failure or a provider event interrupted the write
    lose_uncommitted(dt);
    return false;
  }
  if (final)
    job_.ledger.add_lost(LostPart::FinalCheckpoint, Seconds(dt));
  else
    book_checkpoint_stall(dt);
  commit(job_.progress, region, pending_, saved_spans);
  pending_ = {};
  job_.event(EventKind::Checkpoint, final ? "final" : "", job_.saved_fraction());
  spdlog::debug("{}: {}checkpoint of {:.2f}% in {:.1f} s", job_.spec->name, final ? "final " : "",
                100 * job_.saved_fraction(), dt);
  return true;
}

void JobRunner::start_async_checkpoint(const RegionRuntime* region, sg_size_t bytes) {
  // The checkpoint holds the progress of now and counts from the instant its write completes (the
  // worker runs the callback then), whatever the runner is doing at that moment. An abandoned write
  // (a failure or a provider event while it ran) never counts, and its callback touches nothing.
  async_pending_ = pending_;
  pending_ = {};
  job_.async_io = DiskIo::start(
      region->disk, bytes, sg4::Io::OpType::WRITE, job_.control,
      [this, snapshot = job_.progress, region, saved_spans = job_.log->spans.size()](bool counts) {
        if (counts) async_checkpoint_written(snapshot, region, saved_spans);
      });
}

void JobRunner::async_checkpoint_written(double snapshot, const RegionRuntime* region, size_t saved_spans) {
  commit(snapshot, region, async_pending_, saved_spans);
  async_pending_ = {};
  job_.event(EventKind::Checkpoint, "async", job_.saved_fraction());
  // The runner may be waiting for this write (the next checkpoint is due); while it computes, the end of
  // its segment wakes it anyway.
  if (job_.activity != JobActivity::Computing) job_.wake_runner();
}

void JobRunner::wait_for_async_checkpoint() {
  if (!job_.async_io.running()) return;
  // A failure meanwhile abandons the write (it needs every rank) and interrupts the wait.
  job_.activity = JobActivity::Checkpointing;
  wait_for(job_.async_io);
  job_.activity = JobActivity::Idle;
}

void JobRunner::book_checkpoint_stall(double seconds) {
  job_.ledger.checkpoint += Seconds(seconds);
  // Periodic checkpoints come every `interval` of compute: on the home cluster's GPUs the same work
  // would have had proportionally more (fewer) of them. That share of the stall is the hardware's too.
  double at_home_share = pending_.seconds > 0 ? pending_.at_home / pending_.seconds : 1.0;
  job_.ledger.checkpoint_at_home += Seconds(seconds * at_home_share);
}

void JobRunner::keep(const UnsavedCompute& c) {
  job_.ledger.compute += Seconds(c.seconds);
  job_.ledger.compute_at_home += Seconds(c.at_home);
}

void JobRunner::commit(double progress, const RegionRuntime* region, const UnsavedCompute& kept,
                       size_t saved_spans) {
  job_.committed = progress;
  job_.failures_since_checkpoint = 0;
  job_.checkpoint_region = region;
  if (job_.standby) { // a new checkpoint for the replicator to copy
    std::unique_lock lock(*job_.wake_mutex);
    job_.replica_cv->notify_all();
  }
  keep(kept);
  first_pending_span_ = std::max(first_pending_span_, saved_spans);
  if (job_.progress_line->enabled())
    job_.progress_line->update(now(),
                               fmt::format("{} {:.0f}% saved", job_.spec->name, 100 * job_.saved_fraction()));
}

bool JobRunner::halt() {
  pause_execs();
  job_.stop = StopReason::Halt;
  wait_for_async_checkpoint();
  if (job_.stop != StopReason::Halt) { // a failure or a provider event meanwhile
    lose_uncommitted(0);
    return true;
  }
  if (job_.progress > job_.committed && !write_checkpoint(true)) return true; // lost during the final write
  release_hosts();
  job_.event(EventKind::Halt, "stopped to move", job_.saved_fraction());
  spdlog::info("{}: halted on {} with {:.2f}% saved", job_.spec->name, job_.current->spec->id,
               100.0 * job_.saved_fraction());
  return true;
}

void JobRunner::lose_uncommitted(double extra_wasted) {
  double wasted = pending_.seconds + async_pending_.seconds + extra_wasted;
  bool failure = job_.stop == StopReason::NodeFailed;
  if (failure)
    job_.ledger.failure_recompute += Seconds(wasted);
  else
    job_.ledger.add_lost(LostPart::Recompute, Seconds(wasted));
  job_.async_io.abandon();
  job_.async_io.reset();
  // What was trained since the last checkpoint is now lost work (checkpoints, restarts and waits keep
  // their own names).
  for (size_t i = first_pending_span_; i < job_.log->spans.size(); ++i) {
    Span& s = job_.log->spans[i];
    if (!s.provider_track && s.track == job_.spec->name && s.kind == SpanKind::Compute)
      s.kind = SpanKind::LostCompute;
  }
  first_pending_span_ = job_.log->spans.size();
  pending_ = async_pending_ = {};
  job_.progress = job_.committed;
  if (failure) return; // the job keeps its hosts: a spare replaces the failed node
  // The summary's way of saying a duration (115.2 min, not 1.92 h).
  spdlog::warn("{}: lost the hosts on {}; {} of work since the last checkpoint is gone", job_.spec->name,
               job_.current->spec->id, format_duration(Seconds(wasted)));
  release_hosts();
  job_.event(EventKind::HostsLost, fmt::format("{:.0f} s of work lost", wasted), job_.saved_fraction());
}

bool JobRunner::recover_from_failure() {
  ClusterRuntime& cluster = *job_.current;
  job_.stop.reset(); // the failure is being handled; a provider event from now on sets it again
  while (true) {
    watchdog().tick("a job's restart after a failure");
    if (job_.failures_since_checkpoint > kMaxFailuresWithoutCheckpoint) return false;
    double t0 = now();
    if (!replace_failed_nodes()) return false;
    job_.ledger.waiting_for_spares += Seconds(now() - t0);
    job_.log->span(false, job_.spec->name, SpanKind::WaitingForSpares, t0, now(), cluster.spec->id);

    // Detect, reschedule and re-initialise, then read the last checkpoint back; a failure meanwhile
    // starts it all again.
    double t1 = now();
    job_.activity = JobActivity::Restarting;
    job_.restart_interrupted = false;
    double until = now() + job_.spec->restart_overhead.raw();
    while (!job_.restart_interrupted && !job_.stop_by_provider() && now() < until)
      job_.wake.wait_until(until);
    if (!job_.restart_interrupted && !job_.stop_by_provider() && job_.committed > 0) {
      job_.io = DiskIo::start(job_.checkpoint_region->disk,
                              static_cast<sg_size_t>(job_.spec->checkpoint_size.raw()), sg4::Io::OpType::READ,
                              job_.control, wake_me());
      wait_for(job_.io);
      job_.io.reset();
    }
    job_.activity = JobActivity::Idle;
    job_.ledger.restart += Seconds(now() - t1);
    job_.log->span(false, job_.spec->name, SpanKind::FailureRestart, t1, now(), cluster.spec->id);
    if (job_.stop_by_provider()) {
      release_hosts();
      return false;
    }
    if (!job_.restart_interrupted && job_.nodes_to_replace == 0) break;
  }
  job_.event(EventKind::Restarted, "", job_.saved_fraction());
  return true;
}

bool JobRunner::replace_failed_nodes() {
  // Spares are the cluster's: the controller gives them (or, with on_no_spare: shrink, takes the nodes
  // away from the job) and wakes us; until then the job waits, unless a provider event ends the wait.
  while (job_.nodes_to_replace > 0) {
    int wanted = job_.nodes_to_replace;
    job_.spares_granted = 0;
    job_.controller->post(SparesWantedMsg{&job_, wanted});
    job_.activity = JobActivity::WaitingForSpares;
    while (job_.spares_granted < wanted && !job_.stop_by_provider()) job_.wake.wait();
    job_.activity = JobActivity::Idle;
    if (job_.stop_by_provider()) {
      release_hosts();
      return false;
    }
    job_.nodes_to_replace -= wanted; // failures while waiting are replaced in the next round
    long long width = job_.alloc.gpus + job_.remote.gpus;
    if (width != job_.active_gpus) { // nodes given up for want of spares
      job_.active_gpus = width;
      job_.update_interval();
      spdlog::info("{}: no spare node on {}; continuing on {} GPUs", job_.spec->name, job_.current->spec->id,
                   job_.active_gpus);
    }
  }
  return true;
}

DiskIo::OnDone JobRunner::wake_me() {
  JobRuntime* job = &job_;
  // While computing, the runner waits for the end of the segment or an interruption, not for a write.
  return [job](bool) {
    if (job->activity != JobActivity::Computing) job->wake_runner();
  };
}

void JobRunner::wait_for(const DiskIo& io) {
  pause_execs();
  auto interrupted = [this] {
    return job_.stop == StopReason::HostsLost || job_.stop == StopReason::NodeFailed ||
           job_.restart_interrupted;
  };
  while (io.running() && !interrupted()) job_.wake.wait();
}

void JobRunner::release_hosts() {
  // The controller books the tenures and frees the hosts; the job holds nothing from now on.
  drop_execs();
  for (Allocation* a : {&job_.alloc, &job_.remote}) {
    if (a->empty()) continue;
    job_.controller->post(ReleasedMsg{&job_, *a, true});
    *a = Allocation{};
  }
}

void JobRunner::exchange_gradients(double work) {
  // The top level of the split's hierarchical all-reduce (its levels inside each site are part of the
  // step, model/training_speed.hpp): the segment's exchanges as one copy each way at its end — the same
  // bytes and link time as one exchange every `sync_every` steps when nothing else changes on the link.
  // Each site sends its reduced gradients to the other, both ways at once, sharing the path as every
  // copy does (a platform link carries its bandwidth in total, whichever the direction).
  const RegionRuntime& here = *job_.current->region;
  const RegionRuntime& there = *job_.remote.cluster->region;
  Bytes bytes(work * job_.sync_bytes_per_flop);
  BuiltPlatform& p = *job_.platform;
  double t0 = now();
  if (&here == &there) {
    // Two clusters of one region: across the regional network (both uplinks), no egress.
    sg4::Host* a = job_.alloc.shares.front().host;
    sg4::Host* b = job_.remote.shares.front().host;
    auto size = static_cast<uint64_t>(bytes.raw());
    sg4::CommPtr out = sg4::Comm::sendto_async(a, b, size);
    sg4::CommPtr back = sg4::Comm::sendto_async(b, a, size);
    wait_quietly(out); // a host going off ends them; the runner sees that next
    wait_quietly(back);
  } else {
    WanTransfer out("gradients", here, there, bytes, candidate_paths(p, here, there, job_.response->paths),
                    job_.response->streams, p, &p.egress_this_month(here.provider->name));
    WanTransfer back("gradients", there, here, bytes, candidate_paths(p, there, here, job_.response->paths),
                     job_.response->streams, p, &p.egress_this_month(there.provider->name));
    out.wait();
    back.wait();
    job_.ledger.sync_egress += out.record().egress + back.record().egress;
  }
  job_.ledger.add_lost(LostPart::GradientSync, Seconds(now() - t0));
  job_.ledger.sync_bytes += bytes * 2;
  job_.log->span(false, job_.spec->name, SpanKind::Transfer, t0, now(),
                 "gradient exchange with " + there.spec->id);
}

} // namespace riftsim
