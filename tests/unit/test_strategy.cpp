#include "config/loaders.hpp"
#include "policy/migrate_strategy.hpp"

#include <gtest/gtest.h>
#include <optional>

using namespace riftsim;

namespace {
struct Fixture {
  Inputs in = load_inputs(std::string(RIFTSIM_TEST_DATA) + "/mini-cutoff.yaml");
  const ClusterSpec* c1 = in.platform.find_cluster("alpha/r1/c1");
  const ClusterSpec* c2 = in.platform.find_cluster("beta/r1/c2");
  const ClusterSpec* small = in.platform.find_cluster("beta/r1/small");
  WorldView world(long long c2_free, bool c2_cut) const {
    WorldView w;
    w.platform = &in.platform;
    w.clusters = {{c1, 0, true}, {c2, c2_free, c2_cut}, {small, 16, false}};
    return w;
  }
};
} // namespace

TEST(MigrateStrategy, TakesTheFirstTargetWithRoomForTheWholeJob) {
  Fixture f;
  auto s = make_strategy(f.in.scenario.placements.at(0).response, f.in.platform);
  JobView job{f.in.workload.find_job("train"), f.c1, Flops(1e19), {}, 8};
  ResponseDecision d = s->on_capacity_loss(job, f.world(32, false));
  ASSERT_EQ(d.target, f.c2); // "small" comes first but has 16 GPUs for a 32-GPU job
  EXPECT_DOUBLE_EQ(d.porting.raw(), 3600);
  EXPECT_DOUBLE_EQ(s->detection_delay().raw(), 600);
  EXPECT_NE(d.reason.find("skipped"), std::string::npos);
}

TEST(MigrateStrategy, StrandedWhenEveryTargetIsFullOrCutOff) {
  Fixture f;
  auto s = make_strategy(f.in.scenario.placements.at(0).response, f.in.platform);
  JobView job{f.in.workload.find_job("train"), f.c1, Flops(1e19), {}, 8};
  EXPECT_EQ(s->on_capacity_loss(job, f.world(8, false)).target, nullptr);
  EXPECT_EQ(s->on_capacity_loss(job, f.world(32, true)).target, nullptr);
}

namespace {
// A job on cluster "home" with two places to go: "fast" (4x the peak, 20x the price) and "cheap".
const char* kChoice = R"(
providers:
  p:
    egress: $0.1/GB
    regions:
      r:
        storage_bandwidth: 10GB/s
        clusters:
          home:  {instance: h, nodes: 4, gpus_per_node: 8, gpu_peak: 100TFLOPS, node_network: 400Gbps,
                  node_power_idle: 1kW, node_power_busy: 2kW, price: $10/h}
          fast:  {instance: f, nodes: 4, gpus_per_node: 8, gpu_peak: 400TFLOPS, node_network: 400Gbps,
                  node_power_idle: 1kW, node_power_busy: 2kW, price: $100/h}
          cheap: {instance: c, nodes: 4, gpus_per_node: 8, gpu_peak: 100TFLOPS, node_network: 400Gbps,
                  node_power_idle: 1kW, node_power_busy: 2kW, price: $5/h}
)";

ResponseDecision choose(const PlatformSpec& p, const std::string& rule, std::optional<Usd> budget = {}) {
  WorkloadSpec w = parse_workload("jobs:\n  j:\n    flops: 1e20\n    gpus: 32\n    mfu: 0.5\n"
                                  "    checkpoint_interval: 1h\n    checkpoint_size: 100GB\n",
                                  "w.yaml");
  ResponseSpec spec;
  spec.strategy = "migrate";
  spec.rule = rule;
  spec.budget = budget;
  spec.targets = {"p/r/fast", "p/r/cheap"};
  auto s = make_strategy(spec, p);
  WorldView world;
  world.platform = &p;
  for (const char* id : {"p/r/home", "p/r/fast", "p/r/cheap"})
    world.clusters.push_back({p.find_cluster(id), 32, std::string(id) == "p/r/home"});
  JobView job{&w.jobs[0], p.find_cluster("p/r/home"), Flops(1e20), {}, 8};
  return s->on_capacity_loss(job, world);
}
} // namespace

TEST(MigrateStrategy, EarliestFinishAndLowestCostPickDifferentTargets) {
  PlatformSpec p = parse_platform(kChoice, "choice.yaml");
  // fast: 1e20 / (32 x 400e12 x 0.5) = 15,625 s at 4 x $100/h = $1,736; cheap: 62,500 s at 4 x $5/h = $347.
  EXPECT_EQ(choose(p, "earliest_finish").target->id, "p/r/fast");
  EXPECT_EQ(choose(p, "lowest_cost").target->id, "p/r/cheap");
  EXPECT_EQ(choose(p, "preference").target->id, "p/r/fast");
  // Within a $1,000 budget, the fast one is out.
  EXPECT_EQ(choose(p, "earliest_finish", Usd(1000)).target->id, "p/r/cheap");
  EXPECT_EQ(choose(p, "earliest_finish", Usd(100)).action, ResponseDecision::Action::Strand);
}

TEST(WaitStrategy, HoldsTheCheckpoint) {
  ResponseSpec spec;
  spec.strategy = "wait";
  PlatformSpec p = parse_platform(kChoice, "choice.yaml");
  auto s = make_strategy(spec, p);
  EXPECT_EQ(s->on_capacity_loss(JobView{}, WorldView{}).action, ResponseDecision::Action::Wait);
}

TEST(SplitStrategy, AddsAGroupForTheMissingGPUsOrShrinksOrMovesOrStrands) {
  Fixture f;
  SplitStrategy s({f.small}, Seconds(600), Seconds(3600));
  JobView job{f.in.workload.find_job("train"), f.c1, Flops(1e19), {}, 8};
  auto world = [&](long long home_free, bool home_cut, long long small_free) {
    WorldView w;
    w.platform = &f.in.platform;
    w.clusters = {{f.c1, home_free, home_cut}, {f.c2, 0, false}, {f.small, small_free, false}};
    return w;
  };
  // Half left at home, "small" has the 16 missing GPUs: split.
  ResponseDecision d = s.on_capacity_loss(job, world(16, false, 16));
  EXPECT_EQ(d.action, ResponseDecision::Action::Split);
  EXPECT_EQ(d.target, f.small);
  EXPECT_EQ(d.gpus, 16);
  // Nowhere to add a group: carry on with what is left.
  d = s.on_capacity_loss(job, world(16, false, 8));
  EXPECT_EQ(d.action, ResponseDecision::Action::Shrink);
  EXPECT_EQ(d.gpus, 16);
  // Nothing left at home: the whole job must move, and "small" cannot hold 32 GPUs.
  EXPECT_EQ(s.on_capacity_loss(job, world(0, true, 16)).action, ResponseDecision::Action::Strand);
  SplitStrategy to_c2({f.c2}, Seconds(600), Seconds(3600));
  WorldView w = world(0, true, 16);
  w.clusters[1].free_gpus = 32;
  d = to_c2.on_capacity_loss(job, w);
  EXPECT_EQ(d.action, ResponseDecision::Action::Migrate);
  EXPECT_EQ(d.target, f.c2);
  EXPECT_DOUBLE_EQ(d.provisioning.raw(), 86400); // c2's lead time
}

TEST(Capacity, NodesDeliveredBeforeAllAreThereAreHeldInSteps) {
  // 4 nodes asked for: 2 after a 1-day lead time, then 1 more a day, up to the quota of 5.
  CapacitySpec c{5, 2, 1, Seconds(86400)};
  auto held = c.held_between(4, Seconds(86400), Seconds(0), c.time_for(4, Seconds(86400)));
  ASSERT_EQ(held.size(), 2u);
  EXPECT_DOUBLE_EQ(held[0].from.raw(), 86400);
  EXPECT_DOUBLE_EQ(held[0].to.raw(), 2 * 86400);
  EXPECT_EQ(held[0].nodes, 2);
  EXPECT_DOUBLE_EQ(held[1].to.raw(), 3 * 86400);
  EXPECT_EQ(held[1].nodes, 3);
  // All at once (no ramp): nothing is held before they are all there.
  EXPECT_TRUE(
      CapacitySpec({4, 4, 0, Seconds(0)}).held_between(4, Seconds(100), Seconds(0), Seconds(100)).empty());
}

TEST(Capacity, AGrantInThePastDeliversOnItsOwnScheduleFromTheRequestOn) {
  // Granted at t = 0 with a 1-day lead, 1 node then 1 a day; asked for 3 nodes at t = 1.5 days: 1 node
  // is there already (held from the request), the 2nd comes at 2 days, all 3 at 3 days.
  Fixture f;
  ClusterSpec c2 = *f.c2;
  c2.capacity.quota = 0; // nothing but the grant
  ClusterAvailability a{&c2, 32, false};
  a.granted_at = Seconds(0);
  a.grant_lead = Seconds(86400);
  a.grant_capacity = {4, 1, 1, Seconds(86400)};
  auto held = a.held_before_ready(3, Seconds(1.5 * 86400));
  EXPECT_DOUBLE_EQ(a.ready_in(3, Seconds(1.5 * 86400)).raw(), 1.5 * 86400);
  ASSERT_EQ(held.size(), 2u);
  EXPECT_DOUBLE_EQ(held[0].from.raw(), 1.5 * 86400);
  EXPECT_DOUBLE_EQ(held[0].to.raw(), 2 * 86400);
  EXPECT_EQ(held[0].nodes, 1);
  EXPECT_DOUBLE_EQ(held[1].from.raw(), 2 * 86400);
  EXPECT_DOUBLE_EQ(held[1].to.raw(), 3 * 86400);
  EXPECT_EQ(held[1].nodes, 2);
}
