#include "engine/actors.hpp"
#include "engine/wan_transfer.hpp"
#include "model/checkpoint_math.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <stdexcept>
#include <tuple>

namespace riftsim {

const StepBreakdown& JobRuntime::current_step() const {
  // The one seam to the step model: every rate the campaign uses comes from here.
  const ClusterSpec* here = current->spec;
  const ClusterSpec* other = remote.empty() ? nullptr : remote.cluster->spec;
  long long there = remote.empty() ? 0 : remote.gpus;
  StepCache& c = step_cache;
  if (c.here != here || c.gpus != active_gpus || c.remote != other || c.remote_gpus != there) {
    c = {here, active_gpus, other, there, {}};
    c.step = other ? speed->split_step(*spec, *here, active_gpus - there, *other, there)
                   : speed->step(*spec, *here, active_gpus);
  }
  return c.step;
}

double JobRuntime::exec_mfu() const {
  if (!spec->derives_speed()) return spec->mfu; // exactly the job's, to the last digit
  // A split's faster group finishes its share early and waits: its Execs run at the slower GPUs' pace.
  FlopsPerSecond peak = current->spec->gpu_peak;
  if (!remote.empty()) peak = std::min(peak, remote.cluster->spec->gpu_peak);
  return rate().raw() / (peak.raw() * static_cast<double>(active_gpus));
}

FlopsPerSecond JobRuntime::home_rate() const {
  return speed->step(*spec, *home->spec, active_gpus).rate; // with `mfu`: home peak × active GPUs × mfu
}

void JobRuntime::update_interval() {
  const StepBreakdown& s = current_step();
  TenureStep report;
  report.derived = s.derived;
  report.mfu = s.mfu;
  if (s.derived) {
    const Layout& l = s.layout;
    report.layout = l.str();
    std::tie(report.tp, report.pp, report.dp, report.ep, report.microbatch) =
        std::tuple(l.tp, l.pp, l.dp, l.ep, l.microbatch);
    report.microbatches = s.microbatches;
    report.step = s.step;
    report.compute = s.compute;
    report.exposed_tp = s.exposed_tp;
    report.exposed_ep = s.exposed_ep;
    report.pp_p2p = s.pp_p2p;
    report.pp_bubble = s.pp_bubble;
    report.exposed_dp = s.exposed_dp;
  }
  alloc.step = report;
  if (!remote.empty()) remote.step = report;

  if (!spec->checkpoint_interval_auto) {
    interval = spec->checkpoint_interval.raw();
    return;
  }
  // Loading checked that every cluster the job can run on has a failure model.
  if (!current->spec->failures)
    throw std::logic_error("checkpoint_interval: auto on a cluster without failures");
  Seconds delta = spec->checkpoint_size / current->region->spec->storage_bandwidth;
  interval = daly_interval(delta, mtbf()).raw();
}

Seconds JobRuntime::mtbf() const {
  const ClusterSpec& c = *current->spec;
  if (!c.failures) return kNeverTime;
  double nodes = std::ceil(static_cast<double>(active_gpus) / c.gpus_per_node);
  // Node failures scale with the job's nodes; job-level failures come on top, whatever its size.
  double rate = nodes / c.failures->node_mtbf.raw();
  if (c.failures->job_mtbf) rate += 1 / c.failures->job_mtbf->raw();
  return Seconds(1 / rate);
}

void JobRuntime::node_failed() {
  nodes_to_replace++;
  ledger.failures++;
  interrupt_for_failure();
}

void JobRuntime::job_failed() {
  ledger.job_failures++;
  interrupt_for_failure();
}

void JobRuntime::wait_for_resume() {
  std::unique_lock lock(*wake_mutex);
  resumed_cv->wait(lock);
}

void JobRuntime::notify_resumed() {
  std::unique_lock lock(*wake_mutex);
  resumed_cv->notify_all();
}

void JobRuntime::interrupt_for_failure() {
  failures_since_checkpoint++;
  switch (activity) {
  case JobActivity::Computing:
  case JobActivity::Checkpointing:
    // Also during a halt: its final checkpoint needs every rank. The runner recovers and halts again.
    if (!stop || stop == StopReason::Halt || stop == StopReason::Checkpoint) stop = StopReason::NodeFailed;
    io.abandon(); // the runner, woken below, cancels its Execs itself
    break;
  case JobActivity::Restarting:
    restart_interrupted = true;
    io.abandon();
    break;
  case JobActivity::Idle:
  case JobActivity::WaitingForSpares:
    break; // replaced before the job runs again
  }
  // An asynchronous checkpoint being written needs every rank: it is lost too.
  async_io.abandon();
  wake_runner();
}

void JobRuntime::keep_data_in(const RegionRuntime& region, double from) {
  ledger.keep_data(region.spec->id, spec->dataset_size + spec->checkpoint_size, region.spec->storage_price,
                   Seconds(from));
}

std::unique_ptr<WanTransfer> JobRuntime::start_copy(const std::string& what, const RegionRuntime& from,
                                                    const RegionRuntime& to, Bytes bytes, bool waived) {
  auto t = std::make_unique<WanTransfer>(
      what, from, to, bytes, candidate_paths(*platform, from, to, response->paths), response->streams,
      *platform, &platform->egress_this_month(from.provider->name), waived);
  transfer_started(t->record());
  return t;
}

void JobRuntime::transfer_started(const TransferRecord& r) {
  log->event(r.start.raw(), EventKind::TransferStart, spec->name,
             platform->regions.at(r.from_region).provider->name, r.from_region,
             fmt::format("{} {} to {}", format_bytes(r.bytes), r.what, r.to_region));
}

void JobRuntime::transfer_done(const TransferRecord& r) {
  ledger.transfers.push_back(r);
  log->event(r.end.raw(), EventKind::TransferEnd, spec->name,
             platform->regions.at(r.to_region).provider->name, r.to_region,
             fmt::format("{} {} from {}", format_bytes(r.bytes), r.what, r.from_region));
  log->span(false, spec->name, SpanKind::Transfer, r.start.raw(), r.end.raw(),
            r.what + " " + r.from_region + " → " + r.to_region);
}

void JobRuntime::wake_runner() {
  wake.notify();
}

void JobRuntime::event(EventKind kind, std::string detail, double progress) {
  log->event(sg4::Engine::get_clock(), kind, spec->name, current->spec->provider, current->spec->id,
             std::move(detail), progress);
}

bool JobRuntime::affected_by(const ProviderScope& scope) const {
  return !finished && current && scope.covers_region(current->spec->region, current->spec->provider);
}

void JobRuntime::hosts_lost() {
  async_io.abandon();
  if (activity == JobActivity::Idle) return;
  stop = StopReason::HostsLost;
  wake_runner(); // it cancels its Execs itself
  io.abandon();
}

void JobRuntime::request_checkpoint() {
  if (finished || activity != JobActivity::Computing || stop) return; // not training now: nothing to save
  stop = StopReason::Checkpoint;
  wake_runner(); // it cancels its Execs itself, then writes the checkpoint
}

void JobRuntime::request_halt() {
  if (finished || halt_requested) return;
  halt_requested = true;
  // A checkpoint in progress is left to finish: it is the safe point. Compute is cut short and its
  // progress saved by the final checkpoint.
  if (activity == JobActivity::Computing) {
    stop = StopReason::Halt;
    wake_runner(); // it cancels its Execs itself
  }
}

// A checkpoint write is estimated from the store's bandwidth alone, plus 10 % for other I/O on it.
constexpr double kWriteEstimateMargin = 1.1;

Seconds checkpoint_write_margin(const JobRuntime& job) {
  return job.spec->checkpoint_size / job.current->region->spec->storage_bandwidth * kWriteEstimateMargin;
}

} // namespace riftsim
