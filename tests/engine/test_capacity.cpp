// The capacity controller: one owner of capacity, decisions committed whole, reservations held from a
// decision to the delivery, capacity delivered after its lead time, quotas shared by the tenant's jobs.
// One simulation per TEST (one process each under ctest); expected values worked out by hand.
#include "accounting/run_result.hpp"
#include "config/loaders.hpp"

#include <gtest/gtest.h>
#include <set>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

RunResult run_inputs(const Inputs& in, bool with_events = true) {
  SimOptions opt;
  opt.with_events = with_events;
  opt.log_level = "warn";
  return simulate(in, opt);
}

ClusterSpec& cluster(Inputs& in, const std::string& id) {
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == id) return c;
  throw std::logic_error("no cluster " + id);
}

/// The clusters a job's tenures were on, in order.
std::vector<std::string> tenure_clusters(const JobResult& j) {
  std::vector<std::string> out;
  for (const auto& t : j.ledger.tenures) out.push_back(t.cluster);
  return out;
}

} // namespace

TEST(Capacity, TwoJobsCutOffTogetherGetDisjointHostsAndTheSecondItsNextTarget) {
  // Alpha cuts both 32-GPU jobs off at 20000 s; both decide at 20600 and prefer beta/r1/c2, which has
  // room for one. The first to decide (the first to report its stop) reserves it; the second sees it
  // gone and takes beta/r1/c4. Each
  // is delivered after the 1-day lead time, ported in 1 h; both read their 100 GB checkpoints back from
  // beta's 10 GB/s store at once (20 s): resumed at 110620 with 5 alpha-hours of work left, 9000 s on
  // beta, two checkpoints written together (20 s each): done at 119660.
  RunResult r = run_inputs(load_inputs(kData + "/capacity/two-cutoffs.yaml"));
  ASSERT_EQ(r.jobs.size(), 2u);
  const JobResult& a = r.jobs[0];
  const JobResult& b = r.jobs[1];
  ASSERT_EQ(a.status, JobStatus::Finished);
  ASSERT_EQ(b.status, JobStatus::Finished);
  std::set<std::string> targets = {a.ledger.clusters.back(), b.ledger.clusters.back()};
  EXPECT_EQ(targets, (std::set<std::string>{"beta/r1/c2", "beta/r1/c4"}));
  EXPECT_EQ(tenure_clusters(a), (std::vector<std::string>{"alpha/r1/c1", a.ledger.clusters.back()}));
  EXPECT_EQ(tenure_clusters(b), (std::vector<std::string>{"alpha/r1/c3", b.ledger.clusters.back()}));
  EXPECT_NEAR(a.end.raw(), 119660, 1e-6);
  EXPECT_NEAR(b.end.raw(), 119660, 1e-6);
  // Each billed for its own 4 nodes only (no GPU counted twice): 32 GPUs from 107000 to the end.
  EXPECT_NEAR(a.ledger.tenures[1].gpu_hours(), 32 * (119660 - 107000.0) / 3600, 1e-6);
  EXPECT_NEAR(b.ledger.tenures[1].gpu_hours(), 32 * (119660 - 107000.0) / 3600, 1e-6);
}

TEST(Capacity, AReservationHoldsFromTheDecisionSoALaterDecisionTakesTheNextTarget) {
  // As above, but b takes two hours to decide (27200 s). a reserved beta/r1/c2 at 20600, although its
  // nodes come only at 107000: b sees it taken and moves to beta/r1/c4 instead of being stranded later.
  // b: delivered at 27200 + 86400, ported, read back: resumed at 117210, done 9020 s later.
  Inputs in = load_inputs(kData + "/capacity/two-cutoffs.yaml");
  in.scenario.placements[1].response.detection = Seconds(7200);
  RunResult r = run_inputs(in);
  const JobResult& a = r.jobs[0];
  const JobResult& b = r.jobs[1];
  ASSERT_EQ(b.status, JobStatus::Finished);
  EXPECT_EQ(a.ledger.clusters.back(), "beta/r1/c2");
  EXPECT_EQ(b.ledger.clusters.back(), "beta/r1/c4");
  EXPECT_NEAR(a.end.raw(), 119630, 1e-6);
  EXPECT_NEAR(b.end.raw(), 27200 + 86400 + 3600 + 10 + 9000 + 20, 1e-6);
}

TEST(Capacity, AJobPlacedOnAClusterWithALeadTimeStartsWhenItsNodesArrive) {
  // beta/r1/c2 delivers the tenant's first nodes a day after it asks: the job, submitted at 0, starts at
  // 86400 and runs 18000 s at 3.2e15 FLOP/s with four 10 s checkpoints; it is billed from its start.
  RunResult r = run_inputs(load_inputs(kData + "/capacity/lead-time.yaml"), false);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  EXPECT_NEAR(j.start.raw(), 86400, 1e-6);
  EXPECT_NEAR(j.end.raw(), 86400 + 18000 + 40, 1e-6);
  ASSERT_EQ(j.ledger.tenures.size(), 1u);
  EXPECT_NEAR(j.ledger.tenures[0].start.raw(), 86400, 1e-6);
}

TEST(Capacity, TheTenantsQuotaOnAClusterIsSharedByItsJobs) {
  // beta/r1/c2 with 8 nodes but a tenant quota of 4, at once: a (4 nodes) starts at 0; b waits for a's
  // nodes and starts when a ends (18040 s), done 18040 s later.
  Inputs in = load_inputs(kData + "/capacity/shared-quota.yaml");
  ClusterSpec& c2 = cluster(in, "beta/r1/c2");
  c2.nodes = 8;
  c2.capacity = {4, 4, 0, Seconds(0)};
  c2.lead_time = Seconds(0);
  c2.nodes_per_host = 1;
  RunResult r = run_inputs(in, false);
  const JobResult& a = r.jobs[0];
  const JobResult& b = r.jobs[1];
  ASSERT_EQ(b.status, JobStatus::Finished);
  EXPECT_NEAR(a.start.raw(), 0, 1e-6);
  EXPECT_NEAR(a.end.raw(), 18040, 1e-6);
  EXPECT_NEAR(b.start.raw(), 18040, 1e-6);
  EXPECT_NEAR(b.end.raw(), 2 * 18040, 1e-6);
}

TEST(Capacity, AClusterThatGivesNothingUntilGrantedLeavesTheJobStrandedWithoutAGrant) {
  // quota 0 and no grant: the job placed there never starts, and says so.
  Inputs in = load_inputs(kData + "/capacity/lead-time.yaml");
  cluster(in, "beta/r1/c2").capacity = {0, 0, 0, Seconds(0)};
  RunResult r = run_inputs(in, false);
  const JobResult& j = r.jobs.at(0);
  EXPECT_EQ(j.status, JobStatus::Stranded);
  EXPECT_NE(j.status_detail.find("no capacity"), std::string::npos) << j.status_detail;
}

TEST(Capacity, ACutoffRestoredWithinTheDetectionDelayResumesAtHome) {
  // Home is back 300 s after the cutoff, before either job has detected it: both resume on their own
  // alpha clusters (no executor was running yet to tell), never hold beta, and finish.
  RunResult r = run_inputs(load_inputs(kData + "/capacity/restore-in-detection.yaml"));
  ASSERT_EQ(r.jobs.size(), 2u);
  for (const JobResult& j : r.jobs) {
    ASSERT_EQ(j.status, JobStatus::Finished) << j.name;
    for (const auto& t : j.ledger.tenures) EXPECT_EQ(t.cluster.rfind("alpha/", 0), 0u) << j.name;
    EXPECT_EQ(j.ledger.interruptions, 1) << j.name;
  }
}
