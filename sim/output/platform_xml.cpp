#include "output/platform_xml.hpp"

#include "output/xml_text.hpp"

#include <fmt/format.h>
#include <vector>

namespace riftsim {
namespace {

std::string num(double v) {
  return fmt::format("{:.17g}", v);
}

/// The cluster zone's gateway, as the engine builds it: a fat-tree's first host (SimGrid gives its
/// routers empty routes), a rail-optimized cluster's spine, a star's router.
std::string gateway(const ClusterSpec& c) {
  switch (c.topology) {
  case ClusterSpec::Topology::FatTree:
    return c.id + "/0";
  case ClusterSpec::Topology::RailOptimized:
    return c.id + "/spine";
  case ClusterSpec::Topology::Star:
    return c.id + "/gw";
  }
  return c.id + "/gw";
}

/// The host of node group `i` (n nodes), with its energy and node-count properties.
std::string host_xml(const ClusterSpec& c, const std::string& name, int n) {
  return fmt::format("        <host id=\"{}\" speed=\"{}f\">\n"
                     "          <prop id=\"wattage_per_state\" value=\"{}:{}\"/>\n"
                     "          <prop id=\"wattage_off\" value=\"0\"/>\n"
                     "          <prop id=\"nodes\" value=\"{}\"/>\n        </host>\n",
                     xml_escape(name), num(c.node_peak().raw() * n), num(c.node_power_idle.raw() * n),
                     num(c.node_power_busy.raw() * n), n);
}

/// The cluster's uplink to its region's store, and the zone route through it from `gateway`.
void uplink_xml(const ClusterSpec& c, const RegionSpec& r, const std::string& gateway, std::string& out,
                std::string& routes) {
  out += fmt::format("      <link id=\"{}/uplink\" bandwidth=\"{}Bps\" latency=\"0s\"/>\n", xml_escape(c.id),
                     num(r.storage_bandwidth.raw()));
  routes += fmt::format("      <zoneRoute src=\"{0}\" dst=\"{1}/storage-zone\" gw_src=\"{2}\" "
                        "gw_dst=\"{1}/gw\"><link_ctn id=\"{0}/uplink\"/></zoneRoute>\n",
                        xml_escape(c.id), xml_escape(r.id), xml_escape(gateway));
}

/// A fat-tree cluster as SimGrid's <cluster topology="FAT_TREE">, the same FatTreeZone the engine
/// builds; its first host is the gateway (SimGrid gives a fat-tree's routers empty routes).
void fat_tree_xml(const ClusterSpec& c, const RegionSpec& r, std::string& out, std::string& routes) {
  if (c.nodes % c.nodes_per_host != 0)
    throw InputError(c.pos,
                     "fat-tree cluster '" + c.id +
                         "' exports to SimGrid XML only when its nodes are a multiple of nodes_per_host "
                         "(a <cluster> gives every host the same speed)");
  int n = c.nodes_per_host;
  out += fmt::format("      <cluster id=\"{0}\" prefix=\"{0}/\" suffix=\"\" radical=\"0-{1}\" speed=\"{2}f\" "
                     "bw=\"{3}Bps\" lat=\"0s\" topology=\"FAT_TREE\" topo_parameters=\"{4}\" "
                     "sharing_policy=\"SPLITDUPLEX\">\n",
                     xml_escape(c.id), c.host_count() - 1, num(c.node_peak().raw() * n),
                     num(c.node_network.raw() * n), fat_tree_shape(c).topo_parameters());
  out += fmt::format("        <prop id=\"wattage_per_state\" value=\"{}:{}\"/>\n",
                     num(c.node_power_idle.raw() * n), num(c.node_power_busy.raw() * n));
  out += "        <prop id=\"wattage_off\" value=\"0\"/>\n";
  out += fmt::format("        <prop id=\"nodes\" value=\"{}\"/>\n      </cluster>\n", n);
  uplink_xml(c, r, gateway(c), out, routes);
}

/// A rail-optimized cluster, as the engine builds it (engine/platform_builder.cpp build_rail_optimized).
void rail_xml(const ClusterSpec& c, const RegionSpec& r, std::string& out, std::string& routes) {
  out += fmt::format("      <zone id=\"{}\" routing=\"Full\">\n", xml_escape(c.id));
  std::vector<std::string> hosts;
  std::vector<double> rail_down(static_cast<size_t>(c.rails), 0.0);
  for (int n : c.host_nodes()) {
    std::string h = fmt::format("{}/{}", c.id, hosts.size());
    hosts.push_back(h);
    out += host_xml(c, h, n);
    double per_rail = c.node_network.raw() * n / c.rails;
    for (int k = 0; k < c.rails; ++k) {
      out += fmt::format("        <link id=\"{}/rail-{}\" bandwidth=\"{}Bps\" latency=\"0s\" "
                         "sharing_policy=\"SPLITDUPLEX\"/>\n",
                         xml_escape(h), k, num(per_rail));
      rail_down[static_cast<size_t>(k)] += per_rail;
    }
  }
  for (int k = 0; k < c.rails; ++k)
    out += fmt::format("        <router id=\"{0}/rail-{1}\"/>\n        <link id=\"{0}/rail-{1}/up\" "
                       "bandwidth=\"{2}Bps\" latency=\"0s\"/>\n",
                       xml_escape(c.id), k, num(rail_down[static_cast<size_t>(k)] / c.oversubscription));
  std::string spine = c.id + "/spine";
  out += fmt::format("        <router id=\"{}\"/>\n", xml_escape(spine));
  const auto rails = static_cast<size_t>(c.rails);
  for (size_t i = 0; i < hosts.size(); ++i) {
    out +=
        fmt::format("        <route src=\"{0}\" dst=\"{1}\"><link_ctn id=\"{0}/rail-{2}\" direction=\"UP\"/>"
                    "<link_ctn id=\"{3}/rail-{2}/up\"/></route>\n",
                    xml_escape(hosts[i]), xml_escape(spine), i % rails, xml_escape(c.id));
    for (size_t j = i + 1; j < hosts.size(); ++j)
      out += fmt::format(
          "        <route src=\"{0}\" dst=\"{1}\"><link_ctn id=\"{0}/rail-{2}\" direction=\"UP\"/>"
          "<link_ctn id=\"{1}/rail-{2}\" direction=\"DOWN\"/></route>\n",
          xml_escape(hosts[i]), xml_escape(hosts[j]), (i + j) % rails);
  }
  out += "      </zone>\n";
  uplink_xml(c, r, gateway(c), out, routes);
}

/// A star cluster as a Full zone (SimGrid 3.32's XML has no Star routing) with the star's routes: one host
/// per node group, each with a split-duplex NIC to the gateway router.
// SimGrid's DTD wants every zone, host and link of a zone before its routes: routes go to `routes`.
void cluster_xml(const ClusterSpec& c, const RegionSpec& r, std::string& out, std::string& routes) {
  if (c.topology == ClusterSpec::Topology::FatTree) return fat_tree_xml(c, r, out, routes);
  if (c.topology == ClusterSpec::Topology::RailOptimized) return rail_xml(c, r, out, routes);
  out += fmt::format("      <zone id=\"{}\" routing=\"Full\">\n", xml_escape(c.id));
  std::vector<std::string> hosts;
  for (int n : c.host_nodes()) {
    std::string h = fmt::format("{}/{}", c.id, hosts.size());
    hosts.push_back(h);
    out += host_xml(c, h, n);
    out += fmt::format(
        "        <link id=\"{}/nic\" bandwidth=\"{}Bps\" latency=\"0s\" sharing_policy=\"SPLITDUPLEX\"/>\n",
        xml_escape(h), num(c.node_network.raw() * n));
  }
  std::string gw = c.id + "/gw";
  out += fmt::format("        <router id=\"{}\"/>\n", xml_escape(gw));
  for (size_t i = 0; i < hosts.size(); ++i) {
    out += fmt::format(
        "        <route src=\"{}\" dst=\"{}\"><link_ctn id=\"{}/nic\" direction=\"UP\"/></route>\n",
        xml_escape(hosts[i]), xml_escape(gw), xml_escape(hosts[i]));
    for (size_t k = i + 1; k < hosts.size(); ++k)
      out += fmt::format("        <route src=\"{0}\" dst=\"{1}\"><link_ctn id=\"{0}/nic\" direction=\"UP\"/>"
                         "<link_ctn id=\"{1}/nic\" direction=\"DOWN\"/></route>\n",
                         xml_escape(hosts[i]), xml_escape(hosts[k]));
  }
  out += "      </zone>\n";
  uplink_xml(c, r, gw, out, routes);
}

} // namespace

std::string platform_xml(const PlatformSpec& p) {
  std::string out = "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n";
  out +=
      fmt::format("<!-- Exported by riftsim from {} -->\n<platform version=\"4.1\">\n", xml_escape(p.file));
  out += "  <zone id=\"world\" routing=\"Full\">\n";
  for (const auto& prov : p.providers)
    for (const auto& r : prov.regions) {
      out += fmt::format("    <zone id=\"{}\" routing=\"Full\">\n", xml_escape(r.id));
      // The engine's storage zone is a Star; SimGrid 3.32's XML has no Star routing, so a Full zone with
      // the same route (docs/simgrid-notes.md). Test: Network.TheExportedXmlHoldsTheSame...
      out += fmt::format(
          "      <zone id=\"{0}/storage-zone\" routing=\"Full\">\n"
          "        <host id=\"{0}/storage\" speed=\"1Gf\">\n"
          "          <prop id=\"wattage_per_state\" value=\"0:0\"/>\n"
          "          <prop id=\"wattage_off\" value=\"0\"/>\n"
          "          <disk id=\"store\" read_bw=\"{1}Bps\" write_bw=\"{1}Bps\"/>\n"
          "        </host>\n"
          "        <router id=\"{0}/gw\"/>\n"
          "        <link id=\"{0}/storage-net\" bandwidth=\"{1}Bps\" latency=\"0s\"/>\n"
          "        <route src=\"{0}/storage\" dst=\"{0}/gw\"><link_ctn id=\"{0}/storage-net\"/></route>\n"
          "      </zone>\n",
          xml_escape(r.id), num(r.storage_bandwidth.raw()));
      std::string routes;
      for (const auto& c : r.clusters) cluster_xml(c, r, out, routes);
      // Clusters of one region reach each other up one uplink and down the other.
      for (size_t a = 0; a < r.clusters.size(); ++a)
        for (size_t b = a + 1; b < r.clusters.size(); ++b) {
          const ClusterSpec& ca = r.clusters[a];
          const ClusterSpec& cb = r.clusters[b];
          routes +=
              fmt::format("      <zoneRoute src=\"{}\" dst=\"{}\" gw_src=\"{}\" gw_dst=\"{}\"><link_ctn "
                          "id=\"{}/uplink\"/><link_ctn id=\"{}/uplink\"/></zoneRoute>\n",
                          xml_escape(ca.id), xml_escape(cb.id), xml_escape(gateway(ca)),
                          xml_escape(gateway(cb)), xml_escape(ca.id), xml_escape(cb.id));
        }
      out += routes + "    </zone>\n";
    }
  out += "    <zone id=\"lab\" routing=\"Full\">\n      <host id=\"lab/control\" speed=\"1Gf\">\n"
         "        <prop id=\"wattage_per_state\" value=\"0:0\"/>\n"
         "        <prop id=\"wattage_off\" value=\"0\"/>\n      </host>\n    </zone>\n";
  // Each WAN link: the link (and its per-flow FATPIPE), two endpoint zones of one host each, the route
  // between them through both stores' links; and, for the first link between two regions, the
  // region-to-region route (engine/platform_builder.cpp builds the same).
  std::string routes;
  for (const auto& l : p.links) {
    out += fmt::format("    <link id=\"{}\" bandwidth=\"{}Bps\" latency=\"{}s\"/>\n", xml_escape(l.name),
                       num(l.bandwidth.raw()), num(l.latency.raw()));
    if (l.per_flow)
      out += fmt::format(
          "    <link id=\"{}/per-flow\" bandwidth=\"{}Bps\" latency=\"0s\" sharing_policy=\"FATPIPE\"/>\n",
          xml_escape(l.name), num(l.per_flow->raw()));
    for (const auto& end : {l.region_a, l.region_b})
      out +=
          fmt::format("    <zone id=\"{0}-zone\" routing=\"Full\">\n      <host id=\"{0}\" speed=\"1Gf\">\n"
                      "        <prop id=\"wattage_per_state\" value=\"0:0\"/>\n"
                      "        <prop id=\"wattage_off\" value=\"0\"/>\n      </host>\n    </zone>\n",
                      xml_escape(l.name + "@" + end));
    if (p.link_between(l.region_a, l.region_b) == &l)
      routes +=
          fmt::format("    <zoneRoute src=\"{0}\" dst=\"{1}\" gw_src=\"{0}/gw\" gw_dst=\"{1}/gw\"><link_ctn "
                      "id=\"{2}\"/></zoneRoute>\n",
                      xml_escape(l.region_a), xml_escape(l.region_b), xml_escape(l.name));
    std::string a = xml_escape(l.name + "@" + l.region_a), b = xml_escape(l.name + "@" + l.region_b);
    routes += fmt::format("    <zoneRoute src=\"{0}-zone\" dst=\"{1}-zone\" gw_src=\"{0}\" gw_dst=\"{1}\">"
                          "<link_ctn id=\"{2}/storage-net\"/><link_ctn id=\"{3}\"/>{4}"
                          "<link_ctn id=\"{5}/storage-net\"/></zoneRoute>\n",
                          a, b, xml_escape(l.region_a), xml_escape(l.name),
                          l.per_flow ? fmt::format("<link_ctn id=\"{}/per-flow\"/>", xml_escape(l.name)) : "",
                          xml_escape(l.region_b));
  }
  out += routes;
  out += "  </zone>\n</platform>\n";
  return out;
}

} // namespace riftsim
