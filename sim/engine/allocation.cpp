#include "engine/runtime.hpp"
#include "model/checkpoint_math.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <simgrid/plugins/energy.h>
#include <stdexcept>
#include <tuple>

namespace riftsim {

std::optional<Allocation> allocate(ClusterRuntime& cluster, long long gpus, double since, int job_id) {
  if (cluster.free_gpus() < gpus) return std::nullopt;
  const ClusterSpec& c = *cluster.spec;
  double now = sg4::Engine::get_clock();
  Allocation a;
  a.cluster = &cluster;
  a.gpus = gpus;
  a.since = since;
  long long left = gpus;
  for (size_t i = 0; i < cluster.hosts.size() && left > 0; ++i) {
    if (cluster.host_taken[i] || !cluster.hosts[i]->is_on() || cluster.nodes_up[i] == 0) continue;
    HostShare s;
    s.host = cluster.hosts[i];
    s.index = i;
    s.host_nodes = cluster.host_nodes[i];
    s.gpus = std::min<long long>(left, static_cast<long long>(cluster.nodes_up[i]) * c.gpus_per_node);
    s.nodes = static_cast<int>((s.gpus + c.gpus_per_node - 1) / c.gpus_per_node);
    // The host sat idle from `since` to now: take that idle energy out of the starting value so the
    // job's tenure counts it, exactly as SimGrid's energy model accrued it.
    double idle_w = c.node_power_idle.raw() * s.host_nodes;
    s.energy_start = sg_host_get_consumed_energy(s.host) - idle_w * (now - since);
    left -= s.gpus;
    cluster.host_taken[i] = true;
    cluster.hosts_in_use++;
    for (int k = 0; k < s.nodes; ++k) cluster.slot_job[cluster.host_first_slot[i] + k] = job_id;
    a.shares.push_back(s);
  }
  if (!sg4::this_actor::is_maestro()) { // before the run (maestro) nobody waits yet
    std::unique_lock lock(*cluster.spare_mutex);
    cluster.busy_cv->notify_all();
  }
  return a;
}

namespace {

/// Books the tenure of `a` from its start to `now`: node-hours at the current price, and the energy its
/// nodes drew (SimGrid's host energy plugin).
void record_tenure(const Allocation& a, double now, JobLedger& ledger, RunLog& log, const std::string& job) {
  const ClusterSpec& c = *a.cluster->spec;
  double nodes = 0;
  double energy = 0;
  for (const HostShare& s : a.shares) {
    nodes += s.nodes;
    // A host stands for several nodes; those the job does not use sit idle and are not the job's.
    double unused_idle = c.node_power_idle.raw() * (s.host_nodes - s.nodes) * (now - a.since);
    energy += sg_host_get_consumed_energy(s.host) - s.energy_start - unused_idle;
  }
  Tenure t;
  t.cluster = c.id;
  t.provider = c.provider;
  t.gpus = a.gpus;
  t.nodes = nodes;
  t.node_price = c.node_price * a.cluster->price_factor;
  t.start = Seconds(a.since);
  t.end = Seconds(now);
  t.energy = Joules(energy);
  t.pue = a.cluster->region->spec->pue;
  t.carbon_g_per_kwh = a.cluster->region->spec->carbon_g_per_kwh;
  t.step = a.step;
  ledger.tenures.push_back(t);
  log.span(true, c.provider, SpanKind::Tenure, a.since, now, job + " on " + c.id);
}

} // namespace

void release(Allocation& a, double now, JobLedger& ledger, RunLog& log, const std::string& job) {
  if (a.empty()) return;
  record_tenure(a, now, ledger, log, job);
  for (const HostShare& s : a.shares) {
    ClusterRuntime& c = *a.cluster;
    c.host_taken[s.index] = false;
    c.hosts_in_use--;
    for (int k = 0; k < c.host_nodes[s.index]; ++k) c.slot_job[c.host_first_slot[s.index] + k] = -1;
  }
  a = Allocation{};
}

void split_tenure(Allocation& a, double now, JobLedger& ledger, RunLog& log, const std::string& job) {
  if (a.empty()) return;
  record_tenure(a, now, ledger, log, job);
  for (HostShare& s : a.shares) s.energy_start = sg_host_get_consumed_energy(s.host);
  a.since = now;
}

void book_ramp(const ClusterRuntime& cluster, const std::vector<CapacitySpec::Held>& held, JobLedger& ledger,
               RunLog& log, const std::string& job) {
  const ClusterSpec& c = *cluster.spec;
  for (const auto& h : held) {
    Tenure t;
    t.cluster = c.id;
    t.provider = c.provider;
    t.gpus = static_cast<long long>(h.nodes) * c.gpus_per_node;
    t.nodes = h.nodes;
    t.node_price = c.node_price * cluster.price_factor;
    t.start = h.from;
    t.end = h.to;
    t.energy = c.node_power_idle * (h.to - h.from) * static_cast<double>(h.nodes);
    t.pue = cluster.region->spec->pue;
    t.carbon_g_per_kwh = cluster.region->spec->carbon_g_per_kwh;
    ledger.tenures.push_back(t);
    ledger.idle_cost += t.cost();
    log.span(true, c.provider, SpanKind::Tenure, h.from.raw(), h.to.raw(),
             fmt::format("{} on {} (delivered, waiting for the rest)", job, c.id));
  }
}

Usd held_cost(const Allocation& a, double from, double to) {
  if (a.empty() || to <= from) return Usd(0);
  double nodes = 0;
  for (const HostShare& s : a.shares) nodes += s.nodes;
  return a.cluster->spec->node_price * a.cluster->price_factor * Seconds(to - from) * nodes;
}

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
  if (!c.failures) return Seconds(std::numeric_limits<double>::infinity());
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
  if (activity == JobActivity::WaitingForSpares) current->notify_spare_waiters();
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

} // namespace riftsim
