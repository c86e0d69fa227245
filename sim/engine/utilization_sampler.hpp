#pragma once
// Samples the tenant's capacity while the simulation runs: per cluster, nodes delivered, busy,
// reserved (decided, not yet delivered) and down, and the queue, several times per bucket; the
// cluster's energy from SimGrid's plugin at each bucket's end. Bounded memory: one row per cluster per
// bucket (a day by default), whatever the number of jobs.
#include "accounting/capacity_use.hpp"
#include "engine/runtime.hpp"

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace riftsim {

class CapacityController;

class UtilizationSampler {
public:
  UtilizationSampler(BuiltPlatform& platform, const CapacityController& controller,
                     std::vector<JobRuntime*> jobs, Seconds bucket, int samples_per_bucket = 24);
  /// The actor's body (a daemon: it ends with the simulation).
  void operator()();
  /// Closes the last, partial bucket at the end of the run; then the rows are complete.
  void finish(double end);
  std::vector<UtilizationRow> utilization;
  std::vector<QueueRow> queue;

private:
  void sample();
  void account(double until);
  void close_bucket(double end);
  std::vector<double> cluster_energy() const;

  BuiltPlatform& platform_;
  const CapacityController& controller_;
  std::vector<JobRuntime*> jobs_; // the jobs that may still hold nodes: a finished one is dropped
  double bucket_;
  double step_;
  double bucket_start_ = 0;
  double accounted_until_ = 0;
  double last_sample_time_ = -1;
  bool finished_ = false;
  std::vector<ClusterRuntime*> clusters_;
  std::unordered_map<const ClusterRuntime*, size_t> cluster_index_; // into clusters_
  std::vector<UtilizationRow> open_;
  std::vector<double> energy_at_start_;
  QueueRow open_queue_;
  // The state seen at the last sample, held until the next.
  std::vector<UtilizationRow> state_;
  int queued_jobs_ = 0;
  long long queued_gpus_ = 0;
};

} // namespace riftsim
