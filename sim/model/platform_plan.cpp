#include "model/platform_plan.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace riftsim {

std::string storage_host_name(const RegionSpec& r) {
  return r.id + "/storage";
}

std::string storage_link_name(const RegionSpec& r) {
  return r.id + "/storage-net";
}

std::string wan_end_host_name(const WanLinkSpec& l, const std::string& region_id) {
  return l.name + "@" + region_id;
}

namespace {

std::string region_gateway(const RegionSpec& r) {
  return r.id + "/gw";
}

/// Host `i` of cluster `c`, standing for `n` nodes: their peak and power.
PlanHost group_host(const ClusterSpec& c, int i, int n) {
  return {fmt::format("{}/{}", c.id, i),
          c.node_peak().raw() * n,
          c.node_power_idle.raw() * n,
          c.node_power_busy.raw() * n,
          n,
          0};
}

/// A host that stands for no node (a store, the control host, a WAN endpoint): no power of its own.
PlanHost service_host(const std::string& name, double disk_bandwidth = 0) {
  return {name, 1e9, 0, 0, 0, disk_bandwidth};
}

/// A star: every host has its own split-duplex link (its nodes' aggregate scale-out bandwidth) to the
/// cluster's gateway router.
std::shared_ptr<PlanZone> star_cluster(const ClusterSpec& c) {
  auto z = std::make_shared<PlanZone>();
  z->id = c.id;
  z->routing = PlanRouting::Star;
  z->gateway = c.id + "/gw";
  z->items.emplace_back(PlanRouter{z->gateway});
  z->items.emplace_back(PlanRoute{z->gateway, "", "", "", {}});
  std::vector<int> groups = c.host_nodes();
  for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
    PlanHost h = group_host(c, i, groups[static_cast<size_t>(i)]);
    std::string name = h.name, nic = h.name + "/nic";
    double bandwidth = c.node_network.raw() * h.nodes;
    z->items.emplace_back(std::move(h));
    z->items.emplace_back(PlanLink{nic, bandwidth, 0, PlanSharing::SplitDuplex});
    z->items.emplace_back(PlanRoute{name, "", "", "", {{nic, PlanDirection::Up}}});
  }
  return z;
}

/// A two-level fat-tree: `a` hosts per leaf switch and `b` leaf switches, each with a/oversubscription
/// uplinks, every link at a host's NIC bandwidth. Routes to a fat-tree's routers are empty in SimGrid,
/// so the first host is the zone's gateway.
std::shared_ptr<PlanZone> fat_tree_cluster(const ClusterSpec& c) {
  auto z = std::make_shared<PlanZone>();
  z->id = c.id;
  z->routing = PlanRouting::FatTree;
  z->fat_tree = fat_tree_shape(c);
  z->fat_tree_bandwidth = c.node_network.raw() * c.nodes_per_host;
  for (int i = 0; i < c.host_count(); ++i)
    z->items.emplace_back(group_host(c, i, std::min(c.nodes_per_host, c.nodes - i * c.nodes_per_host)));
  z->gateway = std::get<PlanHost>(z->items.front()).name;
  return z;
}

/// A rail-optimized cluster: every node has one NIC per rail, NIC r of every node on rail switch r; the
/// rail switches share a spine (the gateway) through uplinks of their hosts' bandwidth / oversubscription.
/// A host pair talks over one rail ((i + j) mod rails: pairs spread over the rails), a host reaches the
/// spine over rail i mod rails. A Full zone, routes listed pair by pair.
std::shared_ptr<PlanZone> rail_cluster(const ClusterSpec& c) {
  auto z = std::make_shared<PlanZone>();
  z->id = c.id;
  z->gateway = c.id + "/spine";
  z->items.emplace_back(PlanRouter{z->gateway});
  for (int r = 0; r < c.rails; ++r) z->items.emplace_back(PlanRouter{fmt::format("{}/rail-{}", c.id, r)});
  std::vector<std::string> hosts;
  std::vector<double> rail_down(static_cast<size_t>(c.rails), 0.0);
  std::vector<int> groups = c.host_nodes();
  for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
    PlanHost h = group_host(c, i, groups[static_cast<size_t>(i)]);
    double per_rail = c.node_network.raw() * h.nodes / c.rails;
    hosts.push_back(h.name);
    z->items.emplace_back(std::move(h));
    for (int r = 0; r < c.rails; ++r) {
      z->items.emplace_back(
          PlanLink{fmt::format("{}/rail-{}", hosts.back(), r), per_rail, 0, PlanSharing::SplitDuplex});
      rail_down[static_cast<size_t>(r)] += per_rail;
    }
  }
  for (int r = 0; r < c.rails; ++r)
    z->items.emplace_back(PlanLink{fmt::format("{}/rail-{}/up", c.id, r),
                                   rail_down[static_cast<size_t>(r)] / c.oversubscription});
  const auto rails = static_cast<size_t>(c.rails);
  for (size_t i = 0; i < hosts.size(); ++i) {
    size_t up = i % rails;
    z->items.emplace_back(PlanRoute{hosts[i],
                                    z->gateway,
                                    "",
                                    "",
                                    {{fmt::format("{}/rail-{}", hosts[i], up), PlanDirection::Up},
                                     {fmt::format("{}/rail-{}/up", c.id, up), PlanDirection::None}}});
    for (size_t j = i + 1; j < hosts.size(); ++j) {
      size_t r = (i + j) % rails;
      z->items.emplace_back(PlanRoute{hosts[i],
                                      hosts[j],
                                      "",
                                      "",
                                      {{fmt::format("{}/rail-{}", hosts[i], r), PlanDirection::Up},
                                       {fmt::format("{}/rail-{}", hosts[j], r), PlanDirection::Down}}});
    }
  }
  return z;
}

std::shared_ptr<PlanZone> cluster_zone(const ClusterSpec& c) {
  switch (c.topology) {
  case ClusterSpec::Topology::FatTree:
    return fat_tree_cluster(c);
  case ClusterSpec::Topology::RailOptimized:
    return rail_cluster(c);
  case ClusterSpec::Topology::Star:
    break;
  }
  return star_cluster(c);
}

std::shared_ptr<PlanZone> region_zone(const RegionSpec& region) {
  auto rz = std::make_shared<PlanZone>();
  rz->id = region.id;
  rz->gateway = region_gateway(region);
  // The storage zone holds the region's gateway, so WAN traffic enters the region through the storage
  // link: checkpoints and datasets travel store to store.
  auto sz = std::make_shared<PlanZone>();
  sz->id = region.id + "/storage-zone";
  sz->routing = PlanRouting::Star;
  sz->gateway = rz->gateway;
  sz->items.emplace_back(PlanRouter{sz->gateway});
  sz->items.emplace_back(PlanRoute{sz->gateway, "", "", "", {}});
  sz->items.emplace_back(service_host(storage_host_name(region), region.storage_bandwidth.raw()));
  sz->items.emplace_back(PlanLink{storage_link_name(region), region.storage_bandwidth.raw()});
  sz->items.emplace_back(PlanRoute{storage_host_name(region), "", "", "", {{storage_link_name(region)}}});
  rz->items.emplace_back(sz);
  // SimGrid forbids empty zone-to-zone routes: a cluster reaches its region's store through an uplink as
  // fast as the store itself.
  std::vector<std::pair<std::string, std::string>> clusters; // zone id, gateway
  for (const auto& c : region.clusters) {
    auto cz = cluster_zone(c);
    clusters.emplace_back(cz->id, cz->gateway);
    rz->items.emplace_back(cz);
    rz->items.emplace_back(PlanLink{c.id + "/uplink", region.storage_bandwidth.raw()});
    rz->items.emplace_back(
        PlanRoute{c.id, sz->id, clusters.back().second, sz->gateway, {{c.id + "/uplink"}}});
  }
  // Clusters of one region reach each other up one uplink and down the other.
  for (size_t a = 0; a < clusters.size(); ++a)
    for (size_t b = a + 1; b < clusters.size(); ++b)
      rz->items.emplace_back(PlanRoute{clusters[a].first,
                                       clusters[b].first,
                                       clusters[a].second,
                                       clusters[b].second,
                                       {{clusters[a].first + "/uplink"}, {clusters[b].first + "/uplink"}}});
  return rz;
}

/// A zone holding one host: in the world zone routes join zones, so a WAN endpoint is a zone.
std::shared_ptr<PlanZone> one_host_zone(const std::string& host) {
  auto z = std::make_shared<PlanZone>();
  z->id = host + "-zone";
  z->gateway = host;
  z->items.emplace_back(service_host(host));
  return z;
}

} // namespace

PlanZone plan_platform(const PlatformSpec& spec) {
  PlanZone world;
  world.id = "world";
  for (const auto& provider : spec.providers)
    for (const auto& region : provider.regions) world.items.emplace_back(region_zone(region));
  auto lab = std::make_shared<PlanZone>();
  lab->id = "lab";
  lab->items.emplace_back(service_host(kControlHostName));
  world.items.emplace_back(lab);
  for (const auto& l : spec.links) {
    const RegionSpec& a = *spec.find_region(l.region_a);
    const RegionSpec& b = *spec.find_region(l.region_b);
    world.items.emplace_back(PlanLink{l.name, l.bandwidth.raw(), l.latency.raw()});
    if (spec.link_between(l.region_a, l.region_b) == &l)
      world.items.emplace_back(PlanRoute{a.id, b.id, region_gateway(a), region_gateway(b), {{l.name}}});
    // Copies on this path go between its own two endpoints, through the same links a store-to-store
    // route crosses, so they share bandwidth with everything else on them.
    auto end_a = one_host_zone(wan_end_host_name(l, a.id));
    auto end_b = one_host_zone(wan_end_host_name(l, b.id));
    world.items.emplace_back(end_a);
    world.items.emplace_back(end_b);
    std::vector<PlanHop> hops = {{storage_link_name(a)}, {l.name}};
    if (l.per_flow) {
      // A per-flow cap is a FATPIPE link: every flow through it gets up to its bandwidth, unshared.
      // (Comm::set_rate would say the same, but SimGrid 3.32 ignores it on host-to-host Comms.)
      world.items.emplace_back(PlanLink{l.name + "/per-flow", l.per_flow->raw(), 0, PlanSharing::FatPipe});
      hops.push_back({l.name + "/per-flow"});
    }
    hops.push_back({storage_link_name(b)});
    world.items.emplace_back(PlanRoute{end_a->id, end_b->id, end_a->gateway, end_b->gateway, hops});
  }
  return world;
}

} // namespace riftsim
