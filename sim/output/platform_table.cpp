#include "output/platform_table.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace riftsim {
namespace {

/// A provider's internet egress in tiers (a free first 100 GB, cheaper by volume): the range of their
/// prices in $ per GB, or the one price.
std::string egress_range(const ProviderSpec& prov) {
  double lo = prov.egress.raw(), hi = lo;
  for (const auto& t : prov.tiers) {
    lo = std::min(lo, t.price.raw());
    hi = std::max(hi, t.price.raw());
  }
  return lo == hi ? fmt::format("${:.3g}", hi) : fmt::format("${:.3g}-{:.3g}", lo, hi);
}

} // namespace

std::string platform_table(const PlatformSpec& p) {
  std::string out =
      fmt::format("platform {}{}\n\n", p.file, p.extends.empty() ? "" : " (extends " + p.extends + ")");
  out += fmt::format("{:<34} {:<18} {:<10} {:>6} {:>7} {:>11} {:>9} {:>17} {:>8} {:>9}  {}\n", "cluster",
                     "instance", "accel.", "nodes", "GPUs", "peak", "net/node", "$/node-h", "$/GPU-h", "lead",
                     "capacity, failures");
  for (const auto& prov : p.providers)
    for (const auto& r : prov.regions)
      for (const auto& c : r.clusters) {
        std::string cap;
        if (c.capacity.initial < c.capacity.quota)
          cap = fmt::format("{} nodes, +{} every {}, all {} after {}", c.capacity.initial,
                            c.capacity.ramp_nodes, format_duration(c.capacity.ramp_every), c.capacity.quota,
                            format_duration(c.capacity.full_after(c.lead_time)));
        else if (c.capacity.quota == 0)
          cap = "none until granted";
        else
          cap = fmt::format("{} nodes at once", c.capacity.quota);
        if (c.failures)
          cap += fmt::format("; {:.2f} failures/1000 node-days, {} spares",
                             1000 * kSecondsPerDay / c.failures->node_mtbf.raw(), c.failures->spares);
        out += fmt::format(
            "{:<34} {:<18} {:<10} {:>6} {:>7} {:>11} {:>9} {:>17} {:>8} {:>9}  {}\n", c.id, c.instance,
            c.accelerator.empty() ? "-" : c.accelerator, c.nodes, c.total_gpus(),
            format_si(c.node_peak().raw() * c.nodes, "FLOPS"), format_bandwidth(c.node_network),
            fmt::format("${:.2f}{}", c.node_price.raw(),
                        c.pricing == PriceKind::OnDemand ? ""
                                                         : fmt::format(" ({})", price_kind_name(c.pricing))),
            fmt::format("${:.2f}", c.node_price.raw() / c.gpus_per_node),
            fmt::format("{:.1f} d", c.lead_time.raw() / kSecondsPerDay), cap); // one unit down the column
      }
  // Where each cluster's price comes from, and when it was read.
  out += fmt::format("\n{:<34} {:<13} {:>10} {:<10}  {}\n", "cluster price", "pricing", "$/node-h", "as of",
                     "source");
  for (const auto& prov : p.providers)
    for (const auto& r : prov.regions)
      for (const auto& c : r.clusters)
        out += fmt::format("{:<34} {:<13} {:>10} {:<10}  {}\n", c.id, price_kind_name(c.pricing),
                           fmt::format("${:.2f}", c.node_price.raw()),
                           c.price_as_of.empty() ? "-" : c.price_as_of,
                           c.price_source.empty() ? "given in the platform file, no source" : c.price_source);
  out += fmt::format("\n{:<20} {:>10} {:>12} {:>12} {:>5} {:>9}  {}\n", "region", "storage", "$/GB-month",
                     "egress $/GB", "PUE", "gCO2/kWh", "offers");
  for (const auto& prov : p.providers)
    for (const auto& r : prov.regions) {
      std::string offers;
      for (const auto& o : r.offers) offers += (offers.empty() ? "" : ", ") + o;
      out += fmt::format("{:<20} {:>10} {:>12} {:>12} {:>5.2f} {:>9.1f}  {}\n", r.id,
                         format_si(r.storage_bandwidth.raw(), "B/s"),
                         fmt::format("${:.4f}", r.storage_price.raw()), egress_range(prov), r.pue,
                         r.carbon_g_per_kwh, offers);
    }
  if (!p.links.empty()) {
    out += fmt::format("\n{:<22} {:<12} {:<34} {:>10} {:>9} {:>10} {:>9} {:>10}\n", "link", "kind", "between",
                       "bandwidth", "latency", "per flow", "port $/h", "egress $/GB");
    for (const auto& l : p.links)
      out +=
          fmt::format("{:<22} {:<12} {:<34} {:>10} {:>9} {:>10} {:>9} {:>10}\n", l.name,
                      link_kind_name(l.kind), l.region_a + " <-> " + l.region_b,
                      format_bandwidth(l.bandwidth), fmt::format("{:.0f} ms", l.latency.raw() * 1000),
                      l.per_flow ? format_bandwidth(*l.per_flow) : std::string("-"),
                      l.port_price.raw() > 0 ? fmt::format("${:.2f}", l.port_price.raw()) : std::string("-"),
                      l.egress ? fmt::format("${:.3f}", l.egress->raw()) : std::string("provider"));
  }
  // Where the storage, egress and interconnect prices come from, and when they were read.
  out += fmt::format("\n{:<34} {:<22} {:<10}  {}\n", "other prices", "price", "as of", "source");
  auto origin_row = [&out](const std::string& what, const std::string& price, const PriceOrigin& o) {
    out += fmt::format("{:<34} {:<22} {:<10}  {}\n", what, price, o.as_of.empty() ? "-" : o.as_of,
                       o.source.empty() ? "given in the platform file, no source" : o.source);
  };
  for (const auto& prov : p.providers) {
    origin_row(prov.name + " internet egress", egress_range(prov) + "/GB", prov.egress_origin);
    for (const auto& r : prov.regions)
      origin_row(r.id + " storage", fmt::format("${:.4f}/GB-month", r.storage_price.raw()),
                 r.storage_price_origin);
  }
  for (const auto& l : p.links)
    if (l.port_price.raw() > 0 || l.egress)
      origin_row("link " + l.name,
                 (l.port_price.raw() > 0 ? fmt::format("${:.2f}/h", l.port_price.raw()) : std::string()) +
                     (l.port_price.raw() > 0 && l.egress ? ", " : "") +
                     (l.egress ? fmt::format("${:.3f}/GB", l.egress->raw()) : std::string()),
                 l.prices_origin);
  if (p.catalog) {
    out += fmt::format("\n{:<20} {:<6} {:<10} {:>4} {:>10} {:>10}\n", "catalog instance", "cloud", "accel.",
                       "n", "network", "busy");
    for (const auto& i : p.catalog->instances)
      out += fmt::format("{:<20} {:<6} {:<10} {:>4} {:>10} {:>10}\n", i.name, i.provider, i.accelerator->name,
                         i.accelerators, format_bandwidth(i.network), format_si(i.power_busy.raw(), "W"));
    // Every price of every instance type: the reference price, the regions whose price differs, when it was
    // read and where.
    out += fmt::format("\n{:<20} {:<13} {:>10} {:>9} {:<10}  {}\n", "catalog price", "pricing", "$/node-h",
                       "$/GPU-h", "as of", "by region; source");
    for (const auto& i : p.catalog->instances)
      for (const auto& [kind, list] : i.prices) {
        std::string regions;
        for (const auto& [name, price] : list.regions)
          regions += fmt::format("{}{} ${:.2f}", regions.empty() ? "" : ", ", name, price.raw());
        if (list.interruptions_per_node_day > 0)
          regions += fmt::format("{}{:g} interruptions per node-day", regions.empty() ? "" : ", ",
                                 list.interruptions_per_node_day);
        out += fmt::format("{:<20} {:<13} {:>10} {:>9} {:<10}  {}{}\n", i.name, price_kind_name(kind),
                           fmt::format("${:.2f}", list.price.raw()),
                           fmt::format("${:.2f}", list.price.raw() / i.accelerators), list.as_of,
                           regions.empty() ? "" : regions + "; ", list.source);
      }
  }
  return out;
}

} // namespace riftsim
