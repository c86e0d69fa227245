#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

const char* kCluster = R"(
providers:
  p:
    egress: $0.1/GB
    regions:
      r:
        storage_bandwidth: 10GB/s
        clusters:
          c:
            instance: x
            nodes: 10
            gpus_per_node: 8
            gpu_peak: 100TFLOPS
            node_network: 400Gbps
            node_power_idle: 1kW
            node_power_busy: 2kW
            price: $10/h
)";

/// Runs `fn`, expects an InputError, and returns it for position checks.
template <class F> InputError expect_input_error(F fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError";
  return InputError({"", 0, 0}, "");
}

std::string read_file_for_test(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

} // namespace

TEST(PlatformLoader, ReadsClustersIntoTypedQuantities) {
  PlatformSpec p = parse_platform(kCluster, "p.yaml");
  const ClusterSpec* c = p.find_cluster("p/r/c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->nodes, 10);
  EXPECT_DOUBLE_EQ(c->gpu_peak.raw(), 100e12);
  EXPECT_DOUBLE_EQ(c->node_peak().raw(), 800e12); // node peak = GPUs x per-GPU peak
  EXPECT_DOUBLE_EQ(c->node_network.raw(), 50e9);
  EXPECT_DOUBLE_EQ(c->node_price.raw(), 10.0);
  EXPECT_EQ(c->nodes_per_host, 2); // 8 hosts at most by default: 10 nodes on 5 hosts of 2
  EXPECT_EQ(c->host_count(), 5);
}

TEST(PlatformLoader, LargeClustersGroupNodesIntoHosts) {
  PlatformSpec p = parse_platform(replace(kCluster, "nodes: 10", "nodes: 3200"), "p.yaml");
  const ClusterSpec* c = p.find_cluster("p/r/c");
  EXPECT_EQ(c->nodes_per_host, 400);
  EXPECT_EQ(c->host_count(), 8);
}

TEST(PlatformLoader, UnknownKeyIsReportedAtItsLineAndColumn) {
  auto e = expect_input_error([] {
    parse_platform(replace(kCluster, "            price:", "            colour: red\n            price:"),
                   "p.yaml");
  });
  EXPECT_EQ(e.pos().file, "p.yaml");
  EXPECT_EQ(e.pos().line, 17);
  EXPECT_EQ(e.pos().column, 13);
  EXPECT_NE(e.message().find("unknown key 'colour'"), std::string::npos) << e.what();
}

TEST(PlatformLoader, AMisspelledKeyIsUnknownAtItsOwnLineWithTheKeyMeant) {
  // A required key written wrong is reported where it is written, not as missing at its parent's line.
  auto e = expect_input_error(
      [] { parse_platform(replace(kCluster, "gpus_per_node: 8", "gpus_per_nod: 8"), "p.yaml"); });
  EXPECT_EQ(e.pos().line, 12);
  EXPECT_EQ(e.pos().column, 13);
  EXPECT_NE(e.message().find("unknown key 'gpus_per_nod' in cluster 'p/r/c' (did you mean 'gpus_per_node'?)"),
            std::string::npos)
      << e.what();
  // An optional one, with the valid keys.
  e = expect_input_error([] {
    parse_platform(replace(kCluster, "            price:", "            lead_tiem: 1d\n            price:"),
                   "p.yaml");
  });
  EXPECT_EQ(e.pos().line, 17);
  EXPECT_NE(
      e.message().find("unknown key 'lead_tiem' in cluster 'p/r/c' (did you mean 'lead_time'?) (valid keys:"),
      std::string::npos)
      << e.what();
  // Nothing close: no guess.
  e = expect_input_error([] {
    parse_platform(replace(kCluster, "            price:", "            colour: red\n            price:"),
                   "p.yaml");
  });
  EXPECT_EQ(e.message().find("did you mean"), std::string::npos) << e.what();
}

TEST(Fields, DidYouMeanGuessesTyposOnly) {
  const std::set<std::string> keys = {"nodes", "lead_time", "storage_bandwidth", "gpus_per_node"};
  EXPECT_EQ(did_you_mean("nodse", keys), " (did you mean 'nodes'?)"); // swapped neighbours
  EXPECT_EQ(did_you_mean("storage_bandwith", keys),
            " (did you mean 'storage_bandwidth'?)");                          // a letter dropped
  EXPECT_EQ(did_you_mean("lead-time", keys), " (did you mean 'lead_time'?)"); // a letter changed
  EXPECT_EQ(did_you_mean("colour", keys), "");
  EXPECT_EQ(did_you_mean("nodes", keys), ""); // the word itself is no guess
}

TEST(PlatformLoader, WrongUnitNamesTheValue) {
  auto e = expect_input_error([] { parse_platform(replace(kCluster, "100TFLOPS", "100TB"), "p.yaml"); });
  EXPECT_EQ(e.pos().line, 13);
  EXPECT_EQ(e.pos().column, 23);
  EXPECT_NE(e.message().find("gpu_peak"), std::string::npos) << e.what();
}

TEST(PlatformLoader, RejectsZeroNegativeAndMissing) {
  expect_input_error([] { parse_platform(replace(kCluster, "nodes: 10", "nodes: 0"), "p.yaml"); });
  expect_input_error([] { parse_platform(replace(kCluster, "10GB/s", "-10GB/s"), "p.yaml"); });
  auto e = expect_input_error(
      [] { parse_platform(replace(kCluster, "            price: $10/h\n", ""), "p.yaml"); });
  EXPECT_NE(e.message().find("missing required key 'price'"), std::string::npos) << e.what();
}

TEST(PlatformLoader, SyntaxErrorHasPosition) {
  auto e = expect_input_error([] { parse_platform("providers:\n  p: [oops\n", "p.yaml"); });
  EXPECT_EQ(e.pos().file, "p.yaml");
  EXPECT_GE(e.pos().line, 2);
  EXPECT_NE(e.message().find("YAML syntax"), std::string::npos);
}

TEST(PlatformLoader, LinksMustJoinKnownRegions) {
  std::string text = std::string(kCluster) + "links:\n  l:\n    between: [p/r, q/s]\n    bandwidth: 10Gbps\n";
  auto e = expect_input_error([&] { parse_platform(text, "p.yaml"); });
  EXPECT_NE(e.message().find("q/s"), std::string::npos);
}

TEST(WorkloadLoader, FlopsFromParamsAndTokensAndDefaultCheckpointSize) {
  WorkloadSpec w = parse_workload(R"(
jobs:
  j:
    params: 70e9
    tokens: 2T
    gpus: 1024
    mfu: 40%
    checkpoint_interval: 1h
)",
                                  "w.yaml");
  const JobSpec& j = w.jobs.at(0);
  EXPECT_DOUBLE_EQ(j.work.raw(), 6 * 70e9 * 2e12);      // 6·N·D
  EXPECT_DOUBLE_EQ(j.checkpoint_size.raw(), 16 * 70e9); // 16 bytes per parameter by default
  EXPECT_DOUBLE_EQ(j.mfu, 0.4);
  EXPECT_DOUBLE_EQ(j.dataset_size.raw(), 0);
}

TEST(WorkloadLoader, FlopsAndTokensTogetherIsAnError) {
  expect_input_error([] {
    parse_workload(
        "jobs:\n  j:\n    flops: 1e20\n    tokens: 1T\n    params: 1e9\n    gpus: 8\n    mfu: 0.4\n"
        "    checkpoint_interval: 1h\n",
        "w.yaml");
  });
}

TEST(WorkloadLoader, MfuAboveOneIsRejected) {
  auto e = expect_input_error([] {
    parse_workload("jobs:\n  j:\n    flops: 1e20\n    gpus: 8\n    mfu: 1.5\n    checkpoint_interval: 1h\n"
                   "    checkpoint_size: 1TB\n",
                   "w.yaml");
  });
  EXPECT_EQ(e.pos().line, 5);
}

TEST(ScenarioLoader, ResolvesFilesRelativeToTheScenario) {
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml");
  EXPECT_EQ(in.scenario.name, "mini-cutoff");
  ASSERT_EQ(in.scenario.events.size(), 1u);
  const auto& cut = std::get<CutoffEvent>(in.scenario.events[0].event);
  EXPECT_EQ(cut.scope.provider, "alpha");
  EXPECT_DOUBLE_EQ(cut.at.raw(), 20000);
  EXPECT_EQ(in.scenario.placements.at(0).response.targets.size(), 2u);
  EXPECT_DOUBLE_EQ(in.scenario.placements.at(0).response.porting.raw(), 3600);
}

TEST(ScenarioLoader, EveryBadInputFileFailsWithFileLineAndColumn) {
  for (const char* name :
       {"unknown-key", "syntax", "no-such-cluster", "missing-platform", "too-many-gpus", "wrong-unit",
        "missing-unit", "negative", "zero-gpus", "absurd-gpus", "unknown-strategy"}) {
    SCOPED_TRACE(name);
    auto e = expect_input_error([&] { load_inputs(kData + "/bad/" + name + ".yaml"); });
    EXPECT_FALSE(e.pos().file.empty());
    EXPECT_GE(e.pos().line, 1);
    EXPECT_GE(e.pos().column, 1);
  }
}

TEST(ScenarioLoader, AnUnknownNameListsTheValidOnesAndTheClosest) {
  auto e = expect_input_error([] { load_inputs(kData + "/bad/no-such-cluster.yaml"); });
  EXPECT_NE(e.message().find("the platform's clusters: alpha/r1/c1, beta/r1/c2, beta/r1/small"),
            std::string::npos)
      << e.what();
  // An event naming a link with a typo.
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml");
  in.scenario.events.push_back({ProviderEvent(LinkEvent{"alpha-betta", Seconds(1), false}), SourcePos{}});
  e = expect_input_error([&] { check_inputs(in); });
  EXPECT_NE(e.message().find("link 'alpha-betta', which is not in the platform; the platform's links: "
                             "alpha-beta (did you mean 'alpha-beta'?)"),
            std::string::npos)
      << e.what();
}

TEST(ScenarioLoader, MissingScenarioFile) {
  auto e = expect_input_error([] { load_inputs(kData + "/nope.yaml"); });
  EXPECT_NE(e.message().find("cannot open"), std::string::npos);
}

TEST(ScenarioLoader, ShippedPlatformWorkloadAndFlagshipLoad) {
  Inputs in = load_inputs(kData + "/../../workloads/scenarios/gpt4-azure-cutoff.yaml");
  const JobSpec& j = in.workload.jobs.at(0);
  EXPECT_DOUBLE_EQ(j.checkpoint_size.raw(), 16 * 1.8e12);
  EXPECT_EQ(in.platform.providers.size(), 3u);
  for (const auto& p : in.platform.providers)
    for (const auto& r : p.regions)
      for (const auto& c : r.clusters) {
        EXPECT_GT(c.node_price.raw(), 0) << c.id;
        EXPECT_DOUBLE_EQ(c.node_peak().raw(), c.gpu_peak.raw() * c.gpus_per_node) << c.id;
      }
}

TEST(PlatformLoader, CapacityArrivesAfterTheLeadTimeAndRamps) {
  // 250 nodes after 21 days, then +125 a week up to a quota of 1,000 (the platforms issue's example).
  std::string text = replace(kCluster, "nodes: 10", "nodes: 1000");
  text = replace(text, "            price: $10/h\n",
                 "            price: $10/h\n            lead_time: 21d\n            capacity: {quota: 1000, "
                 "initial: 250, "
                 "ramp_nodes: 125, ramp_every: 7d}\n");
  PlatformSpec p = parse_platform(text, "p.yaml");
  const ClusterSpec& c = *p.find_cluster("p/r/c");
  const double day = 86400;
  EXPECT_EQ(c.capacity.available(Seconds(20 * day), c.lead_time), 0);
  EXPECT_EQ(c.capacity.available(Seconds(21 * day), c.lead_time), 250);
  EXPECT_EQ(c.capacity.available(Seconds(28 * day), c.lead_time), 375);
  EXPECT_EQ(c.capacity.available(Seconds(365 * day), c.lead_time), 1000);
  EXPECT_DOUBLE_EQ(c.capacity.full_after(c.lead_time).raw(), (21 + 6 * 7) * day); // 250 + 6 x 125 = 1000
  // Without a capacity block, everything arrives at once after the lead time.
  PlatformSpec q = parse_platform(kCluster, "p.yaml");
  EXPECT_EQ(q.find_cluster("p/r/c")->capacity.available(Seconds(0), Seconds(0)), 10);
  // An initial amount below the quota needs a ramp.
  expect_input_error([&] {
    parse_platform(replace(text, "initial: 250, ramp_nodes: 125, ramp_every: 7d", "initial: 250"), "p.yaml");
  });
}

TEST(Catalog, EveryEntryLoadsWithItsDerivedValues) {
  const std::string dir = kData + "/../../platforms/catalog";
  CatalogSpec cat = load_catalog(dir + "/accelerators.yaml", dir + "/instances.yaml");
  EXPECT_GE(cat.accelerators.size(), 9u);
  EXPECT_GE(cat.instances.size(), 15u);
  for (const auto& i : cat.instances) {
    SCOPED_TRACE(i.name);
    ASSERT_NE(i.accelerator, nullptr);
    EXPECT_DOUBLE_EQ(i.node_peak().raw(), i.accelerator->bf16_dense.raw() * i.accelerators);
    // Every price carries the date it was read and its source.
    ASSERT_NE(i.find_price(PriceKind::OnDemand), nullptr);
    for (const auto& [kind, list] : i.prices) {
      SCOPED_TRACE(price_kind_name(kind));
      EXPECT_GT(list.price.raw(), 0);
      EXPECT_TRUE(is_iso_date(list.as_of)) << list.as_of;
      EXPECT_FALSE(list.source.empty());
      for (const auto& [region, price] : list.regions) EXPECT_GT(price.raw(), 0) << region;
    }
    EXPECT_LE(i.power_idle, i.power_busy);
    EXPECT_TRUE(i.provider == "azure" || i.provider == "aws" || i.provider == "gcp");
  }
  const InstanceSpec* p5 = cat.find_instance("p5.48xlarge");
  ASSERT_NE(p5, nullptr);
  EXPECT_NEAR(p5->node_peak().raw(), 8 * 989.4e12, 1);
  EXPECT_NEAR(p5->find_price(PriceKind::Reserved)->price.raw(), 41.528, 1e-9);
  // AWS's Savings Plans and Azure's reservations as commitments, each with its date.
  EXPECT_NEAR(p5->find_price(PriceKind::Committed1y)->price.raw(), 34.6752, 1e-9);
  EXPECT_NEAR(p5->find_price(PriceKind::Committed3y)->price.raw(), 23.77728, 1e-9);
  EXPECT_NEAR(cat.find_instance("ND96isr_H100_v5")->find_price(PriceKind::Committed1y)->in_region("eastus").raw(),
              551221.0 / 8760, 1e-4);
  // AWS's cut of June 2025, and GCP's whole-machine price (not host + GPUs).
  EXPECT_NEAR(p5->on_demand().price.raw(), 55.04, 1e-9);
  EXPECT_NEAR(cat.find_instance("a3-highgpu-8g")->on_demand().in_region("europe-west4").raw(), 112.54, 1e-9);
  EXPECT_NEAR(cat.find_instance("a3-highgpu-8g")->on_demand().in_region("us-central1").raw(), 88.49, 1e-9);
  EXPECT_NEAR(cat.find_accelerator("Trainium")->memory_bandwidth.raw(), 820.0 * 1073741824.0, 1);
}

TEST(Catalog, ClustersInheritTheirInstanceTypeAndMayOverrideIt) {
  PlatformSpec p = load_platform(kData + "/../../platforms/clouds.yaml");
  ASSERT_NE(p.catalog, nullptr);
  const ClusterSpec& c = *p.find_cluster("gcp/us-central1/a3-megagpu-8g");
  EXPECT_EQ(c.accelerator, "H100-SXM");
  EXPECT_EQ(c.gpus_per_node, 8);
  EXPECT_DOUBLE_EQ(c.gpu_peak.raw(), 989.4e12);
  EXPECT_DOUBLE_EQ(c.node_network.raw(), 1800e9 / 8);
  // A3 Mega has no us-central1 price in the catalog: the reference price, with its source and date.
  EXPECT_DOUBLE_EQ(c.node_price.raw(), 92.94);
  EXPECT_EQ(c.price_as_of, "2026-07-30");
  EXPECT_NE(c.price_source.find("Cyclenerd"), std::string::npos);
  // An instance type of another provider is refused.
  std::string text = read_file_for_test(kData + "/../../platforms/clouds.yaml");
  text.replace(text.find("instance: ND96amsr_A100_v4"), 26, "instance: p5.48xlarge     ");
  auto e = expect_input_error([&] { parse_platform(text, kData + "/../../platforms/clouds.yaml"); });
  EXPECT_NE(e.message().find("is an aws instance type"), std::string::npos) << e.what();
}

TEST(Catalog, AReservedClusterIsBilledAtTheCatalogsReservedPrice) {
  std::string text = read_file_for_test(kData + "/../../platforms/clouds.yaml");
  const std::string file = kData + "/../../platforms/clouds.yaml";
  // The AWS cluster on p4de becomes a p4d cluster on its Capacity Block price.
  text.replace(text.find("instance: p4de.24xlarge"), 23,
               "instance: p4d.24xlarge\n            pricing: reserved");
  PlatformSpec p = parse_platform(text, file);
  const ClusterSpec& c = *p.find_cluster("aws/us-east-1/p4de");
  EXPECT_EQ(c.pricing, PriceKind::Reserved);
  EXPECT_DOUBLE_EQ(c.node_price.raw(), 11.80);
  // Without a reserved price in the catalog (trn2 has none public), asking for one is an error at the key.
  std::string bad = read_file_for_test(file);
  bad.replace(bad.find("instance: trn2.48xlarge"), 23,
              "instance: trn2.48xlarge\n            pricing: reserved");
  auto e = expect_input_error([&] { parse_platform(bad, file); });
  EXPECT_NE(e.message().find("no reserved price for trn2.48xlarge"), std::string::npos) << e.what();
}

TEST(Catalog, PricesFollowTheRegionAndThePricingKind) {
  const std::string file = kData + "/../../platforms/clouds.yaml";
  std::string text = read_file_for_test(file);
  // The A100 cluster of GCP on a 1-year commitment of A3 High nodes: the us-central1 committed price.
  text.replace(text.find("instance: a2-ultragpu-8g"), 24,
               "instance: a3-highgpu-8g\n            pricing: committed_1y");
  PlatformSpec p = parse_platform(text, file);
  const ClusterSpec& c = *p.find_cluster("gcp/us-central1/a2-ultragpu-8g");
  EXPECT_EQ(c.pricing, PriceKind::Committed1y);
  EXPECT_DOUBLE_EQ(c.node_price.raw(), 61.38);
  EXPECT_EQ(c.price_as_of, "2026-07-30");
}

TEST(Catalog, ASpotClusterAddsItsInterruptionsToTheNodeFailureRate) {
  const std::string file = kData + "/../../platforms/clouds.yaml";
  std::string text = read_file_for_test(file);
  // 6.5 failures per 1,000 node-days, plus 0.02 spot interruptions per node-day.
  text.replace(text.find("instance: a2-ultragpu-8g"), 24,
               "instance: a2-ultragpu-8g\n            pricing: spot\n            "
               "spot_interruptions_per_node_day: 0.02");
  PlatformSpec p = parse_platform(text, file);
  const ClusterSpec& c = *p.find_cluster("gcp/us-central1/a2-ultragpu-8g");
  EXPECT_DOUBLE_EQ(c.node_price.raw(), 22.08);
  ASSERT_TRUE(c.failures.has_value());
  EXPECT_NEAR(kSecondsPerDay / c.failures->node_mtbf.raw(), 0.0065 + 0.02, 1e-12);
  // Without a rate, a spot cluster is an error at its pricing key: no provider publishes one.
  std::string bad = read_file_for_test(file);
  bad.replace(bad.find("instance: a2-ultragpu-8g"), 24,
              "instance: a2-ultragpu-8g\n            pricing: spot");
  auto e = expect_input_error([&] { parse_platform(bad, file); });
  EXPECT_NE(e.message().find("spot_interruptions_per_node_day"), std::string::npos) << e.what();
}

TEST(PlatformLoader, LinksOfEachKindAndTheirChecks) {
  PlatformSpec p = load_platform(kData + "/paths-platform.yaml");
  const WanLinkSpec* dx = p.find_link("alpha-beta-dx");
  ASSERT_NE(dx, nullptr);
  EXPECT_EQ(dx->kind, WanLinkSpec::Kind::Interconnect);
  EXPECT_DOUBLE_EQ(dx->port_price.raw(), 22.5);
  EXPECT_DOUBLE_EQ(dx->egress->raw(), 0.02);
  // The first link listed is the default path; a named one is taken where it joins the regions.
  EXPECT_EQ(p.link_between("beta/r1", "alpha/r1")->name, "alpha-beta");
  EXPECT_EQ(p.path_between("beta/r1", "alpha/r1", {"alpha-beta-dx"})->name, "alpha-beta-dx");
  EXPECT_EQ(p.path_between("beta/r1", "alpha/r1", {"nowhere"})->name, "alpha-beta");
  // 1 Gbps per stream on an 8 Gbps link: 4 streams get 4 Gbps, 16 the whole link.
  const WanLinkSpec* inet = p.find_link("alpha-beta");
  EXPECT_DOUBLE_EQ(inet->stream_bandwidth(4).raw(), 4e9 / 8);
  EXPECT_DOUBLE_EQ(inet->stream_bandwidth(16).raw(), 8e9 / 8);
  EXPECT_DOUBLE_EQ(p.find_region("beta/r1")->storage_price.raw(), 0.03);
  // Ports are rented on interconnects only.
  std::string text = read_file_for_test(kData + "/paths-platform.yaml");
  text.replace(text.find("per_flow: 1Gbps"), 15, "port_price: $1/h");
  auto e = expect_input_error([&] { parse_platform(text, "p.yaml"); });
  EXPECT_NE(e.message().find("is for links of kind interconnect"), std::string::npos) << e.what();
  // An interconnect says what data out over it costs: it is not billed at the internet tiers.
  std::string no_egress = read_file_for_test(kData + "/paths-platform.yaml");
  no_egress.replace(no_egress.find("    egress: $0.02/GB\n"), 21, "");
  auto e2 = expect_input_error([&] { parse_platform(no_egress, "p.yaml"); });
  EXPECT_NE(e2.message().find("needs its own 'egress' price"), std::string::npos) << e2.what();
  EXPECT_EQ(e2.pos().line, 56); // at its `kind: interconnect`
}

TEST(PlatformLoader, EgressTiersGiveThePublishedBills) {
  PlatformSpec p = load_platform(kData + "/../../platforms/clouds.yaml");
  const ProviderSpec& aws = *p.find_provider("aws");
  const ProviderSpec& gcp = *p.find_provider("gcp");
  // Bills derived from the public tiers (docs/sources.md): a 6.48 TB checkpoint and a 44 TB corpus.
  EXPECT_NEAR(aws.egress_cost(Bytes(0), Bytes(6.48e12)).raw(), 574.2, 0.1); // table: $574
  EXPECT_NEAR(aws.egress_cost(Bytes(0), Bytes(44e12)).raw(), 3781, 1);      // table: $3,782
  EXPECT_NEAR(gcp.egress_cost(Bytes(0), Bytes(6.48e12)).raw(), 722.8, 0.1); // table: $723
  // Tiers count what already left: the second 6.48 TB is cheaper at GCP (all at $0.11 or $0.08).
  EXPECT_NEAR(gcp.egress_cost(Bytes(6.48e12), Bytes(6.48e12)).raw(), 3.52e3 * 0.11 + 2.96e3 * 0.08, 0.1);
  // One price in the file is one unbounded tier.
  PlatformSpec q = parse_platform(kCluster, "p.yaml");
  EXPECT_NEAR(q.find_provider("p")->egress_cost(Bytes(1e12), Bytes(1e9)).raw(), 0.1, 1e-12);
}

TEST(ScenarioLoader, EveryListedResponseIsCheckedNotOnlyTheFirst) {
  // checkpoint_interval: auto needs a failure model wherever the job may run. Listed second, a response
  // migrating to beta/r1/c2 (no failure model) used to pass the checks and then spin in the run.
  Inputs in = load_inputs(kData + "/failures/random-compare.yaml");
  in.workload.jobs.at(0).checkpoint_interval_auto = true;
  in.scenario.placements.at(0).alternatives.at(0).strategy = "wait"; // the first is fine
  in.scenario.placements.at(0).alternatives.at(0).targets.clear();
  ResponseSpec move = in.scenario.placements.at(0).alternatives.at(1);
  move.name = "move";
  move.strategy = "migrate";
  move.targets = {"beta/r1/c2"};
  in.scenario.placements.at(0).alternatives.push_back(move);
  auto e = expect_input_error([&] { check_inputs(in); });
  EXPECT_NE(e.message().find("needs a failure model on 'beta/r1/c2'"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("response 'move'"), std::string::npos) << e.what();
}

namespace {

/// A file system of texts, for platforms that extend others.
FileReader files_of(std::map<std::string, std::string> texts) {
  return [texts = std::move(texts)](const std::string& path, std::size_t) {
    auto it = texts.find(path);
    return it == texts.end() ? FileText{"", "does not exist"} : FileText{it->second, ""};
  };
}

const char* kOverlay = R"(schema_version: 1
extends: base.yaml
providers:
  p:
    regions:
      r:
        clusters:
          c:
            price: $12/h
          d:
            instance: y
            nodes: 4
            gpus_per_node: 8
            gpu_peak: 200TFLOPS
            node_network: 400Gbps
            node_power_idle: 1kW
            node_power_busy: 3kW
            price: $20/h
  q:
    egress: $0.05/GB
    regions:
      s:
        storage_bandwidth: 5GB/s
        clusters: {}
links:
  p-q:
    between: [p/r, q/s]
    bandwidth: 8Gbps
)";

} // namespace

TEST(Extends, AddsClustersProvidersAndLinksAndOverridesValues) {
  std::string base = std::string("schema_version: 1\n") + kCluster;
  PlatformSpec p = parse_platform(kOverlay, "dir/over.yaml", files_of({{"dir/base.yaml", base}}));
  EXPECT_EQ(p.extends, "dir/base.yaml");
  const ClusterSpec* c = p.find_cluster("p/r/c");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->node_price.raw(), 12.0); // overridden
  EXPECT_EQ(c->nodes, 10);                     // kept from the base
  EXPECT_EQ(c->pos.file, "dir/base.yaml") << "a cluster the overlay only changes is still the base's";
  const ClusterSpec* d = p.find_cluster("p/r/d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->pos.file, "dir/over.yaml");
  EXPECT_EQ(d->pos.line, 10);
  ASSERT_NE(p.find_region("q/s"), nullptr);
  ASSERT_EQ(p.links.size(), 1u);
  EXPECT_EQ(p.links[0].pos.file, "dir/over.yaml");
  EXPECT_DOUBLE_EQ(p.find_provider("p")->egress.raw(),
                   parse_platform(base, "b.yaml").find_provider("p")->egress.raw())
      << "the base's egress stays";
}

TEST(Extends, ErrorsNameTheFileAndLineOfTheValueWhereverItComesFrom) {
  std::string base = std::string("schema_version: 1\n") + kCluster;
  // A bad value in the overlay: at the overlay's line.
  InputError e = expect_input_error([&] {
    parse_platform(replace(kOverlay, "price: $12/h", "price: 12 euros"), "dir/over.yaml",
                   files_of({{"dir/base.yaml", base}}));
  });
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  // A misspelled key in the overlay: unknown, at its own line in the overlay.
  e = expect_input_error([&] {
    parse_platform(replace(kOverlay, "price: $12/h", "prise: $12/h"), "dir/over.yaml",
                   files_of({{"dir/base.yaml", base}}));
  });
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  EXPECT_NE(e.message().find("did you mean 'price'"), std::string::npos) << e.message();
  // A bad value in the base: at the base's line (line 12: schema_version, a blank line, then kCluster).
  e = expect_input_error([&] {
    parse_platform(kOverlay, "dir/over.yaml",
                   files_of({{"dir/base.yaml", replace(base, "nodes: 10", "nodes: -1")}}));
  });
  EXPECT_EQ(e.pos().file, "dir/base.yaml");
  EXPECT_EQ(e.pos().line, 12);
  // A YAML syntax error in the base: at the base's own line, not shifted.
  e = expect_input_error([&] {
    parse_platform(kOverlay, "dir/over.yaml", files_of({{"dir/base.yaml", base + "  bad: [\n"}}));
  });
  EXPECT_EQ(e.pos().file, "dir/base.yaml");
  EXPECT_LT(e.pos().line, 40);
  // Missing, circular and too deep.
  e = expect_input_error([&] { parse_platform(kOverlay, "dir/over.yaml", files_of({})); });
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 2);
  EXPECT_NE(e.message().find("cannot be read"), std::string::npos) << e.message();
  e = expect_input_error([&] {
    parse_platform(kOverlay, "dir/over.yaml",
                   files_of({{"dir/base.yaml", "schema_version: 1\nextends: over.yaml\nproviders: {}\n"}}));
  });
  EXPECT_EQ(e.pos().file, "dir/base.yaml");
  EXPECT_NE(e.message().find("extends itself"), std::string::npos) << e.message();
  std::map<std::string, std::string> chain;
  for (int k = 0; k < 6; ++k)
    chain["dir/b" + std::to_string(k) + ".yaml"] =
        "schema_version: 1\nextends: b" + std::to_string(k + 1) + ".yaml\nproviders: {}\n";
  e = expect_input_error([&] {
    parse_platform("schema_version: 1\nextends: b0.yaml\nproviders: {}\n", "dir/top.yaml", files_of(chain));
  });
  EXPECT_NE(e.message().find("more than 4 files deep"), std::string::npos) << e.message();
}

namespace {

/// An overlay of kCluster's cluster p/r/c: `lines` (indented for the cluster) from line 9 on.
std::string overlay_of_c(const std::string& lines) {
  return "schema_version: 1\nextends: base.yaml\nproviders:\n  p:\n    regions:\n      r:\n        "
         "clusters:\n"
         "          c:\n" +
         lines;
}

} // namespace

TEST(Extends, AnOverrideTakesThePlaceOfTheBasesOtherWayOfSayingItAndOfItsPriceOrigin) {
  std::string base = std::string("schema_version: 1\n") + kCluster +
                     "            price_as_of: 2026-01-02\n"
                     "            price_source: the base's price page\n"
                     "            failures: {node_mtbf: 100d, job_mtbf: 10d}\n";
  // A rate where the base gives a mean time, a new price without its date: no "give one of", and the
  // base's date and source do not stay on a price they were not read for.
  PlatformSpec p = parse_platform(overlay_of_c("            price: $12/h\n"
                                               "            failures: {failures_per_1000_node_days: 5,"
                                               " job_failures_per_day: 0.5}\n"),
                                  "dir/over.yaml", files_of({{"dir/base.yaml", base}}));
  const ClusterSpec* c = p.find_cluster("p/r/c");
  ASSERT_NE(c, nullptr);
  EXPECT_DOUBLE_EQ(c->node_price.raw(), 12.0);
  EXPECT_EQ(c->price_as_of, "");
  EXPECT_EQ(c->price_source, "");
  ASSERT_TRUE(c->failures);
  EXPECT_NEAR(c->failures->node_mtbf.raw(), 200 * 86400.0, 1e-6); // 1000 node-days / 5
  ASSERT_TRUE(c->failures->job_mtbf);
  EXPECT_NEAR(c->failures->job_mtbf->raw(), 2 * 86400.0, 1e-6);
  // Given with the price, the date and source are the overlay's.
  p = parse_platform(overlay_of_c("            price: $12/h\n            price_as_of: 2026-11-30\n"),
                     "dir/over.yaml", files_of({{"dir/base.yaml", base}}));
  EXPECT_EQ(p.find_cluster("p/r/c")->price_as_of, "2026-11-30");
  // Not overridden, the base's stay.
  p = parse_platform(overlay_of_c("            nodes: 9\n"), "dir/over.yaml",
                     files_of({{"dir/base.yaml", base}}));
  EXPECT_EQ(p.find_cluster("p/r/c")->price_as_of, "2026-01-02");
  EXPECT_NEAR(p.find_cluster("p/r/c")->failures->node_mtbf.raw(), 100 * 86400.0, 1e-6);
}

TEST(Extends, AValueThatNoLongerGoesWithTheBasesIsSaidAtTheOverridingLine) {
  // Base lines: schema_version, a blank line, kCluster (cluster c at line 10, nodes 12, power 16-17),
  // then the lines added here from line 19 on.
  std::string base = std::string("schema_version: 1\n") + kCluster +
                     "            capacity: {quota: 8}\n"
                     "            nodes_per_host: 5\n"
                     "            topology: rail-optimized\n"
                     "            rails: 4\n";
  auto error_of = [&](const std::string& lines) {
    return expect_input_error([&] {
      parse_platform(overlay_of_c(lines), "dir/over.yaml", files_of({{"dir/base.yaml", base}}));
    });
  };
  // Fewer nodes than the base's quota: at the overlay's `nodes`, naming the quota's line.
  InputError e = error_of("            nodes: 6\n            nodes_per_host: 1\n");
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  EXPECT_NE(e.message().find("'nodes' of cluster 'p/r/c' does not go with 'quota'"), std::string::npos)
      << e.message();
  EXPECT_NE(e.message().find("(dir/base.yaml line 19): 'quota' must be"), std::string::npos) << e.message();
  // Fewer nodes than the base's nodes per host.
  e = error_of("            nodes: 4\n            capacity: {quota: 4}\n");
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  EXPECT_NE(e.message().find("'nodes_per_host'"), std::string::npos) << e.message();
  // A busy power below the base's idle power.
  e = error_of("            node_power_busy: 500W\n");
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  EXPECT_NE(e.message().find("dir/base.yaml line 16"), std::string::npos) << e.message();
  // Another fabric, where the base's rails mean nothing.
  e = error_of("            topology: fat-tree\n");
  EXPECT_EQ(e.pos().file, "dir/over.yaml");
  EXPECT_EQ(e.pos().line, 9);
  EXPECT_NE(e.message().find("'rails'"), std::string::npos) << e.message();
  // A conflict the overlay did not make stays at the base's line.
  e = error_of("            node_power_idle: 3kW\n");
  EXPECT_EQ(e.pos().file, "dir/over.yaml") << "the overlay's idle power is the one written last";
  e = expect_input_error([&] {
    parse_platform(
        overlay_of_c("            price: $11/h\n"), "dir/over.yaml",
        files_of({{"dir/base.yaml", replace(base, "rails: 4", "rails: 4\n            quota_typo: 1")}}));
  });
  EXPECT_EQ(e.pos().file, "dir/base.yaml");
}

TEST(Extends, TheShippedExampleBuildsOnCloudsYaml) {
  PlatformSpec p = load_platform(kData + "/extends-platform.yaml");
  EXPECT_NE(p.find_cluster("azure/eastus/nd-a100-v4"), nullptr) << "from clouds.yaml";
  const ClusterSpec* own = p.find_cluster("azure/westus3/nd-h100-v5-reserved");
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->pos.file, kData + "/extends-platform.yaml");
}
