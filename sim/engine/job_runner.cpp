#include "engine/actors.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace riftsim {

void JobRunner::operator()() {
  job_.start = sg4::Engine::get_clock();
  while (true) {
    job_.stop.reset();
    job_.halt_requested = false;
    if (!train()) {
      job_.finished = true;
      job_.end = sg4::Engine::get_clock();
      release(job_.alloc, job_.end, job_.ledger);
      spdlog::info("{}: training finished on {}", job_.spec->name, job_.current->spec->id);
      job_.to_orchestrator.push(JobFinishedMsg{});
      return;
    }
    job_.ledger.interruptions++;
    job_.to_orchestrator.push(JobStoppedMsg{*job_.stop, sg4::Engine::get_clock()});
    RunnerMsg msg = job_.to_runner.pop();
    if (std::holds_alternative<AbortMsg>(msg)) {
      job_.finished = true;
      job_.status = JobStatus::Stranded;
      job_.end = sg4::Engine::get_clock();
      spdlog::warn("{}: stranded, nowhere to run", job_.spec->name);
      return;
    }
    spdlog::info("{}: resuming on {} from {:.1f}% done", job_.spec->name, job_.current->spec->id,
                 100.0 * job_.committed / job_.spec->work.raw());
  }
}

bool JobRunner::train() {
  const double total = job_.spec->work.raw();
  // Relative tolerance: the last segment must not be a sliver left over by rounding.
  const double eps = total * 1e-12;
  while (total - job_.progress > eps) {
    if (job_.halt_requested) return halt();
    double segment =
        std::min(total - job_.progress, job_.rate().raw() * job_.spec->checkpoint_interval.raw());
    double t0 = sg4::Engine::get_clock();
    compute(segment);
    double dt = sg4::Engine::get_clock() - t0;
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
    if (s.gpus < static_cast<long long>(s.host_nodes) * c.gpus_per_node)
      e->set_bound(c.gpu_peak.raw() * s.gpus);
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
  double t0 = sg4::Engine::get_clock();
  job_.activity = JobActivity::Checkpointing;
  job_.io =
      region->disk->io_init(static_cast<sg_size_t>(job_.spec->checkpoint_size.raw()), sg4::Io::OpType::WRITE);
  job_.io->start();
  try {
    job_.io->wait();
  } catch (const simgrid::Exception&) {
    // cancelled because the hosts went off: handled below
  }
  job_.io = nullptr;
  job_.activity = JobActivity::Idle;
  double dt = sg4::Engine::get_clock() - t0;
  if (job_.stop == StopReason::HostsLost) {
    lose_uncommitted(dt);
    return false;
  }
  job_.committed = job_.progress;
  job_.checkpoint_region = region;
  job_.ledger.compute += Seconds(pending_);
  pending_ = 0;
  if (final)
    job_.ledger.add_lost(LostPart::FinalCheckpoint, Seconds(dt));
  else
    job_.ledger.checkpoint += Seconds(dt);
  spdlog::debug("{}: {}checkpoint at {:.2f}% took {:.1f} s", job_.spec->name, final ? "final " : "",
                100.0 * job_.committed / job_.spec->work.raw(), dt);
  return true;
}

bool JobRunner::halt() {
  job_.stop = StopReason::Halt;
  if (job_.progress > job_.committed && !write_checkpoint(true)) return true; // lost during the final write
  release(job_.alloc, sg4::Engine::get_clock(), job_.ledger);
  spdlog::info("{}: halted on {} with {:.2f}% saved", job_.spec->name, job_.current->spec->id,
               100.0 * job_.committed / job_.spec->work.raw());
  return true;
}

void JobRunner::lose_uncommitted(double extra_wasted) {
  double wasted = pending_ + extra_wasted;
  job_.ledger.add_lost(LostPart::Recompute, Seconds(wasted));
  spdlog::warn("{}: lost the hosts on {}; {:.2f} h of work since the last checkpoint is gone",
               job_.spec->name, job_.current->spec->id, wasted / kSecondsPerHour);
  pending_ = 0;
  job_.progress = job_.committed;
  job_.stop = StopReason::HostsLost;
  release(job_.alloc, sg4::Engine::get_clock(), job_.ledger);
}

} // namespace riftsim
