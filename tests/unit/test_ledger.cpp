#include "accounting/ledger.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {
// The orchestrator's graph: detection -> provisioning -> porting; transfers after detection (and,
// for the checkpoint, after the job stopped); restart after porting and both transfers.
std::vector<Milestone> migration(double t_event, double decided, double provisioned, double ported,
                                 double stopped, double dataset_done, double checkpoint_done, double resume) {
  return {{LostPart::Detection, t_event, decided, {}},
          {LostPart::Provisioning, decided, provisioned, {0}},
          {LostPart::Porting, provisioned, ported, {1}},
          {std::nullopt, stopped, stopped, {}},
          {LostPart::Transfer, decided, dataset_done, {0}},
          {LostPart::Transfer, stopped, checkpoint_done, {0, 3}},
          {LostPart::Restart, 0, resume, {2, 4, 5}}};
}
} // namespace

TEST(CriticalPath, TransfersHiddenBehindProvisioningCostNothing) {
  JobLedger l;
  auto steps = migration(100, 700, 87100, 90700, 100, 800, 850, 90710);
  charge_critical_path(steps, 6, 100, l);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Detection).raw(), 600);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Provisioning).raw(), 86400);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Porting).raw(), 3600);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Transfer).raw(), 0);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Restart).raw(), 10);
  EXPECT_DOUBLE_EQ(l.accounted().raw(), 90710 - 100);
}

TEST(CriticalPath, ALongTransferIsChargedOnlyPastTheOtherSteps) {
  JobLedger l;
  // Capacity ready at 1000 and ported at 2000, but the checkpoint arrives at 5000.
  auto steps = migration(0, 100, 1000, 2000, 0, 3000, 5000, 5010);
  charge_critical_path(steps, 6, 0, l);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Transfer).raw(), 4900);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Detection).raw(), 100);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Provisioning).raw(), 0);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Porting).raw(), 0);
  EXPECT_DOUBLE_EQ(l.accounted().raw(), 5010);
}

TEST(CriticalPath, WorkBeforeTheJobStoppedIsFree) {
  JobLedger l;
  // With notice: everything was prepared while the job still trained; it stopped at 50000.
  auto steps = migration(1000, 1600, 10000, 20000, 50000, 2000, 50100, 50110);
  charge_critical_path(steps, 6, 50000, l);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Transfer).raw(), 100);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Restart).raw(), 10);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Provisioning).raw(), 0);
  EXPECT_DOUBLE_EQ(l.lost(LostPart::Detection).raw(), 0);
  EXPECT_DOUBLE_EQ(l.accounted().raw(), 110);
}

TEST(Ledger, CostsEnergyAndGpuHoursAddUpOverTenures) {
  JobLedger l;
  l.tenures.push_back({"a/r/c", "a", 16, 2, UsdPerHour(10), Seconds(0), Seconds(3600), Joules(1000)});
  l.tenures.push_back({"b/r/c", "b", 16, 2, UsdPerHour(20), Seconds(7200), Seconds(9000), Joules(500)});
  l.transfers.push_back({"checkpoint", "a/r", "b/r", "a-b", 1, Bytes(1e9), Seconds(0), Seconds(1), Usd(0.1)});
  EXPECT_DOUBLE_EQ(l.compute_cost().raw(), 2 * 10 + 2 * 20 * 0.5);
  EXPECT_DOUBLE_EQ(l.egress_cost().raw(), 0.1);
  EXPECT_DOUBLE_EQ(l.energy().raw(), 1500);
  EXPECT_DOUBLE_EQ(l.gpu_hours(), 16 + 16 * 0.5);
}
