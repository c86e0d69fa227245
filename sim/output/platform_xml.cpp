#include "output/platform_xml.hpp"

#include "model/platform_plan.hpp"
#include "output/xml_text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace riftsim {
namespace {

std::string num(double v) {
  return fmt::format("{:.17g}", v);
}

std::string props(const PlanHost& h, const std::string& indent) {
  std::string out = fmt::format("{}<prop id=\"wattage_per_state\" value=\"{}:{}\"/>\n", indent,
                                num(h.watts_idle), num(h.watts_busy));
  out += indent + "<prop id=\"wattage_off\" value=\"0\"/>\n";
  if (h.nodes > 0) out += fmt::format("{}<prop id=\"nodes\" value=\"{}\"/>\n", indent, h.nodes);
  return out;
}

std::string host_xml(const PlanHost& h, const std::string& indent) {
  std::string out =
      fmt::format("{}<host id=\"{}\" speed=\"{}f\">\n", indent, xml_escape(h.name), num(h.speed));
  out += props(h, indent + "  ");
  if (h.disk_bandwidth > 0)
    out += fmt::format("{}  <disk id=\"{}\" read_bw=\"{}Bps\" write_bw=\"{}Bps\"/>\n", indent, kStoreDiskName,
                       num(h.disk_bandwidth), num(h.disk_bandwidth));
  return out + indent + "</host>\n";
}

std::string link_xml(const PlanLink& l, const std::string& indent) {
  const char* sharing = l.sharing == PlanSharing::SplitDuplex ? " sharing_policy=\"SPLITDUPLEX\""
                        : l.sharing == PlanSharing::FatPipe   ? " sharing_policy=\"FATPIPE\""
                                                              : "";
  return fmt::format("{}<link id=\"{}\" bandwidth=\"{}Bps\" latency=\"{}s\"{}/>\n", indent,
                     xml_escape(l.name), num(l.bandwidth), num(l.latency), sharing);
}

std::string hops_xml(const std::vector<PlanHop>& hops) {
  std::string out;
  for (const PlanHop& h : hops)
    out += fmt::format("<link_ctn id=\"{}\"{}/>", xml_escape(h.link),
                       h.direction == PlanDirection::Up     ? " direction=\"UP\""
                       : h.direction == PlanDirection::Down ? " direction=\"DOWN\""
                                                            : "");
  return out;
}

std::string route_xml(const std::string& src, const std::string& dst, const std::vector<PlanHop>& hops,
                      const std::string& indent) {
  return fmt::format("{}<route src=\"{}\" dst=\"{}\">{}</route>\n", indent, xml_escape(src), xml_escape(dst),
                     hops_xml(hops));
}

/// The way back along a star route: the same links in reverse order, each split-duplex one in its other
/// direction.
std::vector<PlanHop> reversed(std::vector<PlanHop> hops) {
  std::reverse(hops.begin(), hops.end());
  for (PlanHop& h : hops)
    if (h.direction != PlanDirection::None)
      h.direction = h.direction == PlanDirection::Up ? PlanDirection::Down : PlanDirection::Up;
  return hops;
}

/// A fat-tree as SimGrid's <cluster topology="FAT_TREE">, the same FatTreeZone the engine builds.
std::string fat_tree_xml(const PlanZone& z, const std::string& indent) {
  const auto& first = std::get<PlanHost>(z.items.front()); // platform_xml checked that all are alike
  std::string out =
      fmt::format("{}<cluster id=\"{}\" prefix=\"{}/\" suffix=\"\" radical=\"0-{}\" speed=\"{}f\" "
                  "bw=\"{}Bps\" lat=\"0s\" "
                  "topology=\"FAT_TREE\" topo_parameters=\"{}\" sharing_policy=\"SPLITDUPLEX\">\n",
                  indent, xml_escape(z.id), xml_escape(z.id), z.items.size() - 1, num(first.speed),
                  num(z.fat_tree_bandwidth), z.fat_tree.topo_parameters());
  return out + props(first, indent + "  ") + indent + "</cluster>\n";
}

/// A zone of the plan as SimGrid XML. SimGrid's DTD wants a zone's zones, hosts, routers and links before
/// its routes, so routes are written after them. SimGrid 3.32's XML has no Star routing: a star is
/// written as a Full zone with the routes a star computes, through the centre (docs/simgrid-notes.md).
std::string zone_xml(const PlanZone& z, const std::string& indent) {
  if (z.routing == PlanRouting::FatTree) return fat_tree_xml(z, indent);
  const std::string in = indent + "  ";
  std::string out = fmt::format("{}<zone id=\"{}\" routing=\"Full\">\n", indent, xml_escape(z.id));
  std::string routes;
  std::vector<const PlanRoute*> star; // star routes to the centre, of hosts and routers
  for (const PlanItem& item : z.items) {
    if (const auto* h = std::get_if<PlanHost>(&item)) {
      out += host_xml(*h, in);
    } else if (const auto* l = std::get_if<PlanLink>(&item)) {
      out += link_xml(*l, in);
    } else if (const auto* r = std::get_if<PlanRouter>(&item)) {
      out += fmt::format("{}<router id=\"{}\"/>\n", in, xml_escape(r->name));
    } else if (const auto* sub = std::get_if<std::shared_ptr<PlanZone>>(&item)) {
      out += zone_xml(**sub, in);
    } else if (const auto* route = std::get_if<PlanRoute>(&item)) {
      if (!route->gw_src.empty())
        routes +=
            fmt::format("{}<zoneRoute src=\"{}\" dst=\"{}\" gw_src=\"{}\" gw_dst=\"{}\">{}</zoneRoute>\n", in,
                        xml_escape(route->src), xml_escape(route->dst), xml_escape(route->gw_src),
                        xml_escape(route->gw_dst), hops_xml(route->hops));
      else if (z.routing == PlanRouting::Star)
        star.push_back(route);
      else
        routes += route_xml(route->src, route->dst, route->hops, in);
    }
  }
  // A star routes a to b through its centre: a's links up, then b's back down. Its centre (the router
  // whose own route is empty) is where routes from other zones arrive.
  for (size_t a = 0; a < star.size(); ++a) {
    if (star[a]->hops.empty()) continue;
    for (size_t b = 0; b < star.size(); ++b) {
      if (b == a) continue;
      if (star[b]->hops.empty())
        routes += route_xml(star[a]->src, star[b]->src, star[a]->hops, in);
      else if (b > a) {
        std::vector<PlanHop> hops = star[a]->hops;
        for (const PlanHop& h : reversed(star[b]->hops)) hops.push_back(h);
        routes += route_xml(star[a]->src, star[b]->src, hops, in);
      }
    }
  }
  return out + routes + indent + "</zone>\n";
}

} // namespace

std::string platform_xml(const PlatformSpec& p) {
  std::string out = "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n";
  out += fmt::format("<!-- Exported by riftsim from {} (model/platform_plan.hpp: the platform the engine "
                     "builds) -->\n<platform version=\"4.1\">\n",
                     xml_escape(p.file));
  // A <cluster> gives every host the same speed and properties: a fat-tree whose last host stands for
  // fewer nodes than the others has no SimGrid XML.
  for (const auto& prov : p.providers)
    for (const auto& r : prov.regions)
      for (const auto& c : r.clusters)
        if (c.xml_export_error) throw *c.xml_export_error;
  out += zone_xml(plan_platform(p), "  ");
  return out + "</platform>\n";
}

} // namespace riftsim
