#include "engine/platform_builder.hpp"

#include "model/platform_plan.hpp"

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

int ClusterRuntime::held_nodes() const {
  if (held_counted_at_ != holdings_version) {
    held_ = static_cast<int>(std::count_if(slot_job.begin(), slot_job.end(), [](int j) { return j >= 0; }));
    held_counted_at_ = holdings_version;
  }
  return held_;
}

void ClusterRuntime::set_supply(bool cut, std::vector<int> up) {
  cut_off = cut;
  nodes_up = std::move(up);
  nodes_taken = 0;
  for (size_t h = 0; h < hosts.size(); ++h)
    nodes_taken += cut_off ? host_nodes[h] : host_nodes[h] - nodes_up[h];
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

/// Creates a PlanZone with S4U calls, item by item in the plan's order, and keeps what it made by name.
class PlanBuilder {
public:
  std::map<std::string, sg4::Host*> hosts;
  std::map<std::string, sg4::Link*> links;
  std::map<std::string, std::vector<std::pair<sg4::Host*, int>>> cluster_hosts; // zone id -> host, nodes

  sg4::NetZone* build(const PlanZone& plan, sg4::NetZone* parent) {
    if (plan.routing == PlanRouting::FatTree) return build_fat_tree(plan, parent);
    sg4::NetZone* zone = plan.routing == PlanRouting::Star ? sg::new_star_zone(plan.id, parent)
                                                           : sg::new_full_zone(plan.id, parent);
    zones_[plan.id] = zone;
    for (const PlanItem& item : plan.items) {
      if (const auto* h = std::get_if<PlanHost>(&item)) {
        add_host(zone, plan.id, *h);
      } else if (const auto* l = std::get_if<PlanLink>(&item)) {
        add_link(zone, *l);
      } else if (const auto* r = std::get_if<PlanRouter>(&item)) {
        points_[r->name] = zone->create_router(r->name);
      } else if (const auto* z = std::get_if<std::shared_ptr<PlanZone>>(&item)) {
        build(**z, zone);
      } else {
        add_route(zone, std::get<PlanRoute>(item));
      }
    }
    zone->seal();
    return zone;
  }

private:
  std::map<std::string, sg4::NetZone*> zones_;
  std::map<std::string, NetPoint*> points_; // hosts and routers

  sg4::Host* add_host(sg4::NetZone* zone, const std::string& zone_id, const PlanHost& p) {
    sg4::Host* h = zone->create_host(p.name, p.speed);
    if (p.disk_bandwidth > 0) h->create_disk(kStoreDiskName, p.disk_bandwidth, p.disk_bandwidth);
    h->set_property("wattage_per_state", wattage(p.watts_idle, p.watts_busy));
    h->set_property("wattage_off", "0");
    if (p.nodes > 0) {
      h->set_property("nodes", std::to_string(p.nodes));
      cluster_hosts[zone_id].emplace_back(h, p.nodes);
    }
    h->seal();
    hosts[p.name] = h;
    points_[p.name] = h->get_netpoint();
    return h;
  }

  void add_link(sg4::NetZone* zone, const PlanLink& p) {
    sg4::Link* l = p.sharing == PlanSharing::SplitDuplex ? zone->create_split_duplex_link(p.name, p.bandwidth)
                                                         : zone->create_link(p.name, p.bandwidth);
    if (p.latency != 0) l->set_latency(p.latency);
    if (p.sharing == PlanSharing::FatPipe) l->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE);
    links[p.name] = l->seal();
  }

  void add_route(sg4::NetZone* zone, const PlanRoute& r) {
    std::vector<sg4::LinkInRoute> hops;
    for (const PlanHop& hop : r.hops) {
      sg4::Link* l = links.at(hop.link);
      if (hop.direction == PlanDirection::None)
        hops.emplace_back(l);
      else
        hops.emplace_back(l, hop.direction == PlanDirection::Up ? sg4::LinkInRoute::Direction::UP
                                                                : sg4::LinkInRoute::Direction::DOWN);
    }
    if (!r.gw_src.empty())
      zone->add_route(zones_.at(r.src)->get_netpoint(), zones_.at(r.dst)->get_netpoint(),
                      points_.at(r.gw_src), points_.at(r.gw_dst), hops, true);
    else
      zone->add_route(points_.at(r.src), r.dst.empty() ? nullptr : points_.at(r.dst), nullptr, nullptr, hops,
                      true);
  }

  sg4::NetZone* build_fat_tree(const PlanZone& plan, sg4::NetZone* parent) {
    const FatTreeShape& shape = plan.fat_tree;
    sg4::FatTreeParams params(2, {shape.down, shape.leaves}, {1, shape.up}, {1, 1});
    auto make_host = [this, &plan](sg4::NetZone* zone, const std::vector<unsigned long>&, unsigned long id) {
      // SimGrid creates a fat-tree's hosts in id order; the runtime's node slots rely on it.
      if (id >= plan.items.size() || cluster_hosts[plan.id].size() != id)
        throw std::logic_error("fat-tree hosts created out of order");
      sg4::Host* h = add_host(zone, plan.id, std::get<PlanHost>(plan.items[id]));
      return std::make_pair(h->get_netpoint(), static_cast<NetPoint*>(nullptr));
    };
    sg4::NetZone* zone = sg::new_fat_tree_zone(plan.id, parent, params, sg4::ClusterCallbacks(make_host),
                                               plan.fat_tree_bandwidth);
    zones_[plan.id] = zone;
    zone->seal();
    return zone;
  }
};

} // namespace

BuiltPlatform build_platform(const PlatformSpec& spec) {
  BuiltPlatform out;
  out.spec = &spec;
  PlanBuilder b;
  b.build(plan_platform(spec), nullptr);

  // What the engine keeps of it: each region's store, each cluster's hosts and node slots, each path.
  for (const auto& provider : spec.providers)
    for (const auto& region : provider.regions) {
      RegionRuntime& rr = out.regions[region.id];
      rr.spec = &region;
      rr.provider = &provider;
      rr.disk = b.hosts.at(storage_host_name(region))->get_disks().front();
      rr.storage_link = b.links.at(storage_link_name(region));
      for (const auto& cluster : region.clusters) {
        ClusterRuntime& rt = out.clusters[cluster.id];
        rt.spec = &cluster;
        rt.region = &rr;
        for (auto [host, nodes] : b.cluster_hosts.at(cluster.id)) {
          rt.host_first_slot.push_back(static_cast<int>(rt.slot_job.size()));
          rt.slot_job.insert(rt.slot_job.end(), nodes, -1);
          rt.hosts.push_back(host);
          rt.host_nodes.push_back(nodes);
          rt.nodes_up.push_back(nodes);
          rt.host_alloc.push_back(-1);
          rt.host_went_off.push_back(0);
        }
        // The spare pool and the signals jobs and the failure injector wait on.
        rt.spares = cluster.failures ? cluster.failures->spares : 0;
        rt.busy_mutex = sg4::Mutex::create();
        rt.busy_cv = sg4::ConditionVariable::create();
      }
    }
  out.paths_mutex = sg4::Mutex::create();
  out.paths_changed = sg4::ConditionVariable::create();
  out.control = b.hosts.at(kControlHostName);
  for (const auto& l : spec.links) {
    WanPathRuntime& p = out.paths[l.name];
    p.spec = &l;
    p.link = b.links.at(l.name);
    p.end_a = b.hosts.at(wan_end_host_name(l, l.region_a));
    p.end_b = b.hosts.at(wan_end_host_name(l, l.region_b));
  }
  return out;
}

} // namespace riftsim
