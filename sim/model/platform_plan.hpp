#pragma once
// The SimGrid platform riftsim makes of a PlatformSpec, as plain data: zones, hosts, links, routers and
// routes, each zone's items in the order they are created. One source for the two that use it, so they
// cannot drift apart: the engine creates it with S4U calls (engine/platform_builder.cpp) and the exporter
// writes it as SimGrid XML (output/platform_xml.cpp).
// clang-format off
//   world (Full)
//   ├─ region zone (Full), one per provider region
//   │   ├─ storage zone (Star): the region's gateway router and its storage host + disk
//   │   └─ cluster zone, one per cluster (fat-tree, rail-optimized or star): one host per node group
//   ├─ lab zone (Full): the tenant's control host, where the controller and the job actors live
//   ├─ WAN links between region gateways (the first between two regions is their default path)
//   └─ per WAN link, two endpoint zones of one host each, routed store-net, link, store-net (copies
//      that name the link as their path)
// clang-format on
// Three levels of zones at most: SimGrid 3.32 mis-routes deeper hierarchies (docs/simgrid-notes.md).
#include "model/platform.hpp"

#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace riftsim {

struct PlanHost {
  std::string name;
  double speed = 0; // flop/s
  double watts_idle = 0, watts_busy = 0;
  int nodes = 0;             // the cluster nodes it stands for; 0: not a cluster's host (no "nodes" property)
  double disk_bandwidth = 0; // > 0: it holds a disk "store" that reads and writes at this rate
};

enum class PlanSharing { Shared, SplitDuplex, FatPipe };

struct PlanLink {
  std::string name;
  double bandwidth = 0; // bytes/s
  double latency = 0;   // s
  PlanSharing sharing = PlanSharing::Shared;
};

struct PlanRouter {
  std::string name;
};

enum class PlanDirection { None, Up, Down }; // Up/Down: which half of a split-duplex link

struct PlanHop {
  std::string link;
  PlanDirection direction = PlanDirection::None;
};

/// A route inside a zone, between two of its hosts or routers; or, with gateways, between two of its
/// sub-zones (named by zone id). In a Star zone `dst` is empty: the route from `src` to the star's centre.
struct PlanRoute {
  std::string src, dst;
  std::string gw_src, gw_dst; // set for a route between zones
  std::vector<PlanHop> hops;
};

enum class PlanRouting { Full, Star, FatTree };

struct PlanZone;
using PlanItem = std::variant<PlanHost, PlanLink, PlanRouter, std::shared_ptr<PlanZone>, PlanRoute>;

struct PlanZone {
  std::string id;
  PlanRouting routing = PlanRouting::Full;
  FatTreeShape fat_tree;         // FatTree: its shape, and every one of its links' bandwidth
  double fat_tree_bandwidth = 0; //   (its hosts are its only items, in id order)
  std::string gateway;           // what a route to this zone from a sibling zone goes through
  std::vector<PlanItem> items;   // in the order they are created
};

PlanZone plan_platform(const PlatformSpec& spec);

/// The names the plan gives, for the engine to find what it built.
std::string storage_host_name(const RegionSpec& r);
std::string storage_link_name(const RegionSpec& r);
std::string wan_end_host_name(const WanLinkSpec& l, const std::string& region_id);
inline constexpr const char* kControlHostName = "lab/control";
inline constexpr const char* kStoreDiskName = "store";

} // namespace riftsim
