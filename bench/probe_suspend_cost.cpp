// Probe (docs/simgrid-notes.md, "A suspend or resume costs what touching a host costs"): what one
// suspend or resume of an Exec costs through the adapter, with the energy plugin on, as the number of
// hosts grows. One actor holds an Exec on every host and, round after round, computes 10 s, suspends
// them all (a checkpoint), waits 1 s and resumes them, as a job's runner does between segments. With
// `riftsim` as third argument, the adapter takes the energy plugin and the VM model off the suspend and
// resume signals first, as a simulation does (sg::take_over_energy_updates, sg::take_off_vm_hooks); with
// `simgrid`, SimGrid's hooks stay. The joules must be the same.
// Usage: probe_suspend_cost [HOSTS [ROUNDS [riftsim|simgrid]]]   (default 64 20000 riftsim)
#include "engine/sg_compat.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <simgrid/plugins/energy.h>
#include <string>

namespace sg4 = simgrid::s4u;

int main(int argc, char** argv) {
  const int hosts = argc > 1 ? std::atoi(argv[1]) : 64;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 20000;
  const std::string hooks = argc > 3 ? argv[3] : "riftsim";
  if (hosts < 1 || rounds < 1 || (hooks != "riftsim" && hooks != "simgrid")) {
    std::fprintf(stderr, "usage: probe_suspend_cost [HOSTS [ROUNDS [riftsim|simgrid]]]\n");
    return 2;
  }
  int sg_argc = 2;
  char arg0[] = "probe", quiet[] = "--log=root.thres:critical";
  char* sg_argv[] = {arg0, quiet, nullptr};
  sg4::Engine engine(&sg_argc, sg_argv);
  sg_host_energy_plugin_init();
  auto* zone = sg4::create_full_zone("world");
  std::vector<sg4::Host*> nodes;
  for (int i = 0; i < hosts; ++i) {
    auto* h = zone->create_host("node-" + std::to_string(i), 1e9);
    h->set_property("wattage_per_state", "100:100:200");
    h->set_property("wattage_off", "0");
    nodes.push_back(h);
  }
  auto* control = zone->create_host("control", 1e9);
  zone->seal();
  bool energy_taken = false, vm_taken = false;
  if (hooks == "riftsim") {
    energy_taken = riftsim::sg::take_over_energy_updates();
    vm_taken = riftsim::sg::take_off_vm_hooks();
  }
  double joules = 0;
  riftsim::sg::spawn("runner", control, [&] {
    std::vector<sg4::ExecPtr> execs;
    for (auto* h : nodes) execs.push_back(sg4::this_actor::exec_init(1e15)->set_host(h)->start());
    for (int r = 0; r < rounds; ++r) {
      sg4::this_actor::sleep_for(10);
      riftsim::sg::set_suspended(execs, true);
      sg4::this_actor::sleep_for(1);
      riftsim::sg::set_suspended(execs, false);
    }
    for (auto* h : nodes) joules += sg_host_get_consumed_energy(h);
    for (auto& e : execs) e->cancel();
  });
  auto t0 = std::chrono::steady_clock::now();
  engine.run();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Each host: 10 s busy (200 W) and 1 s idle (100 W) per round.
  double expected = hosts * rounds * (10 * 200.0 + 1 * 100.0);
  std::printf("%d hosts, %d rounds, %s's hooks (energy updates taken over: %s, VM hooks taken off: %s): "
              "%.2f s, %.0f ns per suspend or resume; energy %.6g J (expected %.6g)\n",
              hosts, rounds, hooks.c_str(), energy_taken ? "yes" : "no", vm_taken ? "yes" : "no", s,
              s / (2.0 * hosts * rounds) * 1e9, joules, expected);
  return 0;
}
