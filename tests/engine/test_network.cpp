// The platform as SimGrid sees it: routes and WAN transfers, with the network model configured so that
// S bytes over bandwidth B take S/B + latency, and concurrent transfers share the link fairly.
#include "config/loaders.hpp"
#include "engine/platform_builder.hpp"
#include "engine/wan_transfer.hpp"
#include "output/platform_xml.hpp"
#include "output/result_json.hpp"
#include "test_engine_setup.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <simgrid/plugins/energy.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace riftsim;

namespace {

struct EngineFixture {
  PlatformSpec spec;
  std::unique_ptr<sg4::Engine> engine;
  BuiltPlatform platform;
  explicit EngineFixture(const std::string& file = "mini-platform.yaml")
      : spec(load_platform(std::string(RIFTSIM_TEST_DATA) + "/" + file)) {
    engine = make_test_engine();
    configure_network_model();
    sg_host_energy_plugin_init();
    platform = build_platform(spec);
  }
};

std::vector<std::string> route(sg4::Host* a, sg4::Host* b) {
  std::vector<sg4::Link*> links;
  a->route_to(b, links, nullptr);
  std::vector<std::string> names;
  for (auto* l : links) names.push_back(l->get_name());
  return names;
}

/// A region's store host, by the name the builder gives it.
sg4::Host* store_of(const std::string& region) {
  return sg4::Host::by_name(region + "/storage");
}

/// Writes `spec` as SimGrid XML and loads it into a fresh engine (one per test process).
std::unique_ptr<sg4::Engine> load_exported(const PlatformSpec& spec, const std::string& tag) {
  std::string path = "/tmp/riftsim-export-" + tag + "-" + std::to_string(::getpid()) + ".xml";
  write_file_atomically(path, platform_xml(spec));
  auto e = make_test_engine();
  e->load_platform(path);
  std::remove(path.c_str());
  return e;
}

/// Runs `fn` in a child process and returns what it wrote to `out` (a process holds one engine).
std::string in_child(const std::function<void(FILE* out)>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::freopen("/dev/null", "w", stderr);
    FILE* out = fdopen(fds[1], "w");
    try {
      fn(out);
    } catch (const std::exception& e) {
      std::fprintf(out, " error: %s\n", e.what());
    }
    std::fflush(out);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return text;
}

/// The platform SimGrid holds, in words: every host (speed, properties, disks) and, for every ordered
/// pair of hosts, its route (links with bandwidth, latency and sharing) or "no route" (SimGrid 3.32 throws
/// on a pair it cannot route).
void describe_platform(sg4::Engine& e, FILE* out) {
  auto hosts = e.get_all_hosts();
  std::sort(hosts.begin(), hosts.end(), [](auto* a, auto* b) { return a->get_name() < b->get_name(); });
  for (auto* h : hosts) {
    std::fprintf(out, "host %s speed %.17g", h->get_cname(), h->get_speed());
    std::map<std::string, std::string> props;
    for (const auto& [k, v] : *h->get_properties()) props[k] = v;
    for (const auto& [k, v] : props) std::fprintf(out, " %s=%s", k.c_str(), v.c_str());
    for (auto* d : h->get_disks())
      std::fprintf(out, " disk %s %.17g/%.17g", d->get_cname(), d->get_read_bandwidth(),
                   d->get_write_bandwidth());
    std::fprintf(out, "\n");
  }
  for (auto* a : hosts)
    for (auto* b : hosts) {
      if (a == b) continue;
      std::string route;
      try {
        std::vector<sg4::Link*> links;
        a->route_to(b, links, nullptr);
        for (auto* l : links)
          route += fmt::format(" {}({:.17g},{:.17g},{})", l->get_cname(), l->get_bandwidth(),
                               l->get_latency(), static_cast<int>(l->get_sharing_policy()));
      } catch (const std::exception& e) {
        route = std::string(" no route: ") + e.what();
      }
      std::fprintf(out, "%s -> %s:%s\n", a->get_cname(), b->get_cname(), route.c_str());
    }
}

/// The platform as the engine builds it and as its SimGrid XML export loads, each described in a child.
std::pair<std::string, std::string> built_and_exported(const std::string& file) {
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/" + file);
  std::string built = in_child([&](FILE* out) {
    auto e = make_test_engine();
    configure_network_model();
    build_platform(spec);
    describe_platform(*e, out);
  });
  std::string exported =
      in_child([&](FILE* out) { describe_platform(*load_exported(spec, "described"), out); });
  return {built, exported};
}

} // namespace

TEST(Network, TheExportedXmlHoldsTheSameHostsLinksAndRoutesAsTheEngine) {
  // Every host pair, routed or not, compared between the engine's platform and the XML: the two cannot
  // drift apart unnoticed. portfolio.yaml: 404 cluster hosts, fat-trees of 63 and 78 hosts of 32 nodes.
  for (const char* file :
       {"mini-platform.yaml", "fat-tree-platform.yaml", "rail-platform.yaml", "paths-platform.yaml",
        "../../platforms/clouds.yaml", "../../platforms/portfolio.yaml"}) {
    SCOPED_TRACE(file);
    auto [built, exported] = built_and_exported(file);
    ASSERT_NE(built.find("host "), std::string::npos) << built;
    EXPECT_NE(built.find("-> "), std::string::npos);
    // Compared line by line, so that a failure names the host or the route.
    std::istringstream b(built), x(exported);
    std::string lb, lx;
    int lines = 0;
    while (std::getline(b, lb)) {
      ASSERT_TRUE(std::getline(x, lx)) << "the export ends before: " << lb;
      EXPECT_EQ(lx, lb);
      ++lines;
    }
    EXPECT_FALSE(std::getline(x, lx)) << "the export has more: " << lx;
    EXPECT_GT(lines, 100);
  }
}

TEST(Network, OneTransferTakesSizeOverBandwidthPlusLatency) {
  EngineFixture f;
  double took = -1;
  sg::spawn("t", f.platform.control, [&] {
    WanTransfer t("checkpoint", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"),
                  Bytes(10e9), {&f.platform.paths.at("alpha-beta")}, 1, f.platform);
    took = t.wait();
  });
  f.engine->run();
  // 10 GB over the 8 Gbps (1 GB/s) link, 10 ms latency; the 10 GB/s storage links are not the bottleneck.
  EXPECT_NEAR(took, 10.0 + 0.010, 1e-9);
}

TEST(Network, ConcurrentTransfersShareTheLinkStreamByStream) {
  // 10 GB in one stream and 10 GB in four share the 1 GB/s link as five flows of 0.2 GB/s: the four
  // streams (2.5 GB each) end after 12.5 s, then the single stream has the link for its last 7.5 GB.
  EngineFixture f;
  double a = -1, b = -1;
  sg::spawn("t", f.platform.control, [&] {
    auto& path = f.platform.paths.at("alpha-beta");
    WanTransfer t1("x", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"), Bytes(10e9),
                   {&path}, 1, f.platform);
    WanTransfer t2("y", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"), Bytes(10e9),
                   {&path}, 4, f.platform);
    a = t1.wait();
    b = t2.wait();
    EXPECT_NEAR(t1.record().egress.raw(), 10 * 0.10, 1e-12); // alpha's egress price
  });
  f.engine->run();
  EXPECT_NEAR(a, 20.0 + 0.010, 1e-9);
  EXPECT_NEAR(b, 12.5 + 0.010, 1e-9);
}

TEST(Network, ACopyEndsWhenItsLastByteArrivesNotWhenItsWaiterGetsToIt) {
  // 5 GB and 10 GB share the 1 GB/s link: the first ends after 10 s, the second after 15 s. Waiting for
  // the second first must not stamp the first at 15 s.
  EngineFixture f;
  TransferRecord small, large;
  sg::spawn("t", f.platform.control, [&] {
    auto& path = f.platform.paths.at("alpha-beta");
    WanTransfer t1("small", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"), Bytes(5e9),
                   {&path}, 1, f.platform);
    WanTransfer t2("large", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"), Bytes(10e9),
                   {&path}, 1, f.platform);
    EXPECT_NEAR(t2.wait(), 15.0 + 0.010, 1e-9);
    EXPECT_NEAR(t1.wait(), 10.0 + 0.010, 1e-9);
    small = t1.record();
    large = t2.record();
  });
  f.engine->run();
  EXPECT_NEAR(small.end.raw(), 10.0 + 0.010, 1e-9);
  EXPECT_NEAR(large.end.raw(), 15.0 + 0.010, 1e-9);
}

/// Times one 10 GB copy alpha -> beta over `path` with `streams` streams on paths-platform.yaml.
TransferRecord copy_over(const std::string& path, int streams) {
  EngineFixture f("paths-platform.yaml");
  TransferRecord r;
  sg::spawn("t", f.platform.control, [&] {
    WanTransfer t("checkpoint", f.platform.regions.at("alpha/r1"), f.platform.regions.at("beta/r1"),
                  Bytes(10e9), {&f.platform.paths.at(path)}, streams, f.platform);
    t.wait();
    r = t.record();
  });
  f.engine->run();
  return r;
}

TEST(Network, ACopyWhoseLinkGoesDownGoesOnOverTheOtherPathWithWhatItHadLeft) {
  EngineFixture f("paths-platform.yaml");
  TransferRecord r;
  auto& alpha = f.platform.regions.at("alpha/r1");
  auto& beta = f.platform.regions.at("beta/r1");
  sg::spawn("t", f.platform.control, [&] {
    WanTransfer t("checkpoint", alpha, beta, Bytes(10e9),
                  candidate_paths(f.platform, alpha, beta, {"alpha-beta-dx"}), 4, f.platform);
    t.wait();
    r = t.record();
  });
  sg::spawn("cut", f.platform.control, [&] {
    sg4::this_actor::sleep_until(0.5);
    set_path_up(f.platform, f.platform.paths.at("alpha-beta-dx"), false);
  });
  f.engine->run();
  // On the interconnect the 10 GB/s stores limit the 4 streams to 2.5 GB/s each, after 2 ms of latency:
  // at 0.5 s each has 2.5 GB - 0.498 s x 2.5 GB/s = 1.255 GB left. On the internet each gets its 1 Gbps
  // per-flow cap (4 Gbps in all, under the 8 Gbps link): 10.04 s more, after 10 ms of latency.
  double left = 2.5e9 - 0.498 * 2.5e9;
  EXPECT_NEAR(r.end.raw(), 0.5 + 0.010 + left / 0.125e9, 1e-6);
  EXPECT_EQ(r.path, "alpha-beta-dx,alpha-beta");
  EXPECT_NEAR(r.egress.raw(), 10 * 0.02, 1e-12); // priced on the path it started on
}

TEST(Network, ACopyWithNoPathUpWaitsForTheLinkToComeBack) {
  EngineFixture f;
  double end = -1;
  auto& alpha = f.platform.regions.at("alpha/r1");
  auto& beta = f.platform.regions.at("beta/r1");
  sg::spawn("t", f.platform.control, [&] {
    WanTransfer t("checkpoint", alpha, beta, Bytes(10e9), candidate_paths(f.platform, alpha, beta, {}), 1,
                  f.platform);
    end = t.wait();
  });
  sg::spawn("cut", f.platform.control, [&] {
    sg4::this_actor::sleep_until(4);
    set_path_up(f.platform, f.platform.paths.at("alpha-beta"), false);
    sg4::this_actor::sleep_until(100);
    set_path_up(f.platform, f.platform.paths.at("alpha-beta"), true);
  });
  f.engine->run();
  // 1 GB/s: 3.99 GB sent by t=4 (after 10 ms latency); the 6.01 GB left go from t=100.
  EXPECT_NEAR(end, 100 + 0.010 + (10e9 - 3.99e9) / 1e9, 1e-6);
}

TEST(Network, EachStreamIsCappedAtThePathsPerFlowRate) {
  // 10 GB over the 8 Gbps internet path, 1 Gbps per stream: one stream 80 s, four 20 s.
  TransferRecord r = copy_over("alpha-beta", 4);
  EXPECT_NEAR((r.end - r.start).raw(), 20.0 + 0.010, 1e-6);
  EXPECT_EQ(r.path, "alpha-beta");
  EXPECT_EQ(r.streams, 4);
}

TEST(Network, MoreStreamsThanTheLinkHoldsShareIt) {
  // 16 streams could take 16 Gbps; the link has 8: 10 GB in 10 s.
  TransferRecord r = copy_over("alpha-beta", 16);
  EXPECT_NEAR((r.end - r.start).raw(), 10.0 + 0.010, 1e-6);
}

TEST(Network, ANamedInterconnectIsTakenAndBilledAtItsOwnEgress) {
  // 100 Gbps interconnect, no per-flow cap: the 10 GB/s stores are the bottleneck, 1 s + 2 ms.
  TransferRecord r = copy_over("alpha-beta-dx", 1);
  EXPECT_NEAR((r.end - r.start).raw(), 1.0 + 0.002, 1e-6);
  EXPECT_NEAR(r.egress.raw(), 10 * 0.02, 1e-12); // $0.02/GB, not alpha's internet $0.10/GB
}

TEST(Network, EachPathHasItsOwnRouteThroughTheSameStores) {
  EngineFixture f("paths-platform.yaml");
  auto& dx = f.platform.paths.at("alpha-beta-dx");
  auto& inet = f.platform.paths.at("alpha-beta");
  EXPECT_EQ(route(dx.end_a, dx.end_b),
            (std::vector<std::string>{"alpha/r1/storage-net", "alpha-beta-dx", "beta/r1/storage-net"}));
  EXPECT_EQ(route(inet.end_b, inet.end_a),
            (std::vector<std::string>{"beta/r1/storage-net", "alpha-beta/per-flow", "alpha-beta",
                                      "alpha/r1/storage-net"}));
  // The store-to-store route is the default path, the first listed.
  EXPECT_EQ(route(store_of("alpha/r1"), store_of("beta/r1")),
            (std::vector<std::string>{"alpha/r1/storage-net", "alpha-beta", "beta/r1/storage-net"}));
}

TEST(Network, RoutesCrossTheExpectedLinks) {
  EngineFixture f;
  EXPECT_EQ(route(store_of("alpha/r1"), store_of("beta/r1")),
            (std::vector<std::string>{"alpha/r1/storage-net", "alpha-beta", "beta/r1/storage-net"}));
  auto& c1 = f.platform.cluster("alpha/r1/c1");
  ASSERT_EQ(c1.hosts.size(), 4u);
  EXPECT_EQ(route(c1.hosts[0], c1.hosts[1]),
            (std::vector<std::string>{"alpha/r1/c1/0/nic_UP", "alpha/r1/c1/1/nic_DOWN"}));
  EXPECT_EQ(route(c1.hosts[0], store_of("alpha/r1")),
            (std::vector<std::string>{"alpha/r1/c1/0/nic_UP", "alpha/r1/c1/uplink", "alpha/r1/storage-net"}));
  // Leaving the region goes through its gateway router, not through the store's own link.
  EXPECT_EQ(route(c1.hosts[0], store_of("beta/r1")),
            (std::vector<std::string>{"alpha/r1/c1/0/nic_UP", "alpha/r1/c1/uplink", "alpha-beta",
                                      "beta/r1/storage-net"}));
  // Between two clusters of one region (beta): up one uplink and down the other, no WAN.
  auto& c2 = f.platform.cluster("beta/r1/c2");
  auto& small = f.platform.cluster("beta/r1/small");
  EXPECT_EQ(route(c2.hosts[0], small.hosts[1]),
            (std::vector<std::string>{"beta/r1/c2/0/nic_UP", "beta/r1/c2/uplink", "beta/r1/small/uplink",
                                      "beta/r1/small/1/nic_DOWN"}));
  // Across providers, cluster to cluster: both uplinks and the WAN link.
  EXPECT_EQ(route(c1.hosts[2], c2.hosts[3]),
            (std::vector<std::string>{"alpha/r1/c1/2/nic_UP", "alpha/r1/c1/uplink", "alpha-beta",
                                      "beta/r1/c2/uplink", "beta/r1/c2/3/nic_DOWN"}));
}

TEST(Network, HostsStandForNodeGroupsWithTheirAggregatePeak) {
  EngineFixture f;
  auto& c1 = f.platform.cluster("alpha/r1/c1");
  EXPECT_DOUBLE_EQ(c1.hosts[0]->get_speed(), 8 * 100e12); // one node of 8 GPUs
  EXPECT_EQ(c1.free_gpus(), 32);
}

TEST(Network, ExportedXmlLoadsInSimGridWithTheSameHostsAndRoutes) {
  // The same platform, built by riftsim (EngineFixture) and written as SimGrid XML, loaded in a second
  // engine would break the one-engine-per-process rule; so load only the XML here.
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/mini-platform.yaml");
  auto engine = load_exported(spec, "mini");
  sg4::Engine& e = *engine;
  // 4 + 4 + 2 cluster hosts, 2 stores, the control host, the two ends of the WAN link.
  EXPECT_EQ(e.get_host_count(), 15u);
  EXPECT_EQ(route(e.host_by_name("alpha/r1/storage"), e.host_by_name("beta/r1/storage")),
            (std::vector<std::string>{"alpha/r1/storage-net", "alpha-beta", "beta/r1/storage-net"}));
  EXPECT_EQ(route(e.host_by_name("alpha/r1/c1/0"), e.host_by_name("alpha/r1/c1/1")),
            (std::vector<std::string>{"alpha/r1/c1/0/nic_UP", "alpha/r1/c1/1/nic_DOWN"}));
  EXPECT_EQ(route(e.host_by_name("alpha/r1/c1/0"), e.host_by_name("beta/r1/storage")),
            (std::vector<std::string>{"alpha/r1/c1/0/nic_UP", "alpha/r1/c1/uplink", "alpha-beta",
                                      "beta/r1/storage-net"}));
  EXPECT_EQ(route(e.host_by_name("beta/r1/c2/0"), e.host_by_name("beta/r1/small/1")),
            (std::vector<std::string>{"beta/r1/c2/0/nic_UP", "beta/r1/c2/uplink", "beta/r1/small/uplink",
                                      "beta/r1/small/1/nic_DOWN"}));
  EXPECT_DOUBLE_EQ(e.host_by_name("beta/r1/c2/0")->get_speed(), 8 * 200e12);
  EXPECT_EQ(std::string(e.host_by_name("alpha/r1/c1/0")->get_property("wattage_per_state")), "1000:2000");
  EXPECT_EQ(e.host_by_name("alpha/r1/storage")->get_disks().size(), 1u);
}

/// The hosts a platform's SimGrid counterpart has: control, each WAN link's two endpoints, each region's
/// store and each cluster's hosts.
size_t host_count_of(const PlatformSpec& spec) {
  size_t hosts = 1 + 2 * spec.links.size();
  for (const auto& p : spec.providers)
    for (const auto& r : p.regions) {
      hosts += 1;
      for (const auto& c : r.clusters) hosts += static_cast<size_t>(c.host_count());
    }
  return hosts;
}

TEST(Network, TheShippedPlatformExportsAndLoads) {
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/../../platforms/clouds.yaml");
  auto engine = load_exported(spec, "clouds");
  sg4::Engine& e = *engine;
  EXPECT_EQ(e.get_host_count(), host_count_of(spec));
  EXPECT_EQ(route(e.host_by_name("azure/eastus/storage"), e.host_by_name("gcp/us-central1/storage")).size(),
            3u);
  // A named interconnect next to the default internet path, as the engine builds it.
  EXPECT_EQ(route(e.host_by_name("azure-aws-interconnect@azure/eastus"),
                  e.host_by_name("azure-aws-interconnect@aws/us-east-1")),
            (std::vector<std::string>{"azure/eastus/storage-net", "azure-aws-interconnect",
                                      "aws/us-east-1/storage-net"}));
  EXPECT_EQ(route(e.host_by_name("azure-aws-internet@aws/us-east-1"),
                  e.host_by_name("azure-aws-internet@azure/eastus")),
            (std::vector<std::string>{"aws/us-east-1/storage-net", "azure-aws-internet/per-flow",
                                      "azure-aws-internet", "azure/eastus/storage-net"}));
}

TEST(Energy, AnIdleAndABusyNodeOverOneHourDrawTheirCatalogPower) {
  // Two hosts of one node each on alpha/r1/c1 (1 kW idle, 2 kW busy): one computes for an hour at full
  // speed, the other stays idle.
  EngineFixture f;
  auto& c1 = f.platform.cluster("alpha/r1/c1");
  sg4::Host* busy = c1.hosts[0];
  sg4::Host* idle = c1.hosts[1];
  sg::spawn("work", f.platform.control, [busy] {
    sg4::ExecPtr e = sg4::this_actor::exec_init(busy->get_speed() * 3600)->set_host(busy);
    e->start();
    e->wait();
  });
  f.engine->run();
  EXPECT_NEAR(sg4::Engine::get_clock(), 3600, 1e-9);
  EXPECT_NEAR(sg_host_get_consumed_energy(busy), 2000.0 * 3600, 1e-6);
  EXPECT_NEAR(sg_host_get_consumed_energy(idle), 1000.0 * 3600, 1e-6);
}

TEST(Network, AnExportedFatTreeLoadsAsTheSameFatTree) {
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/fat-tree-platform.yaml");
  auto engine = load_exported(spec, "fat-tree");
  sg4::Engine& e = *engine;
  sg4::Host* h0 = e.host_by_name("alpha/r1/c1/0");
  sg4::Host* h3 = e.host_by_name("alpha/r1/c1/3");
  EXPECT_DOUBLE_EQ(h3->get_speed(), 8 * 100e12);
  EXPECT_EQ(std::string(h3->get_property("wattage_per_state")), "1000:2000");
  EXPECT_EQ(route(h0, e.host_by_name("alpha/r1/c1/1")).size(), 2u); // the same as the engine's build
  EXPECT_EQ(route(h0, h3).size(), 4u);
  auto out = route(h3, e.host_by_name("beta/r1/storage"));
  ASSERT_GE(out.size(), 3u);
  EXPECT_EQ(out[out.size() - 3], "alpha/r1/c1/uplink");
  EXPECT_EQ(out.back(), "beta/r1/storage-net");
}

TEST(Network, ARailOptimizedClusterRoutesPairsOverOneRailAndOutThroughTheSpine) {
  EngineFixture f("rail-platform.yaml");
  auto& c1 = f.platform.cluster("alpha/r1/c1");
  ASSERT_EQ(c1.hosts.size(), 4u);
  // Hosts 0 and 1 meet on rail (0 + 1) mod 4 = 1, without the spine.
  EXPECT_EQ(route(c1.hosts[0], c1.hosts[1]),
            (std::vector<std::string>{"alpha/r1/c1/0/rail-1_UP", "alpha/r1/c1/1/rail-1_DOWN"}));
  // Host 2 leaves over its rail 2, that rail's uplink to the spine, then the region's uplink.
  EXPECT_EQ(route(c1.hosts[2], store_of("beta/r1")),
            (std::vector<std::string>{"alpha/r1/c1/2/rail-2_UP", "alpha/r1/c1/rail-2/up",
                                      "alpha/r1/c1/uplink", "alpha-beta", "beta/r1/storage-net"}));
  // Each rail NIC carries a quarter of the node's 800 Gbps.
  EXPECT_DOUBLE_EQ(f.engine->link_by_name("alpha/r1/c1/3/rail-0_UP")->get_bandwidth(), 200e9 / 8);
}

TEST(Network, AnExportedRailOptimizedClusterLoadsWithTheSameRoutes) {
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/rail-platform.yaml");
  auto engine = load_exported(spec, "rail");
  sg4::Engine& e = *engine;
  EXPECT_EQ(route(e.host_by_name("alpha/r1/c1/0"), e.host_by_name("alpha/r1/c1/1")),
            (std::vector<std::string>{"alpha/r1/c1/0/rail-1_UP", "alpha/r1/c1/1/rail-1_DOWN"}));
  EXPECT_EQ(route(e.host_by_name("alpha/r1/c1/2"), e.host_by_name("beta/r1/storage")),
            (std::vector<std::string>{"alpha/r1/c1/2/rail-2_UP", "alpha/r1/c1/rail-2/up",
                                      "alpha/r1/c1/uplink", "alpha-beta", "beta/r1/storage-net"}));
}

TEST(Network, AFatTreeClusterRoutesThroughItsSwitches) {
  // 4 hosts: 2 leaf switches of 2 hosts, each with 2 / oversubscription 2 = 1 uplink to 1 top switch.
  EngineFixture f("fat-tree-platform.yaml");
  auto& c1 = f.platform.cluster("alpha/r1/c1");
  ASSERT_EQ(c1.hosts.size(), 4u);
  auto same_switch = route(c1.hosts[0], c1.hosts[1]);
  auto across = route(c1.hosts[0], c1.hosts[3]);
  EXPECT_EQ(same_switch.size(), 2u); // up to the leaf switch and down
  EXPECT_EQ(across.size(), 4u);      // up to the top switch and down
  EXPECT_GT(across.size(), same_switch.size());
  // Out of the cluster through its gateway (the first host), then the region's uplink and the WAN.
  auto out = route(c1.hosts[3], store_of("beta/r1"));
  ASSERT_GE(out.size(), 3u);
  EXPECT_EQ(out[out.size() - 3], "alpha/r1/c1/uplink");
  EXPECT_EQ(out[out.size() - 2], "alpha-beta");
  EXPECT_EQ(out.back(), "beta/r1/storage-net");
}

TEST(Network, EgressTiersStartOverEveryBillingMonth) {
  // alpha with its first 100 GB a month free, then $0.10/GB: 100 GB out now is free, 100 GB more the
  // same month cost $10, and 100 GB in the next month (730 h later) are free again.
  PlatformSpec spec = load_platform(std::string(RIFTSIM_TEST_DATA) + "/mini-platform.yaml");
  for (auto& p : spec.providers)
    if (p.name == "alpha") p.tiers = {{Bytes(100e9), UsdPerGB(0)}, {Bytes(0), UsdPerGB(0.10)}};
  auto engine = make_test_engine();
  configure_network_model();
  sg_host_energy_plugin_init();
  BuiltPlatform platform = build_platform(spec);
  std::vector<double> egress;
  sg::spawn("t", platform.control, [&] {
    for (double at : {0.0, 1000.0, 730 * 3600.0 + 1}) {
      sg4::this_actor::sleep_until(at);
      WanTransfer t("checkpoint", platform.regions.at("alpha/r1"), platform.regions.at("beta/r1"),
                    Bytes(100e9), {&platform.paths.at("alpha-beta")}, 1, platform,
                    &platform.egress_this_month("alpha"));
      t.wait();
      egress.push_back(t.record().egress.raw());
    }
  });
  engine->run();
  ASSERT_EQ(egress.size(), 3u);
  EXPECT_NEAR(egress[0], 0, 1e-9);
  EXPECT_NEAR(egress[1], 10, 1e-9);
  EXPECT_NEAR(egress[2], 0, 1e-9);
}
