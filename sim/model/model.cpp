#include "model/platform.hpp"
#include "model/workload.hpp"

#include <algorithm>
#include <cmath>

namespace riftsim {

Usd ProviderSpec::egress_cost(Bytes already, Bytes more) const {
  Usd total;
  double from = already.raw(), to = already.raw() + more.raw();
  double tier_start = 0;
  for (size_t i = 0; i < tiers.size() && from < to; ++i) {
    bool last = i + 1 == tiers.size();
    double tier_end = last ? to : tiers[i].up_to.raw();
    double lo = std::max(from, tier_start), hi = std::min(to, tier_end);
    if (hi > lo) total += tiers[i].price * Bytes(hi - lo);
    tier_start = tier_end;
  }
  return total;
}

int CapacitySpec::available(Seconds since, Seconds lead) const {
  if (since < lead) return 0;
  if (ramp_nodes <= 0 || ramp_every.raw() <= 0) return quota;
  double steps = std::floor((since - lead).raw() / ramp_every.raw());
  return static_cast<int>(std::min<double>(quota, initial + steps * ramp_nodes));
}

Seconds CapacitySpec::full_after(Seconds lead) const {
  if (initial >= quota || ramp_nodes <= 0) return lead;
  return lead + ramp_every * std::ceil(static_cast<double>(quota - initial) / ramp_nodes);
}

Seconds CapacitySpec::time_for(int nodes, Seconds lead) const {
  if (nodes > quota) return kNeverTime;
  if (nodes <= initial || ramp_nodes <= 0) return lead;
  return lead + ramp_every * std::ceil(static_cast<double>(nodes - initial) / ramp_nodes);
}

std::vector<CapacitySpec::Held> CapacitySpec::held_between(int need, Seconds lead, Seconds from,
                                                           Seconds to) const {
  std::vector<Held> out;
  bool ramps = ramp_nodes > 0 && ramp_every.raw() > 0;
  Seconds t = lead;
  int nodes = std::min(need, ramps ? std::min(initial, quota) : quota);
  while (t < to) {
    bool more = ramps && nodes < std::min(quota, need);
    Seconds next = more ? t + ramp_every : to;
    Seconds a = std::max(t, from), b = std::min(next, to);
    if (b > a && nodes > 0) out.push_back({a, b, nodes});
    if (!more) break;
    t = next;
    nodes = std::min({nodes + ramp_nodes, quota, need});
  }
  return out;
}

const ProviderSpec* PlatformSpec::find_provider(const std::string& name) const {
  for (const auto& p : providers)
    if (p.name == name) return &p;
  return nullptr;
}

const RegionSpec* PlatformSpec::find_region(const std::string& id) const {
  for (const auto& p : providers)
    for (const auto& r : p.regions)
      if (r.id == id) return &r;
  return nullptr;
}

const ClusterSpec* PlatformSpec::find_cluster(const std::string& id) const {
  for (const auto& p : providers)
    for (const auto& r : p.regions)
      for (const auto& c : r.clusters)
        if (c.id == id) return &c;
  return nullptr;
}

const WanLinkSpec* PlatformSpec::link_between(const std::string& a, const std::string& b) const {
  for (const auto& l : links)
    if (l.joins(a, b)) return &l;
  return nullptr;
}

std::vector<const WanLinkSpec*> PlatformSpec::paths_between(const std::string& a, const std::string& b,
                                                            const std::vector<std::string>& preferred,
                                                            const std::vector<std::string>& down) const {
  std::vector<const WanLinkSpec*> out;
  auto usable = [&](const WanLinkSpec* l) {
    return l && l->joins(a, b) && std::find(down.begin(), down.end(), l->name) == down.end() &&
           std::find(out.begin(), out.end(), l) == out.end();
  };
  for (const auto& name : preferred)
    if (const WanLinkSpec* l = find_link(name); usable(l)) out.push_back(l);
  for (const auto& l : links)
    if (usable(&l)) out.push_back(&l);
  return out;
}

const WanLinkSpec* PlatformSpec::path_between(const std::string& a, const std::string& b,
                                              const std::vector<std::string>& preferred,
                                              const std::vector<std::string>& down) const {
  auto all = paths_between(a, b, preferred, down);
  return all.empty() ? nullptr : all.front();
}

const WanLinkSpec* PlatformSpec::find_link(const std::string& name) const {
  for (const auto& l : links)
    if (l.name == name) return &l;
  return nullptr;
}

std::vector<int> ClusterSpec::host_nodes() const {
  std::vector<int> out;
  for (int left = nodes; left > 0; left -= nodes_per_host) out.push_back(std::min(left, nodes_per_host));
  return out;
}

FatTreeShape fat_tree_shape(const ClusterSpec& c) {
  // Leaves of the largest size not above the square root of the host count that divides it.
  const auto hosts = static_cast<unsigned>(c.host_count());
  FatTreeShape s;
  for (unsigned d = 1; d * d <= hosts; ++d)
    if (hosts % d == 0) s.down = d;
  s.leaves = hosts / s.down;
  s.up = std::max(1u, static_cast<unsigned>(std::lround(s.down / c.oversubscription)));
  return s;
}

std::string FatTreeShape::topo_parameters() const {
  return "2;" + std::to_string(down) + "," + std::to_string(leaves) + ";1," + std::to_string(up) + ";1,1";
}

const char* link_kind_name(WanLinkSpec::Kind k) {
  switch (k) {
  case WanLinkSpec::Kind::Internet:
    return "internet";
  case WanLinkSpec::Kind::Interconnect:
    return "interconnect";
  }
  return "?";
}

const JobSpec* WorkloadSpec::find_job(const std::string& name) const {
  for (const auto& j : jobs)
    if (j.name == name) return &j;
  return nullptr;
}

} // namespace riftsim
