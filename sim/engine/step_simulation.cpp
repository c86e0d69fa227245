#include "engine/step_simulation.hpp"

#include "engine/platform_builder.hpp"
#include "engine/sim_log.hpp"

#include <fmt/format.h>

namespace riftsim {

namespace {

using NetPoint = simgrid::kernel::routing::NetPoint;

/// A star: every host with its own split-duplex link to one switch.
std::vector<sg4::Host*> build_star(sg4::NetZone* parent, const std::string& name, int hosts, double bandwidth,
                                   double latency) {
  sg4::NetZone* zone = sg::new_star_zone(name, parent);
  NetPoint* sw = zone->create_router(name + "/switch");
  zone->add_route(sw, nullptr, nullptr, nullptr, {}, true);
  std::vector<sg4::Host*> out;
  for (int i = 0; i < hosts; ++i) {
    sg4::Host* h = zone->create_host(fmt::format("{}/{}", name, i), 1e9)->seal();
    sg4::Link* l =
        zone->create_split_duplex_link(h->get_name() + "/link", bandwidth)->set_latency(latency)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {{l, sg4::LinkInRoute::Direction::UP}},
                    true);
    out.push_back(h);
  }
  zone->seal();
  return out;
}

/// The cluster's two-level fat-tree with one host per node, shaped as the campaign's (model.cpp).
std::vector<sg4::Host*> build_fat_tree(sg4::NetZone* parent, const ClusterSpec& c, int job_nodes) {
  FatTreeShape shape = step_fabric_shape(c, job_nodes); // the leaf the plan folded its phases on
  std::vector<sg4::Host*> out;
  auto make_host = [&out](sg4::NetZone* zone, const std::vector<unsigned long>&, unsigned long id) {
    sg4::Host* h = zone->create_host(fmt::format("node/{}", id), 1e9)->seal();
    out.push_back(h);
    return std::make_pair(h->get_netpoint(), static_cast<NetPoint*>(nullptr));
  };
  sg4::FatTreeParams params(2, {shape.down, shape.leaves}, {1, shape.up}, {1, 1});
  sg::new_fat_tree_zone("fabric", parent, params, sg4::ClusterCallbacks(make_host), c.node_network.raw(),
                        kFabricLinkLatency)
      ->seal();
  return out;
}

/// Runs a phase: the flows of each round started together, the rounds one after the other.
double run_phase(const std::vector<sg4::Host*>& hosts, const PhasePlan& p) {
  double t0 = sg4::Engine::get_clock();
  for (int round = 0; round < p.rounds; ++round) {
    std::vector<sg4::CommPtr> comms;
    for (const Flow& f : p.flows)
      if (f.round == round)
        comms.push_back(sg4::Comm::sendto_async(hosts.at(static_cast<size_t>(f.src)),
                                                hosts.at(static_cast<size_t>(f.dst)),
                                                static_cast<uint64_t>(std::max(1.0, std::ceil(f.bytes)))));
    sg4::Comm::wait_all(comms);
  }
  return sg4::Engine::get_clock() - t0;
}

} // namespace

PhaseCosts simulate_step_phases(const ClusterSpec& c, const StepPlan& plan) {
  int argc = 1;
  char arg0[] = "riftsim-step";
  char* argv[] = {arg0, nullptr};
  quiet_simgrid_logging(argc, argv);
  sg4::Engine engine(&argc, argv);
  configure_network_model();
  sg4::NetZone* world = sg::new_full_zone("step", nullptr);
  std::vector<sg4::Host*> gpus =
      build_star(world, "gpu", c.gpus_per_node, c.scale_up_bandwidth.raw(), kScaleUpLinkLatency);
  // Rail-optimized fabrics carry rail-aligned collectives (each GPU talks to the same rail on other nodes)
  // on separate non-blocking rail planes: a star of node NICs at the nodes' aggregate bandwidth is the
  // same. The spine, and its oversubscription, carry none of them (docs/model-training.md).
  std::vector<sg4::Host*> node_hosts = c.topology == ClusterSpec::Topology::FatTree
                                           ? build_fat_tree(world, c, plan.nodes)
                                           : build_star(world, "node", step_fabric_nodes(c, plan.nodes),
                                                        c.node_network.raw(), kFabricLinkLatency);
  world->seal();

  PhaseCosts costs;
  sg::spawn("step", gpus.front(), [&] {
    for (const PhasePlan& p : plan.phases) costs[p.phase] = run_phase(p.in_node ? gpus : node_hosts, p);
  });
  engine.run();
  return costs;
}

} // namespace riftsim
