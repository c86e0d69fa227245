// Node and job failures in whole simulations, one per TEST (one process each under ctest). Expected values
// are worked out by hand from tests/data/failures/*.yaml; the comments show the arithmetic.
#include "accounting/run_result.hpp"
#include "config/loaders.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

RunResult run_inputs(const Inputs& in, bool with_events = true) {
  SimOptions opt;
  opt.with_events = with_events;
  opt.log_level = "warn";
  return simulate(in, opt);
}

FailureSpec& failures_of(Inputs& in, const std::string& cluster) {
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == cluster) return *c.failures;
  throw std::logic_error("no cluster " + cluster);
}

} // namespace

TEST(Failures, AnAsynchronousCheckpointCountsFromTheInstantItsWriteCompletes) {
  // The traced run (32 GPUs at 1.6e15 FLOP/s, hour-long segments, 100 GB checkpoints written in 10 s,
  // restart 300 s + 10 s read) with asynchronous checkpoints and enough spares. The first segment's
  // checkpoint is written from 3600 to 3610 while the second segment runs; the failure at 5000 comes
  // after that write: only the 1400 s since its snapshot are lost (not 5000 s, as when the write counted
  // only at the end of the next segment). Restarted at 5310 with 3600 s done: segments end at 8910,
  // 12510, 16110, 19710 (written by 19720); the failure at 20000 loses 290 s.
  Inputs in = load_inputs(kData + "/failures/traced.yaml");
  in.workload.jobs.at(0).checkpoint_async = true;
  failures_of(in, "alpha/r1/c1").spares = 10;
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  EXPECT_EQ(j.ledger.failures, 2);
  EXPECT_NEAR(j.ledger.failure_recompute.raw(), 1400 + 290, 1e-6);
  EXPECT_NEAR(j.ledger.restart.raw(), 2 * (300 + 10), 1e-6);
  EXPECT_NEAR(j.ledger.checkpoint.raw(), 0, 1e-6); // a 10 s write never stalls an hour-long segment
  EXPECT_NEAR(j.end.raw(), 36000 + 1690 + 620, 1e-6);
  EXPECT_NEAR(j.ledger.accounted().raw(), j.wall().raw(), 1e-6);
  // Each checkpoint event is stamped when its write completed.
  int at_3610 = 0;
  for (const auto& e : r.log.events)
    if (e.kind == EventKind::Checkpoint && std::abs(e.time - 3610) < 1e-6) at_3610++;
  EXPECT_EQ(at_3610, 1);
}

TEST(Failures, AFailureDuringAnAsynchronousWriteLosesThatCheckpointToo) {
  // A failure 5 s into the write of the first checkpoint (at 3605): the snapshot of 3600 is not saved,
  // so all 3605 s of work are lost, and the restart (300 s) has no checkpoint to read back.
  Inputs in = load_inputs(kData + "/failures/traced.yaml");
  in.workload.jobs.at(0).checkpoint_async = true;
  FailureSpec& f = failures_of(in, "alpha/r1/c1");
  f.spares = 10;
  f.trace = {{Seconds(3605), 0}};
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.ledger.failure_recompute.raw(), 3605, 1e-6);
  EXPECT_NEAR(j.end.raw(), 36000 + 3605 + 300, 1e-6);
}

TEST(Failures, AFailedNodeOfAnIdleStandbyDoesNotInterruptTraining) {
  // The hedge of mini-hedge, its standby (beta/r1/c2) with traced failures before the cutoff at 20000 s:
  // a spare replaces the failed standby node; the job training on alpha never stops for it.
  Inputs in = load_inputs(kData + "/mini-hedge.yaml");
  select_response_variant(in.scenario, 1); // hedge
  in.scenario.events.clear();
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == "beta/r1/c2") {
          FailureSpec f;
          f.node_mtbf = Seconds(1e9);
          f.trace = {{Seconds(5000), 0}, {Seconds(12000), 3}};
          f.spares = 1;
          f.repair_time = Seconds(100);
          c.failures = f;
        }
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_EQ(j.ledger.failures, 0);
  EXPECT_EQ(j.ledger.interruptions, 0);
  EXPECT_NEAR(j.wall().raw(), 36000 + 9 * 10, 1e-6); // the undisturbed run
}

TEST(Failures, AJobThatFailsFasterThanItCanRestartIsGivenUpAsMakingNoProgress) {
  // The traced run's job with a job-level failure every 60 s on average and a 300 s restart: a restart
  // almost never completes. After 10,000 failures in a row without a checkpoint it is given up, with
  // a reason, instead of simulating for ever.
  Inputs in = load_inputs(kData + "/failures/traced.yaml");
  FailureSpec& f = failures_of(in, "alpha/r1/c1");
  f.trace.clear();
  f.node_mtbf = Seconds(1e12);
  f.job_mtbf = Seconds(60);
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_EQ(j.status, JobStatus::NoProgress);
  EXPECT_GT(j.ledger.job_failures, 10'000);
  EXPECT_NE(j.status_detail.find("mean time between failures (60.0 s)"), std::string::npos)
      << j.status_detail;
  EXPECT_NE(j.status_detail.find("restart (5.2 min"), std::string::npos)
      << j.status_detail; // 300 s + 10 s read
}

TEST(Failures, AJobGivingUpANodeOfAHostItKeepsTrainsOnTheNodesLeftAtTheirSpeed) {
  // The traced run on 2 hosts of 2 nodes (16 GPUs each), no spare, one failure of node 0 at 5000 s: the
  // job gives the node up and goes on with 24 GPUs (8 on host 0, 16 on host 1). Segments of an hour at
  // 1.6e15 FLOP/s, checkpoints of 10 s: 3600 s of work saved at 3610; the failure loses 1,390 s;
  // restarted at 5310 (300 s + 10 s read) at 24 x 1e14 x 0.5 = 1.2e15 FLOP/s, the 5.184e19 FLOP left
  // take 43,200 s in 12 hour-long segments with 11 checkpoints between them: the end at 48,620 s.
  // The Execs that waited out the restart must not go on as they were (half the work on each host,
  // host 0 at its full 16 GPUs): new ones get 1/3 and 2/3 of each segment, host 0 bound to 8 GPUs.
  Inputs in = load_inputs(kData + "/failures/traced.yaml");
  in.workload.jobs.at(0).on_no_spare = JobSpec::NoSpare::Shrink;
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == "alpha/r1/c1") c.nodes_per_host = 2;
  FailureSpec& f = failures_of(in, "alpha/r1/c1");
  f.spares = 0;
  f.trace = {{Seconds(5000), 0}};
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  EXPECT_EQ(j.ledger.failures, 1);
  EXPECT_NEAR(j.ledger.failure_recompute.raw(), 1390, 1e-6);
  EXPECT_NEAR(j.end.raw(), 5310 + 43200 + 11 * 10, 1e-6);
}

namespace {
/// The traced run without its failures: 32 GPUs (4 nodes of 2 kW busy, 1 kW idle) for 36,000 s of
/// compute in ten hour-long segments, nine 100 GB checkpoints of 10 s between them.
Inputs traced_run_without_failures(bool async) {
  Inputs in = load_inputs(kData + "/failures/traced.yaml");
  in.workload.jobs.at(0).checkpoint_async = async;
  FailureSpec& f = failures_of(in, "alpha/r1/c1");
  f.trace.clear();
  f.node_mtbf = Seconds(1e15);
  return in;
}
} // namespace

TEST(Failures, AnAsynchronousCheckpointersHostsStayBusyFromOneSegmentToTheNext) {
  // Its Execs run on between segments (no suspend and resume at the same instant): the hosts draw busy
  // power the whole 36,000 s, as when they were suspended and resumed at once.
  RunResult r = run_inputs(traced_run_without_failures(true));
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.wall().raw(), 36000, 1e-6);
  EXPECT_NEAR(j.ledger.energy().raw(), 4 * 2000.0 * 36000, 1e-3);
}

TEST(Failures, ASynchronousCheckpointersHostsIdleThroughEachWrite) {
  // The same job writing its checkpoints synchronously: nine 10 s stalls with the Execs suspended, at
  // idle power: 4 x (2 kW x 36,000 s + 1 kW x 90 s).
  RunResult r = run_inputs(traced_run_without_failures(false));
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.wall().raw(), 36000 + 90, 1e-6);
  EXPECT_NEAR(j.ledger.energy().raw(), 4 * (2000.0 * 36000 + 1000.0 * 90), 1e-3);
}

TEST(Failures, AnAsynchronousCheckpointersHostsIdleWhileItWaitsForTheLastWrite) {
  // 50 TB checkpoints take 5,000 s at 10 GB/s, longer than an hour-long segment: before each of
  // checkpoints 2 to 9, and before it ends, the job waits 1,400 s for the write still running, at idle
  // power: 36,000 s busy and 9 x 1,400 s idle on its 4 nodes.
  Inputs in = traced_run_without_failures(true);
  in.workload.jobs.at(0).checkpoint_size = Bytes(50e12);
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.wall().raw(), 36000 + 9 * 1400, 1e-6);
  EXPECT_NEAR(j.ledger.energy().raw(), 4 * (2000.0 * 36000 + 1000.0 * 9 * 1400), 1e-3);
}
