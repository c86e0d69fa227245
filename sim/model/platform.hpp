#pragma once
// What the platform file describes: providers, their regions and GPU clusters, and the WAN links
// between regions. Plain data, no SimGrid: the engine builds its zones and hosts from these.
#include "core/input_error.hpp"
#include "core/units.hpp"
#include "model/catalog.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

/// One traced node failure: when, and which node of the cluster (0-based).
struct TracedFailure {
  Seconds at;
  int node = 0;
};

/// Random (or replayed) node failures of a cluster, and how failed nodes are replaced.
struct FailureSpec {
  enum class Distribution { Exponential, Weibull };
  Seconds node_mtbf; // mean time between failures of one node, counting correlated failures
  // Failures of a whole job whatever its size (software bugs, collective-library hangs, storage): the
  // mean time between them for one job on the cluster; none if not given.
  std::optional<Seconds> job_mtbf;
  Distribution distribution = Distribution::Exponential;
  double shape = 1.0;             // Weibull shape k (k < 1: infant mortality)
  double correlated_fraction = 0; // share of failure events that take down a whole group
  /// Mean time between failure events drawn for each node: node_mtbf is what a node sees in all, its
  /// own events and a share of its group's, so events are 1 + f(k − 1) times rarer.
  Seconds event_mtbf() const { return node_mtbf * (1 + correlated_fraction * (correlated_nodes - 1)); }
  int correlated_nodes = 1;         // nodes in such a group (a rack, a switch)
  std::vector<TracedFailure> trace; // if not empty: replayed instead of drawn
  int spares = 0;                   // healthy spare nodes a failed node is replaced with
  Seconds repair_time;              // until a failed node is back as a spare
};

/// How capacity arrives for a tenant who asks for it: nothing until the lead time, then `initial`
/// nodes, then `ramp_nodes` more every `ramp_every`, up to the quota.
struct CapacitySpec {
  int quota = 0; // nodes the tenant can have at most (default: the cluster's nodes)
  int initial = 0;
  int ramp_nodes = 0;
  Seconds ramp_every;
  /// Nodes delivered `since_request` after asking (lead time included).
  int available(Seconds since_request, Seconds lead_time) const;
  /// When the whole quota is there.
  Seconds full_after(Seconds lead_time) const;
  /// How long after asking `nodes` nodes are there (lead time included); infinite above the quota.
  Seconds time_for(int nodes, Seconds lead_time) const;
  /// Nodes held at once from `from` to `to`, times measured from the start of the schedule.
  struct Held {
    Seconds from;
    Seconds to;
    int nodes = 0;
  };
  /// The nodes delivered between `from` and `to` (from the schedule's start), up to `need`: what a
  /// tenant who takes every node as it arrives holds, in steps.
  std::vector<Held> held_between(int need, Seconds lead_time, Seconds from, Seconds to) const;
};

struct ClusterSpec {
  std::string id;       // "provider/region/cluster", the name scenarios use
  std::string provider; // "azure"
  std::string region;   // "azure/eastus"
  std::string name;     // "nd-a100-v4"
  std::string instance; // the provider's instance type, e.g. "ND96amsr_A100_v4"
  std::string accelerator;
  int nodes = 0;
  int gpus_per_node = 0;
  FlopsPerSecond gpu_peak;     // dense BF16 peak per accelerator
  BytesPerSecond node_network; // scale-out bandwidth per node
  // For the step model (model/training_speed.hpp); 0 = unknown, then only jobs with `mfu` can run here.
  BytesPerSecond scale_up_bandwidth; // inside a node, per accelerator and direction (NVLink/NVSwitch)
  BytesPerSecond memory_bandwidth;   // HBM, per accelerator
  Bytes gpu_memory;                  // HBM size, per accelerator
  double matmul_efficiency = 0;      // best-shape matmul throughput / peak
  Watts node_power_idle;
  Watts node_power_busy;
  UsdPerHour node_price;                   // per node (instance) hour, on the pricing kind below
  PriceKind pricing = PriceKind::OnDemand; // what every tenure here is billed at
  std::string price_as_of;                 // when node_price was read, and where (empty: not given)
  std::string price_source;
  Seconds lead_time;      // from asking for capacity to having it, for a tenant arriving from elsewhere
  int nodes_per_host = 0; // how many nodes one simulated host stands for (resolved, never 0 after loading)
  std::optional<FailureSpec> failures;
  CapacitySpec capacity;
  enum class Topology { Star, FatTree, RailOptimized } topology = Topology::Star; // the cluster's fabric
  double oversubscription = 1; // fat-tree, rail-optimized: switch downlink over uplink bandwidth
  int rails = 0; // rail-optimized: rail switches, one per NIC of a node (default: GPUs per node)
  SourcePos pos;
  // Why this cluster has no SimGrid XML (a fat-tree whose last host stands for fewer nodes: a <cluster>
  // gives every host the same speed), located where the loader would say a conflict of the two keys:
  // the engine runs it, `platform export` refuses it with this.
  std::optional<InputError> xml_export_error;

  FlopsPerSecond node_peak() const { return gpu_peak * gpus_per_node; }
  long long total_gpus() const { return static_cast<long long>(nodes) * gpus_per_node; }
  int host_count() const { return (nodes + nodes_per_host - 1) / nodes_per_host; }
  /// Nodes each simulated host stands for, in host order (the last may stand for fewer).
  std::vector<int> host_nodes() const;
};

/// A two-level fat-tree of a cluster's hosts: `down` hosts per leaf switch, `leaves` leaf switches,
/// each with `up` uplinks to as many top switches (down / oversubscription), every link at a host's NIC
/// bandwidth. The same shape for the SimGrid build and the XML export.
struct FatTreeShape {
  unsigned down = 1;
  unsigned leaves = 1;
  unsigned up = 1;
  std::string topo_parameters() const; // SimGrid's "2;down,leaves;1,up;1,1"
};
FatTreeShape fat_tree_shape(const ClusterSpec& c);

/// Where a price given in a platform file comes from, and the date it was read (YYYY-MM-DD); empty when
/// the file does not say.
struct PriceOrigin {
  std::string as_of;
  std::string source;
};

struct RegionSpec {
  std::string id;                   // "azure/eastus"
  std::string provider;             // "azure"
  std::string name;                 // "eastus"
  BytesPerSecond storage_bandwidth; // the regional checkpoint / dataset store, read and write
  double pue = 1.0;                 // power usage effectiveness of the provider's data centres there
  double carbon_g_per_kwh = 0;      // grid carbon intensity, location-based
  UsdPerGBMonth storage_price;      // the regional store, per GB held a month
  PriceOrigin storage_price_origin;
  std::vector<std::string> offers; // instance types a tenant can rent there (informative)
  std::vector<ClusterSpec> clusters;
  SourcePos pos;
};

/// Internet egress is billed in tiers: the first `up_to` bytes at one price, the next at another...
struct EgressTier {
  Bytes up_to; // cumulative bytes out of the provider this tier ends at (the last tier: unbounded)
  UsdPerGB price;
};

struct ProviderSpec {
  std::string name;
  UsdPerGB egress;               // first-tier internet egress list price
  std::vector<EgressTier> tiers; // all tiers, in order (one unbounded tier when the file gives one price)
  PriceOrigin egress_origin;
  /// What `more` bytes cost after `already` bytes have left the provider.
  Usd egress_cost(Bytes already, Bytes more) const;
  std::vector<RegionSpec> regions;
  SourcePos pos;
};

/// A network path between two regions. Several may join the same two regions (the public internet
/// and a dedicated interconnect, say); the first listed is the default, and a scenario can name
/// another. Each is one SimGrid link, shared by every copy on it.
struct WanLinkSpec {
  enum class Kind { Internet, Interconnect };
  std::string name;
  std::string region_a; // region ids
  std::string region_b;
  Kind kind = Kind::Internet;
  BytesPerSecond bandwidth;
  Seconds latency;
  std::optional<BytesPerSecond> per_flow; // the most one stream (TCP flow) gets, where documented
  UsdPerHour port_price;                  // interconnect: what holding its ports costs, per hour
  std::optional<UsdPerGB> egress;         // data out over this path, instead of the internet tiers
  PriceOrigin prices_origin;              // of port_price and egress
  SourcePos pos;

  bool joins(const std::string& a, const std::string& b) const {
    return (region_a == a && region_b == b) || (region_a == b && region_b == a);
  }
  /// What `streams` parallel streams can get through it, ignoring other traffic.
  BytesPerSecond stream_bandwidth(int streams) const {
    return per_flow ? std::min(bandwidth, *per_flow * static_cast<double>(streams)) : bandwidth;
  }
};
const char* link_kind_name(WanLinkSpec::Kind k);

struct PlatformSpec {
  std::string file;
  std::string extends;                        // the platform file this one builds on (`extends:`), or empty
  std::shared_ptr<const CatalogSpec> catalog; // optional; clusters inherit their instance type's numbers
  std::vector<ProviderSpec> providers;
  std::vector<WanLinkSpec> links;

  const ProviderSpec* find_provider(const std::string& name) const;
  const RegionSpec* find_region(const std::string& id) const;
  const ClusterSpec* find_cluster(const std::string& id) const;
  /// The default path between two regions (the first link listed), or null.
  const WanLinkSpec* link_between(const std::string& region_a, const std::string& region_b) const;
  /// Every link joining the two regions that is not `down`, the `preferred` ones (by name) first in
  /// their order, then the others in the file's order: the paths a copy tries.
  std::vector<const WanLinkSpec*> paths_between(const std::string& region_a, const std::string& region_b,
                                                const std::vector<std::string>& preferred,
                                                const std::vector<std::string>& down = {}) const;
  /// The first of paths_between, or null.
  const WanLinkSpec* path_between(const std::string& region_a, const std::string& region_b,
                                  const std::vector<std::string>& preferred,
                                  const std::vector<std::string>& down = {}) const;
  const WanLinkSpec* find_link(const std::string& name) const;
};

} // namespace riftsim
