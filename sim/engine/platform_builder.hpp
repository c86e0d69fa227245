#pragma once
// Builds the SimGrid platform from the platform spec with the S4U API, as model/platform_plan.hpp plans
// it (the zone tree is drawn there), and keeps what the engine needs of it: each region's store, each
// cluster's hosts and node slots, each WAN path.
#include "engine/sg_compat.hpp"
#include "model/platform.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace riftsim {

namespace sg4 = simgrid::s4u;

struct RegionRuntime {
  const RegionSpec* spec = nullptr;
  const ProviderSpec* provider = nullptr;
  sg4::Disk* disk = nullptr;
  sg4::Link* storage_link = nullptr; // between the store and the region's gateway
};

/// A WAN path as SimGrid sees it: one link, and an endpoint host at each end standing for the region's
/// store on that path. Each path has its own endpoints because SimGrid keeps one route per pair of
/// zones, and two regions may be joined by several paths.
class WanTransfer;
struct WanPathRuntime {
  const WanLinkSpec* spec = nullptr;
  sg4::Link* link = nullptr;
  bool up = true;
  std::set<WanTransfer*> users; // copies with a stream on it now (a link_down snapshots their progress)
  sg4::Host* end_a = nullptr;   // in spec->region_a
  sg4::Host* end_b = nullptr;
  sg4::Host* end_at(const std::string& region_id) const {
    return region_id == spec->region_a ? end_a : end_b;
  }
};

struct ClusterRuntime {
  const ClusterSpec* spec = nullptr;
  const RegionRuntime* region = nullptr;
  std::vector<sg4::Host*> hosts; // each stands for host_nodes[i] nodes
  std::vector<int> host_nodes;
  std::vector<int> nodes_up;        // of each host's nodes, those the tenant still has (a throttle takes
                                    // nodes from the end, so a host may keep only some; none: it is off)
  std::vector<int> host_alloc;      // the allocation holding each host (one job at a time), or -1
  std::vector<int> host_first_slot; // index of each host's first node in the cluster
  std::vector<int> slot_job;        // per node: the id of the job using it, or -1
  // Times each host was turned off (a cutoff, a throttle): an Exec started on it before the last of
  // them has failed, whether or not the host is back on (its s4u state still says STARTED).
  std::vector<unsigned> host_went_off;
  unsigned hosts_went_off = 0; // the sum of host_went_off: unchanged, none of its hosts went off
  bool cut_off = false;
  // The nodes the provider has taken back (a cut-off: all; a throttle: those it took), counted by
  // set_supply whenever cut_off or nodes_up change (the utilization sampler reads it every hour).
  int nodes_taken = 0;
  // The tenant first asked for capacity here at `requested_at`: nodes arrive from then on as the
  // cluster's capacity model says (lead time, ramp, quota), and stay the tenant's.
  std::optional<double> requested_at;
  // With a failure model: healthy spare nodes (the capacity controller's), and nodes of idle standbys
  // that failed when no spare was left (a repaired node goes back to them, not to the spares).
  int spares = 0;
  int owed_to_standbys = 0;
  sg4::MutexPtr busy_mutex;          // with busy_cv
  sg4::ConditionVariablePtr busy_cv; // a job took hosts here (the failure injector sleeps until then)
  int hosts_in_use = 0;
  // Bumped by every change to host_alloc or slot_job (capacity.cpp): held_nodes() and the controller's
  // checks count a cluster's holdings again only when they changed.
  std::uint64_t holdings_version = 0;
  double price_factor = 1.0; // price events: node-hours cost this times the list price
  // A grant event: from `granted_at` on, nodes arrive after `grant_lead` as `grant_capacity` says.
  std::optional<double> granted_at;
  Seconds grant_lead;
  CapacitySpec grant_capacity;

  bool busy() const { return hosts_in_use > 0; }
  /// The nodes held by a job or a reservation (slot_job set): counted again only when holdings_version
  /// moved (the scheduler asks after every message, the sampler every hour).
  int held_nodes() const;
  /// What the provider supplies: cut off or not, and each host's nodes left to the tenant.
  void set_supply(bool cut, std::vector<int> up);
  long long free_gpus() const;
  /// Each host's nodes left to the tenant once a throttle to `to` of the cluster's nodes takes
  /// round(to x nodes) whole nodes away from the end of the cluster.
  std::vector<int> nodes_up_after_throttle(double to) const;

private:
  mutable std::uint64_t held_counted_at_ = ~std::uint64_t{0};
  mutable int held_ = 0;

public:
  /// Of the GPUs a job has on host `i` (its first `nodes` nodes), those the tenant still has.
  long long gpus_left(size_t i, int nodes) const {
    return hosts[i]->is_on() ? static_cast<long long>(std::min(nodes, nodes_up[i])) * spec->gpus_per_node : 0;
  }
};

struct BuiltPlatform {
  const PlatformSpec* spec = nullptr;
  std::map<std::string, RegionRuntime> regions;   // by region id
  std::map<std::string, ClusterRuntime> clusters; // by cluster id
  std::map<std::string, WanPathRuntime> paths;    // by link name
  sg4::MutexPtr paths_mutex;                      // with paths_changed
  sg4::ConditionVariablePtr paths_changed;        // a link came back up
  std::vector<std::string> links_down() const;
  sg4::Host* control = nullptr;
  /// The tenant's bytes sent out of `provider` over the internet so far in the current billing month,
  /// for the egress tiers, which start over every month (months of 730 h from the start of the run).
  Bytes& egress_this_month(const std::string& provider);
  std::map<std::pair<std::string, long>, Bytes> bytes_out; // by provider and billing month
  ClusterRuntime& cluster(const std::string& id) { return clusters.at(id); }
};

/// Sets the network model so that S bytes over bandwidth B take S/B + latency (docs/simgrid-notes.md).
/// Must run before the platform exists.
void configure_network_model();

/// Builds every zone, host, disk and link. The energy plugin must be initialised before.
BuiltPlatform build_platform(const PlatformSpec& spec);

} // namespace riftsim
