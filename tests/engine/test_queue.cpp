// Jobs over time: submit times, the scheduler (FIFO, EASY backfilling, priority with preemption) and
// project quotas, through the capacity controller. One simulation per TEST (one process each under
// ctest). Schedules worked out by hand in the data files' comments (tests/data/queue/).
#include "accounting/run_result.hpp"
#include "config/loaders.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {

const std::string kData = std::string(RIFTSIM_TEST_DATA) + "/queue/";

RunResult run_file(const std::string& name) {
  SimOptions opt;
  opt.log_level = "warn";
  return simulate(load_inputs(kData + name), opt);
}

const JobResult& job(const RunResult& r, const std::string& name) {
  const JobResult* j = r.find(name);
  if (!j) throw std::logic_error("no job " + name);
  return *j;
}

} // namespace

TEST(Queue, FifoHoldsTheSmallJobBehindTheWideOne) {
  // a (16 GPUs) runs 0-10000; b (32) waits for a: 10000-15000; c (16) waits behind b: 15000-20000.
  RunResult r = run_file("fifo.yaml");
  EXPECT_NEAR(job(r, "a").start.raw(), 0, 1e-6);
  EXPECT_NEAR(job(r, "b").start.raw(), 10000, 1e-6);
  EXPECT_NEAR(job(r, "c").start.raw(), 15000, 1e-6);
  EXPECT_NEAR(job(r, "c").end.raw(), 20000, 1e-6);
  EXPECT_NEAR(job(r, "b").wait().raw(), 9900, 1e-6);
}

TEST(Queue, EasyBackfillsTheSmallJobWithoutDelayingTheHead) {
  // b is reserved at 10000 (when a ends); c ends at 5200 <= 10000, so it starts at its submission.
  RunResult r = run_file("easy.yaml");
  EXPECT_NEAR(job(r, "c").start.raw(), 200, 1e-6);
  EXPECT_NEAR(job(r, "c").end.raw(), 5200, 1e-6);
  EXPECT_NEAR(job(r, "b").start.raw(), 10000, 1e-6); // not delayed
  EXPECT_NEAR(job(r, "b").end.raw(), 15000, 1e-6);
}

TEST(Queue, PriorityPreemptsAndTheVictimResumesFromItsCheckpoint) {
  // high (priority 5) arrives at 1000: low writes a final 1 GB checkpoint (0.1 s at 10 GB/s) and is
  // queued; high runs 1000.1-3000.1; low reads its checkpoint back (0.1 s) and trains its last 9000 s:
  // done at 12000.2. Nothing of low's work is lost.
  RunResult r = run_file("priority.yaml");
  const JobResult& low = job(r, "low");
  const JobResult& high = job(r, "high");
  EXPECT_NEAR(high.start.raw(), 1000.1, 1e-3);
  EXPECT_NEAR(high.end.raw(), 3000.1, 1e-3);
  EXPECT_EQ(low.ledger.preemptions, 1);
  EXPECT_NEAR(low.end.raw(), 12000.2, 1e-3);
  EXPECT_NEAR(low.ledger.requeued.raw(), 2000.1, 1e-3); // queued 2000 s, 0.1 s reading back
  EXPECT_NEAR(low.ledger.compute.raw(), 10000, 1e-3);
  EXPECT_NEAR(low.ledger.accounted().raw(), low.wall().raw(), 1e-3);
}

TEST(Queue, AProjectQuotaHoldsTheSecondJobAlthoughAClusterIsFree) {
  // Both 32-GPU jobs of 'team' could start at 0 (two clusters), but the team may hold 32 GPUs.
  RunResult r = run_file("quota.yaml");
  EXPECT_NEAR(job(r, "first").start.raw(), 0, 1e-6);
  EXPECT_NEAR(job(r, "second").start.raw(), 10000, 1e-6);
}

TEST(Queue, AReservationIsThereAtOnceAndBilledForItsWholeTerm) {
  // Without it the job would wait a day's lead time. With it: 0-10000 s on the reserved nodes. The
  // reservation costs 4 nodes x 24 h x $5 = $480 used or not; the job's 4 x 2.78 h at the on-demand
  // $20 ($222.22) are covered by it (11.1 of its 96 node-hours used).
  RunResult r = run_file("reservation.yaml");
  const JobResult& a = job(r, "a");
  EXPECT_NEAR(a.start.raw(), 0, 1e-6);
  EXPECT_NEAR(a.end.raw(), 10000, 1e-6);
  ASSERT_EQ(r.reservations.size(), 1u);
  const ReservationUse& u = r.reservations[0];
  EXPECT_NEAR(u.cost().raw(), 480, 1e-9);
  EXPECT_NEAR(u.covered.raw(), 4 * 10000 / 3600.0 * 20, 1e-6);
  EXPECT_NEAR(u.used_node_hours, 4 * 10000 / 3600.0, 1e-9);
  EXPECT_NEAR(u.utilization(), 4 * 10000 / 3600.0 / 96, 1e-9);
}
