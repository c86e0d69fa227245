#include "config/loaders.hpp"
#include "policy/migrate_strategy.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {
struct Fixture {
  Inputs in = load_inputs(std::string(RIFTSIM_TEST_DATA) + "/mini-cutoff.yaml");
  const ClusterSpec* c1 = in.platform.find_cluster("alpha/r1/c1");
  const ClusterSpec* c2 = in.platform.find_cluster("beta/r1/c2");
  const ClusterSpec* small = in.platform.find_cluster("beta/r1/small");
  WorldView world(long long c2_free, bool c2_cut) const {
    WorldView w;
    w.clusters = {{c1, 0, true}, {c2, c2_free, c2_cut}, {small, 16, false}};
    return w;
  }
};
} // namespace

TEST(MigrateStrategy, TakesTheFirstTargetWithRoomForTheWholeJob) {
  Fixture f;
  auto s = make_strategy(f.in.scenario.placements.at(0).response, f.in.platform);
  JobView job{f.in.workload.find_job("train"), f.c1, Flops(1e19)};
  ResponseDecision d = s->on_capacity_loss(job, f.world(32, false));
  ASSERT_EQ(d.target, f.c2); // "small" comes first but has 16 GPUs for a 32-GPU job
  EXPECT_DOUBLE_EQ(d.porting.raw(), 3600);
  EXPECT_DOUBLE_EQ(s->detection_delay().raw(), 600);
  EXPECT_NE(d.reason.find("skipped"), std::string::npos);
}

TEST(MigrateStrategy, StrandedWhenEveryTargetIsFullOrCutOff) {
  Fixture f;
  auto s = make_strategy(f.in.scenario.placements.at(0).response, f.in.platform);
  JobView job{f.in.workload.find_job("train"), f.c1, Flops(1e19)};
  EXPECT_EQ(s->on_capacity_loss(job, f.world(8, false)).target, nullptr);
  EXPECT_EQ(s->on_capacity_loss(job, f.world(32, true)).target, nullptr);
}
