#pragma once
// How the tenant's capacity was used over a run, cluster by cluster and day by day, and what its
// reservations cost and saved: the planner's view (utilization.csv, queue.csv, the portfolio section
// of summary.json; docs/outputs.md). Pure bookkeeping: the engine samples, output writes.
#include "accounting/ledger.hpp"

#include <string>
#include <vector>

namespace riftsim {

/// One cluster over one time bucket: time-averaged nodes in each state, and the cluster's mean power.
struct UtilizationRow {
  std::string cluster;
  std::string provider;
  double start = 0; // s, the bucket's start
  double length = 0;
  int nodes = 0;        // the cluster's size
  double delivered = 0; // the tenant's nodes there (on demand, granted, reserved)
  double busy = 0;      // held by a job that trains or stands by on them
  double reserved = 0;  // held by a decision, not yet delivered (lead time)
  double down = 0;      // failed, throttled away or cut off
  double power_w = 0;   // of the cluster's hosts, from SimGrid's energy plugin
};

/// The queue over one time bucket: jobs (and the GPUs they ask for) waiting for the scheduler.
struct QueueRow {
  double start = 0;
  double length = 0;
  double mean_jobs = 0;
  double mean_gpus = 0;
  int max_jobs = 0;
};

/// A reservation bought in advance: billed for its whole term, used or not. The node-hours jobs spent on
/// its nodes were billed to them at the on-demand price (their tenures); `covered` is that part, which
/// the tenant does not pay twice.
struct ReservationUse {
  std::string name;
  std::string cluster;
  std::string provider;
  int nodes = 0;
  Seconds from;
  Seconds to;
  UsdPerHour price; // per node-hour
  Usd covered;      // on-demand cost of the jobs' node-hours its nodes covered
  double used_node_hours = 0;
  Usd cost() const { return price * (to - from) * static_cast<double>(nodes); }
  double utilization() const {
    double hours = (to - from).raw() / kSecondsPerHour * nodes;
    return hours > 0 ? used_node_hours / hours : 0;
  }
};

/// What `tenures` (every job's, on any cluster) used of a reservation of `nodes` nodes on `cluster` from
/// `from` to `to`: at each instant min(nodes held there, nodes reserved), valued at the held nodes'
/// average on-demand price. Fills `covered` and `used_node_hours`.
void account_reservation(ReservationUse& r, const std::vector<const Tenure*>& tenures);

} // namespace riftsim
