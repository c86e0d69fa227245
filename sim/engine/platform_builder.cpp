#include "engine/platform_builder.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace riftsim {

using NetPoint = simgrid::kernel::routing::NetPoint;

long long ClusterRuntime::free_gpus() const {
  if (cut_off) return 0;
  long long nodes = 0;
  for (size_t i = 0; i < hosts.size(); ++i)
    if (host_alloc[i] < 0 && hosts[i]->is_on()) nodes += nodes_up[i];
  return nodes * spec->gpus_per_node;
}

std::vector<int> ClusterRuntime::nodes_up_after_throttle(double to) const {
  std::vector<int> up = nodes_up;
  long long keep = std::llround(to * spec->nodes);
  long long total = 0;
  for (int n : up) total += n;
  for (size_t i = up.size(); i-- > 0 && total > keep;) {
    int take = static_cast<int>(std::min<long long>(up[i], total - keep));
    up[i] -= take;
    total -= take;
  }
  return up;
}

Bytes& BuiltPlatform::egress_this_month(const std::string& provider) {
  auto month = static_cast<long>(sg4::Engine::get_clock() / kSecondsPerBillingMonth);
  return bytes_out[{provider, month}];
}

std::vector<std::string> BuiltPlatform::links_down() const {
  std::vector<std::string> down;
  for (const auto& [name, p] : paths)
    if (!p.up) down.push_back(name);
  return down;
}

void configure_network_model() {
  // SimGrid's default (LV08) bounds TCP by a 4 MiB window and inflates latency 13x: a 1 GB transfer over
  // 100 Gbps / 30 ms takes 15 s instead of 0.11 s. Bulk WAN copies use many parallel streams, so the
  // pipe, not the window, is the limit: CM02 without window or cross-traffic gives size/bw + latency.
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");
}

namespace {

std::string wattage(double idle, double busy) {
  return fmt::format("{:.17g}:{:.17g}", idle, busy);
}

/// Host `i` of cluster `c`, standing for `n` nodes: their peak, power and count; recorded in `rt`.
sg4::Host* add_group_host(sg4::NetZone* zone, const ClusterSpec& c, ClusterRuntime& rt, int i, int n) {
  sg4::Host* h = zone->create_host(fmt::format("{}/{}", c.id, i), c.node_peak().raw() * n);
  h->set_property("wattage_per_state", wattage(c.node_power_idle.raw() * n, c.node_power_busy.raw() * n));
  h->set_property("wattage_off", "0");
  h->set_property("nodes", std::to_string(n));
  h->seal();
  rt.host_first_slot.push_back(static_cast<int>(rt.slot_job.size()));
  rt.slot_job.insert(rt.slot_job.end(), n, -1);
  rt.hosts.push_back(h);
  rt.host_nodes.push_back(n);
  rt.nodes_up.push_back(n);
  rt.host_alloc.push_back(-1);
  return h;
}

/// The spare pool and the signals jobs and the failure injector wait on.
void init_spares(const ClusterSpec& c, ClusterRuntime& rt) {
  rt.spares = c.failures ? c.failures->spares : 0;
  rt.busy_mutex = sg4::Mutex::create();
  rt.busy_cv = sg4::ConditionVariable::create();
}

/// A cluster is a star: every host has its own split-duplex link (its nodes' aggregate scale-out
/// bandwidth) to the cluster's gateway router.
std::pair<sg4::NetZone*, NetPoint*> build_cluster(const ClusterSpec& c, sg4::NetZone* region_zone,
                                                  ClusterRuntime& rt) {
  sg4::NetZone* zone = sg::new_star_zone(c.id, region_zone);
  NetPoint* gw = zone->create_router(c.id + "/gw");
  zone->add_route(gw, nullptr, nullptr, nullptr, {}, true);
  std::vector<int> groups = c.host_nodes();
  for (int i = 0; i < static_cast<int>(groups.size()); ++i) {
    int n = groups[static_cast<size_t>(i)];
    sg4::Host* h = add_group_host(zone, c, rt, i, n);
    sg4::Link* link =
        zone->create_split_duplex_link(h->get_name() + "/nic", c.node_network.raw() * n)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {{link, sg4::LinkInRoute::Direction::UP}},
                    true);
  }
  zone->seal();
  init_spares(c, rt);
  return {zone, gw};
}

/// A two-level fat-tree: `a` hosts per leaf switch and `b` leaf switches, each with a/oversubscription
/// uplinks, every link at a host's NIC bandwidth. Routes to a fat-tree's routers are empty in SimGrid,
/// so the first host is the zone's gateway.
std::pair<sg4::NetZone*, NetPoint*> build_fat_tree(const ClusterSpec& c, sg4::NetZone* region_zone,
                                                   ClusterRuntime& rt) {
  FatTreeShape shape = fat_tree_shape(c);
  sg4::FatTreeParams params(2, {shape.down, shape.leaves}, {1, shape.up}, {1, 1});
  auto make_host = [&c, &rt](sg4::NetZone* zone, const std::vector<unsigned long>&, unsigned long id) {
    // SimGrid creates a fat-tree's hosts in id order; the runtime's node slots rely on it.
    if (id != rt.hosts.size()) throw std::logic_error("fat-tree hosts created out of order");
    int first = static_cast<int>(id) * c.nodes_per_host;
    sg4::Host* h =
        add_group_host(zone, c, rt, static_cast<int>(id), std::min(c.nodes_per_host, c.nodes - first));
    return std::make_pair(h->get_netpoint(), static_cast<NetPoint*>(nullptr));
  };
  double nic = c.node_network.raw() * c.nodes_per_host;
  sg4::NetZone* zone =
      sg::new_fat_tree_zone(c.id, region_zone, params, sg4::ClusterCallbacks(make_host), nic);
  zone->seal();
  init_spares(c, rt);
  return {zone, rt.hosts.front()->get_netpoint()};
}

/// A rail-optimized cluster: every node has one NIC per rail, NIC r of every node on rail switch r; the
/// rail switches share a spine (the gateway) through uplinks of their hosts' bandwidth / oversubscription.
/// A host pair talks over one rail ((i + j) mod rails: pairs spread over the rails), a host reaches the
/// spine over rail i mod rails. A Full zone, routes listed pair by pair.
std::pair<sg4::NetZone*, NetPoint*> build_rail_optimized(const ClusterSpec& c, sg4::NetZone* region_zone,
                                                         ClusterRuntime& rt) {
  sg4::NetZone* zone = sg::new_full_zone(c.id, region_zone);
  NetPoint* spine = zone->create_router(c.id + "/spine");
  std::vector<NetPoint*> rail_switch;
  for (int r = 0; r < c.rails; ++r)
    rail_switch.push_back(zone->create_router(fmt::format("{}/rail-{}", c.id, r)));
  std::vector<std::vector<sg4::Link*>> nic; // [host][rail]
  std::vector<double> rail_down(static_cast<size_t>(c.rails), 0.0);
  int remaining = c.nodes;
  for (int i = 0; remaining > 0; ++i) {
    int n = std::min(remaining, c.nodes_per_host);
    remaining -= n;
    sg4::Host* h = add_group_host(zone, c, rt, i, n);
    const std::string& name = h->get_name();
    double per_rail = c.node_network.raw() * n / c.rails;
    nic.emplace_back();
    for (int r = 0; r < c.rails; ++r) {
      nic.back().push_back(
          zone->create_split_duplex_link(fmt::format("{}/rail-{}", name, r), per_rail)->seal());
      rail_down[static_cast<size_t>(r)] += per_rail;
    }
  }
  std::vector<sg4::Link*> rail_up;
  for (int r = 0; r < c.rails; ++r)
    rail_up.push_back(zone->create_link(fmt::format("{}/rail-{}/up", c.id, r),
                                        rail_down[static_cast<size_t>(r)] / c.oversubscription)
                          ->seal());
  using Dir = sg4::LinkInRoute::Direction;
  const auto hosts = rt.hosts.size();
  for (size_t i = 0; i < hosts; ++i) {
    size_t up = i % static_cast<size_t>(c.rails);
    zone->add_route(rt.hosts[i]->get_netpoint(), spine, nullptr, nullptr,
                    {{nic[i][up], Dir::UP}, sg4::LinkInRoute(rail_up[up])}, true);
    for (size_t j = i + 1; j < hosts; ++j) {
      size_t r = (i + j) % static_cast<size_t>(c.rails);
      zone->add_route(rt.hosts[i]->get_netpoint(), rt.hosts[j]->get_netpoint(), nullptr, nullptr,
                      {{nic[i][r], Dir::UP}, {nic[j][r], Dir::DOWN}}, true);
    }
  }
  zone->seal();
  init_spares(c, rt);
  return {zone, spine};
}

} // namespace

BuiltPlatform build_platform(const PlatformSpec& spec) {
  BuiltPlatform out;
  out.spec = &spec;
  sg4::NetZone* world = sg::new_full_zone("world", nullptr);
  std::map<std::string, std::pair<sg4::NetZone*, NetPoint*>> region_zones; // zone and gateway

  for (const auto& provider : spec.providers) {
    for (const auto& region : provider.regions) {
      sg4::NetZone* rz = sg::new_full_zone(region.id, world);
      // The storage zone holds the region's gateway, so WAN traffic enters the region through the
      // storage link: checkpoints and datasets travel store to store.
      sg4::NetZone* sz = sg::new_star_zone(region.id + "/storage-zone", rz);
      NetPoint* gw = sz->create_router(region.id + "/gw");
      sz->add_route(gw, nullptr, nullptr, nullptr, {}, true);
      sg4::Host* storage = sz->create_host(region.id + "/storage", 1e9);
      sg4::Disk* disk =
          storage->create_disk("store", region.storage_bandwidth.raw(), region.storage_bandwidth.raw());
      storage->set_property("wattage_per_state", "0:0");
      storage->set_property("wattage_off", "0");
      storage->seal();
      sg4::Link* storage_link =
          sz->create_link(region.id + "/storage-net", region.storage_bandwidth.raw())->seal();
      sz->add_route(storage->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(storage_link)},
                    true);
      sz->seal();

      RegionRuntime& rr = out.regions[region.id];
      rr.spec = &region;
      rr.provider = &provider;
      rr.disk = disk;
      rr.storage_link = storage_link;

      struct Built {
        sg4::NetZone* zone;
        NetPoint* gateway;
        sg4::Link* uplink;
      };
      std::vector<Built> built;
      for (const auto& cluster : region.clusters) {
        ClusterRuntime& cr = out.clusters[cluster.id];
        cr.spec = &cluster;
        cr.region = &rr;
        auto [cz, cgw] = cluster.topology == ClusterSpec::Topology::FatTree ? build_fat_tree(cluster, rz, cr)
                         : cluster.topology == ClusterSpec::Topology::RailOptimized
                             ? build_rail_optimized(cluster, rz, cr)
                             : build_cluster(cluster, rz, cr);
        // SimGrid forbids empty zone-to-zone routes: the cluster reaches its region's store through an
        // uplink as fast as the store itself.
        sg4::Link* uplink = rz->create_link(cluster.id + "/uplink", region.storage_bandwidth.raw())->seal();
        rz->add_route(cz->get_netpoint(), sz->get_netpoint(), cgw, gw, {sg4::LinkInRoute(uplink)}, true);
        built.push_back({cz, cgw, uplink});
      }
      // Clusters of one region reach each other up one uplink and down the other.
      for (size_t a = 0; a < built.size(); ++a)
        for (size_t b = a + 1; b < built.size(); ++b)
          rz->add_route(built[a].zone->get_netpoint(), built[b].zone->get_netpoint(), built[a].gateway,
                        built[b].gateway,
                        {sg4::LinkInRoute(built[a].uplink), sg4::LinkInRoute(built[b].uplink)}, true);
      rz->seal();
      region_zones[region.id] = {rz, gw};
    }
  }

  out.paths_mutex = sg4::Mutex::create();
  out.paths_changed = sg4::ConditionVariable::create();
  sg4::NetZone* lab = sg::new_full_zone("lab", world);
  out.control = lab->create_host("lab/control", 1e9);
  out.control->set_property("wattage_per_state", "0:0");
  out.control->set_property("wattage_off", "0");
  out.control->seal();
  lab->seal();

  for (const auto& l : spec.links) {
    auto [za, gwa] = region_zones.at(l.region_a);
    auto [zb, gwb] = region_zones.at(l.region_b);
    sg4::Link* link = world->create_link(l.name, l.bandwidth.raw())->set_latency(l.latency.raw())->seal();
    if (spec.link_between(l.region_a, l.region_b) == &l)
      world->add_route(za->get_netpoint(), zb->get_netpoint(), gwa, gwb, {sg4::LinkInRoute(link)}, true);
    // Copies on this path go between its own two endpoints, through the same links a store-to-store
    // route crosses, so they share bandwidth with everything else on them.
    WanPathRuntime& p = out.paths[l.name];
    p.spec = &l;
    p.link = link;
    // In the world zone routes join zones, so each endpoint is a zone holding one host.
    std::map<std::string, sg4::NetZone*> ends;
    auto endpoint = [&](const std::string& region) {
      std::string name = l.name + "@" + region;
      sg4::NetZone* z = sg::new_full_zone(name + "-zone", world);
      sg4::Host* h = z->create_host(name, 1e9);
      h->set_property("wattage_per_state", "0:0");
      h->set_property("wattage_off", "0");
      h->seal();
      z->seal();
      ends[region] = z;
      return h;
    };
    p.end_a = endpoint(l.region_a);
    p.end_b = endpoint(l.region_b);
    std::vector<sg4::LinkInRoute> hops = {sg4::LinkInRoute(out.regions.at(l.region_a).storage_link),
                                          sg4::LinkInRoute(link)};
    if (l.per_flow) {
      // A per-flow cap is a FATPIPE link: every flow through it gets up to its bandwidth, unshared.
      // (Comm::set_rate would say the same, but SimGrid 3.32 ignores it on host-to-host Comms.)
      hops.emplace_back(world->create_link(l.name + "/per-flow", l.per_flow->raw())
                            ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                            ->seal());
    }
    hops.emplace_back(out.regions.at(l.region_b).storage_link);
    world->add_route(ends[l.region_a]->get_netpoint(), ends[l.region_b]->get_netpoint(),
                     p.end_a->get_netpoint(), p.end_b->get_netpoint(), hops, true);
  }
  world->seal();
  return out;
}

} // namespace riftsim
