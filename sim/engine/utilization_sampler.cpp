#include "engine/utilization_sampler.hpp"

#include "engine/capacity_controller.hpp"

#include <algorithm>
#include <cmath>
#include <simgrid/plugins/energy.h>

namespace riftsim {

UtilizationSampler::UtilizationSampler(BuiltPlatform& platform, const CapacityController& controller,
                                       std::vector<JobRuntime*> jobs, Seconds bucket, int samples_per_bucket)
    : platform_(platform), controller_(controller), jobs_(std::move(jobs)), bucket_(bucket.raw()),
      step_(bucket.raw() / samples_per_bucket) {
  for (auto& [id, c] : platform_.clusters) {
    cluster_index_[&c] = clusters_.size();
    clusters_.push_back(&c);
    UtilizationRow r;
    r.cluster = id;
    r.provider = c.spec->provider;
    r.nodes = c.spec->nodes;
    open_.push_back(r);
  }
  state_ = open_;
}

std::vector<double> UtilizationSampler::cluster_energy() const {
  std::vector<double> e;
  for (ClusterRuntime* c : clusters_) {
    double j = 0;
    for (sg4::Host* h : c->hosts) j += sg_host_get_consumed_energy(h);
    e.push_back(j);
  }
  return e;
}

void UtilizationSampler::account(double until) {
  // The state seen at the last sample stands for the whole step it fell in (sampled at each step's
  // middle: the midpoint rule, an error of at most a step on each change).
  double dt = until - accounted_until_;
  if (dt <= 0) return;
  for (size_t i = 0; i < open_.size(); ++i) {
    open_[i].delivered += state_[i].delivered * dt;
    open_[i].busy += state_[i].busy * dt;
    open_[i].reserved += state_[i].reserved * dt;
    open_[i].down += state_[i].down * dt;
  }
  open_queue_.mean_jobs += queued_jobs_ * dt;
  open_queue_.mean_gpus += static_cast<double>(queued_gpus_) * dt;
  accounted_until_ = until;
}

void UtilizationSampler::sample() {
  const double now = sg4::Engine::get_clock();
  last_sample_time_ = now;
  // A finished job released what it held and holds nothing again: it need not be looked at any more.
  std::erase_if(jobs_, [](const JobRuntime* j) {
    return j->finished && j->alloc.empty() && j->remote.empty() && j->standby_alloc.empty();
  });
  std::vector<double> busy(clusters_.size(), 0.0);
  for (const JobRuntime* j : jobs_)
    for (const Allocation* a : {&j->alloc, &j->remote, &j->standby_alloc})
      if (!a->empty() && a->since <= now) busy[cluster_index_.at(a->cluster)] += a->nodes();
  for (size_t i = 0; i < clusters_.size(); ++i) {
    const ClusterRuntime& c = *clusters_[i];
    // Hosts go off only when the provider takes all their nodes back (a cut-off, a throttle).
    const int down = c.nodes_taken;
    const int held = c.held_nodes();
    state_[i].busy = busy[i];
    state_[i].reserved = std::max(0.0, held - busy[i]);
    // Delivered and still the tenant's: a throttle or a cut-off takes its share away.
    state_[i].delivered = std::max(0, std::min(controller_.delivered_now(c), c.spec->nodes - down));
    state_[i].down = down;
  }
  auto [jobs, gpus] = controller_.queue_length();
  queued_jobs_ = jobs;
  queued_gpus_ = gpus;
  open_queue_.max_jobs = std::max(open_queue_.max_jobs, jobs);
}

void UtilizationSampler::close_bucket(double end) {
  double len = end - bucket_start_;
  if (len <= 0) return;
  std::vector<double> energy = cluster_energy();
  for (size_t i = 0; i < open_.size(); ++i) {
    UtilizationRow r = open_[i];
    r.start = bucket_start_;
    r.length = len;
    r.delivered /= len;
    r.busy /= len;
    r.reserved /= len;
    r.down /= len;
    r.power_w = (energy[i] - energy_at_start_[i]) / len;
    utilization.push_back(r);
    open_[i].delivered = open_[i].busy = open_[i].reserved = open_[i].down = 0;
  }
  QueueRow q = open_queue_;
  q.start = bucket_start_;
  q.length = len;
  q.mean_jobs /= len;
  q.mean_gpus /= len;
  queue.push_back(q);
  open_queue_ = QueueRow{};
  open_queue_.max_jobs = queued_jobs_;
  energy_at_start_ = energy;
  bucket_start_ = end;
}

void UtilizationSampler::operator()() {
  energy_at_start_ = cluster_energy();
  const int steps = static_cast<int>(std::lround(bucket_ / step_));
  while (true) {
    double start = bucket_start_;
    for (int k = 1; k <= steps; ++k) {
      sg4::this_actor::sleep_until(start + (k - 0.5) * step_);
      sample();
      account(k == steps ? start + bucket_ : start + k * step_);
    }
    sg4::this_actor::sleep_until(start + bucket_);
    close_bucket(start + bucket_);
  }
}

void UtilizationSampler::finish(double end) {
  if (finished_ || energy_at_start_.empty()) return;
  finished_ = true;
  // The run ended within a step: the last state seen stands for what is left of it (accounted beyond
  // `end` already, if the step's middle came after the end: take that back).
  if (accounted_until_ > end) {
    double back = accounted_until_ - end;
    for (size_t i = 0; i < open_.size(); ++i) {
      open_[i].delivered -= state_[i].delivered * back;
      open_[i].busy -= state_[i].busy * back;
      open_[i].reserved -= state_[i].reserved * back;
      open_[i].down -= state_[i].down * back;
    }
    open_queue_.mean_jobs -= queued_jobs_ * back;
    open_queue_.mean_gpus -= static_cast<double>(queued_gpus_) * back;
    accounted_until_ = end;
  }
  if (accounted_until_ < end) {
    if (last_sample_time_ < 0) sample(); // the run ended before the first sample
    account(end);
  }
  close_bucket(end);
}

} // namespace riftsim
