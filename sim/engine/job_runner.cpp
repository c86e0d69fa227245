#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/actors.hpp"

namespace riftsim {

namespace {
double now() { return sg4::Engine::get_clock(); }
} // namespace

void JobRunner::operator()() {
  job_.start = now();
  job_.event(EventKind::Start, fmt::format("{} GPUs", job_.spec->gpus));
  while (true) {
    job_.stop.reset();
    job_.halt_requested = false;
    if (!train()) {
      job_.finished = true;
      job_.end = now();
      release_hosts();
      job_.event(EventKind::Finish, "", 1.0);
      spdlog::info("{}: training finished on {}", job_.spec->name, job_.current->spec->id);
      job_.to_orchestrator.push(JobFinishedMsg{});
      return;
    }
    job_.ledger.interruptions++;
    job_.to_orchestrator.push(JobStoppedMsg{*job_.stop, now()});
    RunnerMsg msg = job_.to_runner.pop();
    if (std::holds_alternative<AbortMsg>(msg)) {
      job_.finished = true;
      job_.status = JobStatus::Stranded;
      job_.end = now();
      job_.event(EventKind::Stranded, "no target can take the job", job_.saved_fraction());
      spdlog::warn("{}: stranded, nowhere to run", job_.spec->name);
      return;
    }
    job_.event(EventKind::Resume, "", job_.saved_fraction());
    spdlog::info("{}: resuming on {} from {:.1f}% done", job_.spec->name, job_.current->spec->id,
                 100.0 * job_.saved_fraction());
  }
}

bool JobRunner::train() {
  const double total = job_.spec->work.raw();
  // Relative tolerance: the last segment must not be a sliver left over by rounding.
  const double eps = total * 1e-12;
  while (total - job_.progress > eps) {
    if (job_.halt_requested) return halt();
    double segment = std::min(total - job_.progress, job_.rate().raw() * job_.spec->checkpoint_interval.raw());
    double t0 = now();
    compute(segment);
    double dt = now() - t0;
    job_.log->span(false, job_.spec->name, SpanKind::Compute, t0, now(), job_.current->spec->id);
    if (job_.stop == StopReason::HostsLost) {
      lose_uncommitted(dt);
      return true;
    }
    pending_ += dt;
    if (job_.stop == StopReason::Halt) {
      job_.progress += std::min(segment, job_.rate().raw() * dt);
      return halt();
    }
    job_.progress += segment;
    if (total - job_.progress <= eps) break;
    if (!write_checkpoint(false)) return true;
  }
  job_.progress = total;
  job_.ledger.compute += Seconds(pending_);
  pending_ = 0;
  return false;
}

void JobRunner::compute(double work) {
  const JobSpec& j = *job_.spec;
  const ClusterSpec& c = *job_.current->spec;
  job_.activity = JobActivity::Computing;
  job_.execs.clear();
  // The simulated amount is peak-equivalent FLOPs (useful / MFU) so hosts run at their catalog peak
  // and the energy plugin sees them fully busy, as GPUs in a training step are.
  for (const HostShare& s : job_.alloc.shares) {
    double share = static_cast<double>(s.gpus) / static_cast<double>(j.gpus);
    sg4::ExecPtr e = sg4::this_actor::exec_init(work * share / j.mfu)->set_host(s.host);
    if (s.gpus < static_cast<long long>(s.host_nodes) * c.gpus_per_node) e->set_bound(c.gpu_peak.raw() * s.gpus);
    e->start();
    job_.execs.push_back(e);
  }
  try {
    for (auto& e : job_.execs) e->wait();
  } catch (const simgrid::Exception&) {
    for (auto& e : job_.execs)
      if (e->get_state() == sg4::Activity::State::STARTED) e->cancel();
  }
  // A host that went off fails its Exec; the timeline may not have told us yet (actors woken in the
  // same instant run in any order), so look at the hosts themselves.
  for (const HostShare& s : job_.alloc.shares)
    if (!s.host->is_on()) job_.stop = StopReason::HostsLost;
  job_.execs.clear();
  job_.activity = JobActivity::Idle;
}

bool JobRunner::write_checkpoint(bool final) {
  const RegionRuntime* region = job_.current->region;
  double t0 = now();
  job_.activity = JobActivity::Checkpointing;
  job_.io = region->disk->io_init(static_cast<sg_size_t>(job_.spec->checkpoint_size.raw()), sg4::Io::OpType::WRITE);
  job_.io->start();
  try {
    job_.io->wait();
  } catch (const simgrid::Exception&) {
    // cancelled because the hosts went off: handled below
  }
  job_.io = nullptr;
  job_.activity = JobActivity::Idle;
  double dt = now() - t0;
  job_.log->span(false, job_.spec->name, final ? SpanKind::FinalCheckpoint : SpanKind::Checkpoint, t0, now(),
                 region->spec->id);
  if (job_.stop == StopReason::HostsLost) {
    lose_uncommitted(dt);
    return false;
  }
  job_.committed = job_.progress;
  job_.checkpoint_region = region;
  job_.ledger.compute += Seconds(pending_);
  pending_ = 0;
  first_pending_span_ = job_.log->spans.size();
  if (final)
    job_.ledger.add_lost(LostPart::FinalCheckpoint, Seconds(dt));
  else
    job_.ledger.checkpoint += Seconds(dt);
  job_.event(EventKind::Checkpoint, final ? "final" : "", job_.saved_fraction());
  spdlog::debug("{}: {}checkpoint of {:.2f}% in {:.1f} s", job_.spec->name, final ? "final " : "",
                100 * job_.saved_fraction(), dt);
  job_.progress_line->update(now(), fmt::format("{} {:.0f}% saved", job_.spec->name, 100 * job_.saved_fraction()));
  return true;
}

bool JobRunner::halt() {
  job_.stop = StopReason::Halt;
  if (job_.progress > job_.committed && !write_checkpoint(true)) return true; // lost during the final write
  release_hosts();
  job_.event(EventKind::Halt, "stopped to move", job_.saved_fraction());
  spdlog::info("{}: halted on {} with {:.2f}% saved", job_.spec->name, job_.current->spec->id,
               100.0 * job_.saved_fraction());
  return true;
}

void JobRunner::lose_uncommitted(double extra_wasted) {
  double wasted = pending_ + extra_wasted;
  job_.ledger.add_lost(LostPart::Recompute, Seconds(wasted));
  // What was trained (or written) since the last checkpoint is now lost work.
  for (size_t i = first_pending_span_; i < job_.log->spans.size(); ++i) {
    Span& s = job_.log->spans[i];
    if (!s.provider_track && s.track == job_.spec->name) s.kind = SpanKind::LostCompute;
  }
  first_pending_span_ = job_.log->spans.size();
  spdlog::warn("{}: lost the hosts on {}; {:.2f} h of work since the last checkpoint is gone", job_.spec->name,
               job_.current->spec->id, wasted / kSecondsPerHour);
  pending_ = 0;
  job_.progress = job_.committed;
  job_.stop = StopReason::HostsLost;
  release_hosts();
  job_.event(EventKind::HostsLost, fmt::format("{:.0f} s of work lost", wasted), job_.saved_fraction());
}

void JobRunner::release_hosts() { release(job_.alloc, now(), job_.ledger, *job_.log, job_.spec->name); }

} // namespace riftsim
