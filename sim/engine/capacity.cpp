#include "engine/capacity.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <simgrid/plugins/energy.h>

namespace riftsim {

int Allocation::nodes() const {
  int n = 0;
  for (const HostShare& s : shares) n += s.nodes;
  return n;
}

std::optional<Allocation> take_hosts(ClusterRuntime& cluster, long long gpus, int job_id, int id,
                                     double since, const Allocation* transfer) {
  const ClusterSpec& c = *cluster.spec;
  auto usable = [&](size_t i) {
    bool mine = transfer && cluster.host_alloc[i] == transfer->id;
    return (cluster.host_alloc[i] < 0 || mine) && cluster.hosts[i]->is_on() && cluster.nodes_up[i] > 0;
  };
  long long room = 0;
  for (size_t i = 0; i < cluster.hosts.size(); ++i)
    if (usable(i)) room += static_cast<long long>(cluster.nodes_up[i]) * c.gpus_per_node;
  if (cut_off_or_short(cluster, room, gpus)) return std::nullopt;
  Allocation a;
  a.id = id;
  a.cluster = &cluster;
  a.gpus = gpus;
  a.since = since;
  long long left = gpus;
  // The job's own hosts first (a restart on the nodes it has), then the others in order.
  for (int pass = 0; pass < 2 && left > 0; ++pass)
    for (size_t i = 0; i < cluster.hosts.size() && left > 0; ++i) {
      bool mine = transfer && cluster.host_alloc[i] == transfer->id;
      if (!usable(i) || mine != (pass == 0)) continue;
      HostShare s;
      s.host = cluster.hosts[i];
      s.index = i;
      s.host_nodes = cluster.host_nodes[i];
      s.gpus = std::min<long long>(left, static_cast<long long>(cluster.nodes_up[i]) * c.gpus_per_node);
      s.nodes = static_cast<int>((s.gpus + c.gpus_per_node - 1) / c.gpus_per_node);
      left -= s.gpus;
      if (!mine) cluster.hosts_in_use++;
      cluster.holdings_version++;
      cluster.host_alloc[i] = id;
      for (int k = 0; k < cluster.host_nodes[i]; ++k)
        cluster.slot_job[cluster.host_first_slot[i] + k] = k < s.nodes ? job_id : -1;
      a.shares.push_back(s);
    }
  return a;
}

bool cut_off_or_short(const ClusterRuntime& cluster, long long room, long long gpus) {
  return cluster.cut_off || room < gpus;
}

void free_hosts(const Allocation& a) {
  if (a.empty()) return;
  ClusterRuntime& c = *a.cluster;
  for (const HostShare& s : a.shares) {
    if (c.host_alloc[s.index] != a.id) continue; // passed to a newer allocation of the job
    c.host_alloc[s.index] = -1;
    c.hosts_in_use--;
    c.holdings_version++;
    for (int k = 0; k < c.host_nodes[s.index]; ++k) c.slot_job[c.host_first_slot[s.index] + k] = -1;
  }
}

void drop_nodes(Allocation& a, int nodes) {
  ClusterRuntime& cluster = *a.cluster;
  const int gpn = cluster.spec->gpus_per_node;
  for (int n = 0; n < nodes; ++n) {
    auto widest = std::max_element(a.shares.begin(), a.shares.end(),
                                   [](const HostShare& x, const HostShare& y) { return x.gpus < y.gpus; });
    long long drop = std::min<long long>(gpn, widest->gpus);
    widest->gpus -= drop;
    widest->nodes -= 1;
    a.gpus -= drop;
    cluster.slot_job[cluster.host_first_slot[widest->index] + widest->nodes] = -1;
    cluster.holdings_version++;
  }
}

std::vector<double> read_energy(const Allocation& a) {
  std::vector<double> joules;
  for (const HostShare& s : a.shares) joules.push_back(sg_host_get_consumed_energy(s.host));
  return joules;
}

void start_energy_count(Allocation& a, const std::vector<double>& energy_now, double now) {
  const ClusterSpec& c = *a.cluster->spec;
  for (size_t k = 0; k < a.shares.size(); ++k) {
    HostShare& s = a.shares[k];
    double idle_w = c.node_power_idle.raw() * s.host_nodes;
    s.energy_start = energy_now[k] - idle_w * (now - a.since);
  }
}

Tenure tenure_of(const Allocation& a, const std::vector<double>& energy_now, double now) {
  const ClusterSpec& c = *a.cluster->spec;
  double nodes = 0;
  double energy = 0;
  for (size_t k = 0; k < a.shares.size(); ++k) {
    const HostShare& s = a.shares[k];
    nodes += s.nodes;
    // A host stands for several nodes; those the job does not use sit idle and are not the job's.
    double unused_idle = c.node_power_idle.raw() * (s.host_nodes - s.nodes) * (now - a.since);
    energy += energy_now[k] - s.energy_start - unused_idle;
  }
  Tenure t;
  t.cluster = c.id;
  t.provider = c.provider;
  t.gpus = a.gpus;
  t.nodes = nodes;
  t.node_price = c.node_price * a.cluster->price_factor;
  t.start = Seconds(a.since);
  t.end = Seconds(now);
  t.energy = Joules(energy);
  t.pue = a.cluster->region->spec->pue;
  t.carbon_g_per_kwh = a.cluster->region->spec->carbon_g_per_kwh;
  t.step = a.step;
  return t;
}

Usd held_cost(const Allocation& a, double from, double to) {
  if (a.empty() || to <= from) return Usd(0);
  return a.cluster->spec->node_price * a.cluster->price_factor * Seconds(to - from) *
         static_cast<double>(a.nodes());
}

std::vector<Tenure> ramp_tenures(const ClusterRuntime& cluster, const std::vector<CapacitySpec::Held>& held) {
  const ClusterSpec& c = *cluster.spec;
  std::vector<Tenure> out;
  for (const auto& h : held) {
    Tenure t;
    t.cluster = c.id;
    t.provider = c.provider;
    t.gpus = static_cast<long long>(h.nodes) * c.gpus_per_node;
    t.nodes = h.nodes;
    t.node_price = c.node_price * cluster.price_factor;
    t.start = h.from;
    t.end = h.to;
    t.energy = c.node_power_idle * (h.to - h.from) * static_cast<double>(h.nodes);
    t.pue = cluster.region->spec->pue;
    t.carbon_g_per_kwh = cluster.region->spec->carbon_g_per_kwh;
    out.push_back(t);
  }
  return out;
}

} // namespace riftsim
