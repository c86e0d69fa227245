// Whole simulations on SimGrid, one per TEST (and so one per process under ctest). Expected values are
// computed by hand from tests/data/mini-*.yaml; the comments show the arithmetic.
#include "accounting/run_result.hpp"
#include "config/loaders.hpp"
#include "engine/platform_builder.hpp"
#include "engine/watchdog.hpp"
#include "test_engine_setup.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

/// Simulates inputs loaded (and perhaps changed) by the test; warnings only.
RunResult run_inputs(const Inputs& in, bool with_events = true) {
  SimOptions opt;
  opt.with_events = with_events;
  opt.log_level = "warn";
  return simulate(in, opt);
}

JobResult run_one(const std::string& scenario, bool with_events = true) {
  RunResult r = run_inputs(load_inputs(scenario), with_events);
  EXPECT_EQ(r.jobs.size(), 1u);
  return r.jobs.at(0);
}

// Mini job on alpha/r1/c1: 32 GPUs x 100 TFLOPS x 0.5 = 1.6e15 FLOP/s; 5.76e19 FLOPs = 36000 s;
// a checkpoint after each of the first 9 one-hour segments, 100 GB at 10 GB/s = 10 s each.
constexpr double kBaselineWall = 36000 + 9 * 10;

} // namespace

TEST(Simulation, NoEventsWallTimeIsFlopsOverRatePlusCheckpoints) {
  JobResult j = run_one(kData + "/mini-noevents.yaml");
  EXPECT_EQ(j.status, JobStatus::Finished);
  EXPECT_NEAR(j.wall().raw(), kBaselineWall, kBaselineWall * 1e-9);
  EXPECT_NEAR(j.ledger.compute.raw(), 36000, 1e-6);
  EXPECT_NEAR(j.ledger.checkpoint.raw(), 90, 1e-6);
  EXPECT_NEAR(j.ledger.accounted().raw(), j.wall().raw(), 1e-6);
  EXPECT_EQ(j.ledger.interruptions, 0);
  // Energy from SimGrid's plugin: 4 nodes busy at 2 kW while computing, idle at 1 kW while checkpointing.
  EXPECT_NEAR(j.ledger.energy().raw(), 4 * (2000.0 * 36000 + 1000.0 * 90), 1.0);
  // 4 nodes x $10/h for the whole wall time.
  EXPECT_NEAR(j.ledger.compute_cost().raw(), 4 * 10 * kBaselineWall / 3600, 1e-6);
  EXPECT_NEAR(j.ledger.gpu_hours(), 32 * kBaselineWall / 3600, 1e-9);
}

TEST(Simulation, FlagshipBaselineMatchesTheAnalyticModelWithGroupedHosts) {
  // 25,000 GPUs = 3,125 nodes on hosts of 1,600 nodes (platforms/clouds.yaml): one full host and one
  // partly used (bounded) host.
  Inputs in = load_inputs(kData + "/../../workloads/scenarios/gpt4-azure-cutoff.yaml");
  RunResult r = run_inputs(in, false);
  const JobResult& j = r.jobs.at(0);
  const ClusterSpec& c = *in.platform.find_cluster("azure/eastus/nd-a100-v4");
  const JobSpec& spec = in.workload.jobs.at(0);
  double compute = spec.work.raw() / (spec.gpus * c.gpu_peak.raw() * spec.mfu);
  double segments = std::ceil(compute / spec.checkpoint_interval.raw());
  double checkpoint = spec.checkpoint_size.raw() / in.platform.find_region(c.region)->storage_bandwidth.raw();
  double expected = compute + (segments - 1) * checkpoint;
  EXPECT_NEAR(j.wall().raw(), expected, expected * 1e-3); // the issue asks for 0.1 %
  EXPECT_NEAR(j.wall().raw(), expected, 1e-3);            // and it is exact
  double nodes = 3125;
  double energy =
      nodes * (c.node_power_busy.raw() * compute + c.node_power_idle.raw() * (segments - 1) * checkpoint);
  EXPECT_NEAR(j.ledger.energy().raw() / energy, 1.0, 1e-9);
}

TEST(Simulation, CutoffMigrationChargesEachPartOfTheLostTime) {
  JobResult j = run_one(kData + "/mini-cutoff.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // Cycles of 3600 s compute + 10 s checkpoint: the cutoff at 20000 s falls 1950 s into the 6th segment.
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Provisioning).raw(), 86400, 1e-6); // beta's lead time
  EXPECT_NEAR(l.lost(LostPart::Porting).raw(), 3600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6); // read 100 GB back at 10 GB/s
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 0, 1e-6); // hidden behind provisioning
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 0, 1e-6);
  // Resumed at 20000 + 600 + 86400 + 3600 + 10 = 110610 with 5 h of alpha-work left, which beta's
  // GPUs (twice as fast) do in 9000 s, in 3 segments with 2 checkpoints.
  EXPECT_NEAR(j.end.raw(), 110610 + 9000 + 20, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
  EXPECT_EQ(l.interruptions, 1);
  ASSERT_EQ(l.clusters.size(), 2u);
  EXPECT_EQ(l.clusters[1], "beta/r1/c2"); // "small" was skipped: 16 GPUs for a 32-GPU job
  // Dataset (50 GB) and checkpoint (100 GB) start together at 20600 and share the 1 GB/s link.
  ASSERT_EQ(l.transfers.size(), 2u);
  EXPECT_NEAR(l.transfers[0].end.raw(), 20600 + 100 + 0.01, 1e-6);
  EXPECT_NEAR(l.transfers[1].end.raw(), 20600 + 150 + 0.01, 1e-6);
  EXPECT_NEAR(l.egress_cost().raw(), 150 * 0.10, 1e-9);
  // Alpha billed until the cutoff, beta from delivery (20600 + 86400) to the end.
  EXPECT_NEAR(l.compute_cost().raw(), 4 * 10 * 20000.0 / 3600 + 4 * 20 * (119630.0 - 107000) / 3600, 1e-6);
  // Of which idle: beta's 4 nodes from delivery (107000) through porting and the restart to 110610.
  EXPECT_NEAR(l.idle_cost.raw(), 4 * 20 * (110610 - 107000.0) / 3600, 1e-6);
}

TEST(Simulation, AStrandedJobWaitsForAGrantAndMovesWhenItComes) {
  JobResult j = run_one(kData + "/mini-grant.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // Stranded at 20600 (decision); the grant at 50000 gives c2's 4 nodes after 2 h, then 1 h of porting
  // and 10 s to read the checkpoint: resumed at 60810 with 5 h of alpha-work left (9000 s on beta, plus
  // two 10 s checkpoints).
  EXPECT_NEAR(l.lost(LostPart::Waiting).raw(), 50000 - 20600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Provisioning).raw(), 7200, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Porting).raw(), 3600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(j.end.raw(), 60810 + 9000 + 20, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
  ASSERT_EQ(l.clusters.size(), 2u);
  EXPECT_EQ(l.clusters[1], "beta/r1/c2");
}

TEST(Simulation, AGrantWithoutACapacityGivesAllOfAClusterThatOtherwiseGivesNothing) {
  Inputs in = load_inputs(kData + "/mini-grant.yaml");
  for (auto& te : in.scenario.events)
    if (auto* g = std::get_if<GrantEvent>(&te.event)) g->capacity.reset();
  RunResult r = run_inputs(in);
  EXPECT_NEAR(r.jobs.at(0).end.raw(), 60810 + 9000 + 20, 1e-6); // as mini-grant with its explicit 4 nodes
}

TEST(Simulation, ProvisioningWaitsForTheRampToDeliverEveryNode) {
  // mini-cutoff, with beta/r1/c2 delivering 2 nodes after its 1-day lead time and 1 more a day: the
  // job's 4 nodes are all there after 3 days.
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml");
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == "beta/r1/c2") c.capacity = {4, 2, 1, Seconds(kSecondsPerDay)};
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.ledger.lost(LostPart::Provisioning).raw(), 3 * kSecondsPerDay, 1e-6);
  EXPECT_NEAR(j.end.raw(), 20600 + 3 * 86400 + 3600 + 10 + 9000 + 20, 1e-6);
  // The nodes delivered early are the tenant's from their delivery: 2 nodes for a day, then 3 for a
  // day, at beta's $20 per node-hour, idle; then the 4 nodes idle through porting and the restart.
  double ramp = 2 * 20 * 24.0 + 3 * 20 * 24.0;
  EXPECT_NEAR(j.ledger.idle_cost.raw(), ramp + 4 * 20 * 3610.0 / 3600, 1e-6);
  double beta_cost = 0, beta_gpu_hours = 0;
  for (const auto& t : j.ledger.tenures)
    if (t.cluster == "beta/r1/c2") {
      beta_cost += t.cost().raw();
      beta_gpu_hours += t.gpu_hours();
    }
  EXPECT_NEAR(beta_cost, ramp + 4 * 20 * (j.end.raw() - (20600 + 3 * 86400)) / 3600, 1e-6);
  EXPECT_NEAR(beta_gpu_hours, 16 * 24 + 24 * 24 + 32 * (j.end.raw() - (20600 + 3 * 86400)) / 3600, 1e-6);
}

TEST(Simulation, WithItsInterconnectDownAJobsCopiesTakeTheInternetAtItsPerFlowCap) {
  // mini-paths names the interconnect; it goes down before the cutoff.
  Inputs in = load_inputs(kData + "/mini-paths.yaml");
  in.scenario.events.push_back({LinkEvent{"alpha-beta-dx", Seconds(10000), false}, {}});
  RunResult r = run_inputs(in);
  const JobLedger& l = r.jobs.at(0).ledger;
  ASSERT_EQ(l.transfers.size(), 2u);
  // Dataset and checkpoint, 4 streams each at 1 Gbps per stream: 0.5 GB/s each, the 8 Gbps link full.
  // The dataset (50 GB) is done after 100 s; the checkpoint's last 50 GB go on alone at 0.5 GB/s.
  for (const auto& t : l.transfers) EXPECT_EQ(t.path, "alpha-beta");
  EXPECT_NEAR(l.transfers[0].end.raw(), 20600 + 100 + 0.01, 1e-6);
  EXPECT_NEAR(l.transfers[1].end.raw(), 20600 + 200 + 0.01, 1e-6);
  EXPECT_NEAR(l.egress_cost().raw(), 150 * 0.10, 1e-9); // alpha's internet price, not the interconnect's
  bool logged = false;
  for (const auto& e : r.log.events) logged = logged || (e.kind == EventKind::LinkDown && e.time == 10000);
  EXPECT_TRUE(logged);
}

TEST(Simulation, ASplitJobRunsAcrossTwoProvidersAndWaitsForEachGradientExchange) {
  JobResult j = run_one(kData + "/mini-split.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // Throttled at 20000 s, 1950 s into a segment; decision at 20600; 16 GPUs go on at home after reading
  // the checkpoint back (10 s). The second group is ported at 20600 + 1 h = 24200: the job halts 3590 s
  // into its segment (at 16 x 100 TFLOPS x 0.5), writes a final checkpoint (10 s), copies it to beta
  // (100 GB at 1 GB/s + 10 ms) and reads it back (10 s): split from 24320.01.
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 100.01, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10 + 10, 1e-6);
  // 32 GPUs paced by alpha's 100 TFLOPS: 1.6e15 FLOP/s, as before the throttle. Left: 5.76e19 - 5 h at
  // 1.6e15 - 3590 s at 8e14 = 2.5928e19: 4 segments of an hour and one of 1805 s, 4 checkpoints. After
  // each segment each site sends 2 bytes per parameter per step of 6e15 FLOPs: 1.92 TB per hour, both
  // ways at once over the link, which carries its 1 GB/s in total.
  double left = 5.76e19 - 5 * 3600 * 1.6e15 - 3590 * 8e14;
  double compute = left / 1.6e15;
  double exchanged = left * 2 / 6e15 * 1e9;      // bytes each way
  double sync = 2 * exchanged / 1e9 + 5 * 0.010; // at 1 GB/s for both ways, 10 ms latency per exchange
  EXPECT_NEAR(l.lost(LostPart::GradientSync).raw(), sync, 1e-6);
  EXPECT_NEAR(j.end.raw(), 24320.01 + compute + 4 * 10 + sync, 1e-6);
  EXPECT_NEAR(l.sync_bytes.raw(), 2 * exchanged, 1);
  // Out of alpha at $0.10/GB and out of beta at $0.05/GB; plus the dataset and checkpoint copies.
  EXPECT_NEAR(l.sync_egress.raw(), exchanged / 1e9 * (0.10 + 0.05), 1e-6);
  ASSERT_EQ(l.clusters.size(), 2u);
  EXPECT_EQ(l.clusters[1], "beta/r1/small");
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
}

TEST(Simulation, AWarmUpOnTheNewLayoutDelaysTheResumeByItsLength) {
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml");
  in.scenario.placements[0].response.warmup = Seconds(2 * 3600);
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  EXPECT_NEAR(j.ledger.lost(LostPart::Warmup).raw(), 7200, 1e-6);
  EXPECT_NEAR(j.end.raw(), 119630 + 7200, 1e-6); // mini-cutoff's end, two hours later
  EXPECT_NEAR(j.ledger.accounted().raw(), j.wall().raw(), 1e-6);
}

TEST(Simulation, APriceAboveTheLimitMovesTheJobWhileItTrainsOn) {
  // alpha triples its price at 20000 s; the response moves above 2x. beta/r1/c2 without its lead time:
  // nodes at the decision (20600), ported at 24200, while the job trains on at alpha.
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml");
  in.scenario.events = {{PriceEvent{{"alpha", ""}, Seconds(20000), 3.0, Seconds(0)}, {}}};
  in.scenario.placements[0].response.price_limit = 2.0;
  in.scenario.placements[0].response.targets = {"beta/r1/c2"};
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == "beta/r1/c2") c.lead_time = Seconds(0);
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // Halted at 24200, 2540 s into its 7th segment (6 x 3610 = 21660); final checkpoint 10 s; the 100 GB
  // copy 100 s + 10 ms (the dataset went earlier); read back 10 s: resumed at 24320.01 with 36000 - 6 x
  // 3600 - 2540 = 11860 alpha-seconds of work left, 5930 s on beta in two segments, one checkpoint.
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 0, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 100.01, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  EXPECT_NEAR(j.end.raw(), 24320.01 + 5930 + 10, 1e-6);
  ASSERT_EQ(l.clusters.size(), 2u);
  EXPECT_EQ(l.clusters[1], "beta/r1/c2");
  // alpha at list price to 20000 s, then three times it until the halt.
  EXPECT_NEAR(l.tenures[0].cost().raw() + l.tenures[1].cost().raw(),
              4 * 10 * 20000.0 / 3600 + 4 * 30 * (24210 - 20000.0) / 3600, 1e-6);
}

TEST(Simulation, ASplitInsideOneRegionExchangesOverTheRegionalNetworkWithoutEgress) {
  JobResult j = run_one(kData + "/mini-split-region.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // As mini-split up to the halt at 24200 (final checkpoint to 24210); the checkpoint is already in the
  // region: read back 10 s, split from 24220. Gradients both ways at once over the 10 GB/s uplinks, no
  // latency, no egress.
  double left = 5.76e19 - 5 * 3600 * 1.6e15 - 3590 * 8e14;
  double exchanged = left * 2 / 6e15 * 1e9;
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 0, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::GradientSync).raw(), 2 * exchanged / 10e9, 1e-6);
  EXPECT_NEAR(j.end.raw(), 24220 + left / 1.6e15 + 4 * 10 + 2 * exchanged / 10e9, 1e-6);
  EXPECT_NEAR(l.sync_egress.raw(), 0, 1e-12);
  EXPECT_TRUE(l.transfers.empty());
}

TEST(Simulation, NoticeLetsAFinalCheckpointSaveAllProgress) {
  JobResult j = run_one(kData + "/mini-notice.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  // Beta is ready only at 92600, after the cutoff: the job halts at 30000 - 11 s (write estimate with
  // 10 % margin), 1109 s into its 9th segment, and saves it in a 10 s final checkpoint.
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 0, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 0, 1e-6); // 100 s, hidden behind provisioning
  EXPECT_NEAR(l.lost(LostPart::Provisioning).raw(), 89000 - 29999, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Porting).raw(), 3600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  // 36000 - 29909 = 6091 alpha-seconds left, 3045.5 s on beta.
  EXPECT_NEAR(j.end.raw(), 92610 + 3045.5, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
}

TEST(Simulation, NoTargetWithRoomStrandsTheJob) {
  JobResult j = run_one(kData + "/mini-stranded.yaml");
  EXPECT_EQ(j.status, JobStatus::Stranded);
  EXPECT_NEAR(j.ledger.lost(LostPart::Recompute).raw(), 1950, 1e-6);
}

TEST(Simulation, BaselineIgnoresEvents) {
  JobResult j = run_one(kData + "/mini-cutoff.yaml", false);
  EXPECT_NEAR(j.wall().raw(), kBaselineWall, 1e-6);
  EXPECT_EQ(j.ledger.clusters.size(), 1u);
}

TEST(Simulation, WaitHoldsTheCheckpointUntilTheProviderRestores) {
  Inputs in = load_inputs(kData + "/mini-compare.yaml");
  select_response_variant(in.scenario, 1); // "wait"
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Waiting).raw(), 50000 - 20600, 1e-6); // from the decision to the restore
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  // Back on alpha at 50010 with 5 h of work and 4 checkpoints to go.
  EXPECT_NEAR(j.end.raw(), 50010 + 18000 + 40, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
  EXPECT_EQ(l.clusters.size(), 1u);
  EXPECT_EQ(l.transfers.size(), 0u);
}

TEST(Simulation, TwoJobsMigratingOverOneLinkShareIt) {
  // Alone (mini-cutoff), the 50 GB dataset and 100 GB checkpoint of one job arrive after 100 s and 150 s
  // on the 1 GB/s link. Two jobs move 300 GB together: four flows at 0.25 GB/s, the datasets done after
  // 200 s, then the two checkpoints at 0.5 GB/s each, done after 300 s.
  Inputs in = load_inputs(kData + "/two-jobs.yaml");
  RunResult r = run_inputs(in);
  ASSERT_EQ(r.jobs.size(), 2u);
  for (const auto& j : r.jobs) {
    ASSERT_EQ(j.ledger.transfers.size(), 2u) << j.name;
    EXPECT_NEAR(j.ledger.transfers[0].end.raw(), 20600 + 200 + 0.01, 1e-6) << j.name;
    EXPECT_NEAR(j.ledger.transfers[1].end.raw(), 20600 + 300 + 0.01, 1e-6) << j.name;
    EXPECT_EQ(j.ledger.clusters.back(), "beta/r1/c2");
  }
}

TEST(Simulation, ShrinkingToHalfWidthDoublesTheRemainingComputeTime) {
  JobResult j = run_one(kData + "/mini-throttle.yaml");
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  // 5 h of 32-GPU work left at 20610 s, done on 16 GPUs in 10 h (10 segments, 9 checkpoints).
  EXPECT_NEAR(j.end.raw(), 20610 + 2 * 18000 + 90, 1e-6);
  EXPECT_NEAR(l.compute.raw(), 5 * 3600 + 2 * 5 * 3600, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
  ASSERT_EQ(l.tenures.size(), 2u);
  EXPECT_EQ(l.tenures[1].gpus, 16);
}

namespace {
/// mini-throttle with alpha's 4 nodes grouped `per_host` to a simulated host, throttled to `to`.
JobResult throttled(int per_host, double to) {
  Inputs in = load_inputs(kData + "/mini-throttle.yaml");
  for (auto& p : in.platform.providers)
    for (auto& r : p.regions)
      for (auto& c : r.clusters)
        if (c.id == "alpha/r1/c1") c.nodes_per_host = per_host;
  std::get<ThrottleEvent>(in.scenario.events.at(0).event).to = to;
  return run_inputs(in).jobs.at(0);
}
} // namespace

TEST(Simulation, AThrottleTo70PercentTakesExactlyThatShareOfNodesOnOneGroupedHost) {
  // 70 % of 4 nodes is 2.8: 3 nodes are left, although all 4 are one simulated host. The job shrinks
  // onto 24 GPUs: 5 h of 32-GPU work left at 20610 s take 24000 s, in 7 segments with 6 checkpoints.
  JobResult j = throttled(4, 0.70);
  ASSERT_EQ(j.ledger.tenures.size(), 2u);
  EXPECT_EQ(j.ledger.tenures[1].gpus, 24);
  EXPECT_NEAR(j.end.raw(), 20610 + 24000 + 60, 1e-6);
}

TEST(Simulation, AThrottleTo33PercentTakesExactlyThatShareOfNodesOnTwoGroupedHosts) {
  // 33 % of 4 nodes is 1.32: 1 node is left, on the first of two hosts of 2 nodes. 8 GPUs: 72000 s in
  // 20 segments with 19 checkpoints.
  JobResult j = throttled(2, 0.33);
  ASSERT_EQ(j.ledger.tenures.size(), 2u);
  EXPECT_EQ(j.ledger.tenures[1].gpus, 8);
  EXPECT_NEAR(j.end.raw(), 20610 + 72000 + 190, 1e-6);
}

TEST(Simulation, MigratingAwayFromAThrottleTrainsOnTheSurvivorsUntilTheTargetIsReady) {
  // mini-throttle (50 % at 20000 s), responding with migrate to beta/r1/c2 (no lead time, 1 h porting).
  // The job stops (1950 s lost), decides at 20600, reads its checkpoint back (10 s) and trains on 16
  // GPUs from 20610 while beta gets ready (ported at 24200). Halted 3590 s into that segment, it saves
  // them (final checkpoint, 10 s), copies the 100 GB checkpoint (100 s + 10 ms; the dataset went at
  // 20600), reads it back at beta (10 s) and resumes at 24320.01 with 5.76e19 - 5 h x 1.6e15 - 3590 s x
  // 8e14 = 2.5928e19 FLOPs left: 8102.5 s on beta's 3.2e15 FLOP/s, in 3 segments with 2 checkpoints.
  // Idling the survivors instead (stop, wait for beta, resume there at 24210) would end at 33230.
  Inputs in = load_inputs(kData + "/mini-throttle.yaml");
  ResponseSpec& r = in.scenario.placements[0].response;
  r.strategy = "migrate";
  r.targets = {"beta/r1/c2"};
  r.porting = Seconds(3600);
  for (auto& p : in.platform.providers)
    for (auto& reg : p.regions)
      for (auto& c : reg.clusters)
        if (c.id == "beta/r1/c2") c.lead_time = Seconds(0);
  RunResult run = run_inputs(in);
  const JobResult& j = run.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1950, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 600, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 100.01, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10 + 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Provisioning).raw(), 0, 1e-6); // hidden behind training on the survivors
  EXPECT_NEAR(l.lost(LostPart::Porting).raw(), 0, 1e-6);
  EXPECT_NEAR(j.end.raw(), 24320.01 + 8102.5 + 20, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
  ASSERT_EQ(l.tenures.size(), 3u); // alpha at 32 GPUs, alpha at 16, beta at 32
  EXPECT_EQ(l.tenures[1].gpus, 16);
  EXPECT_EQ(l.clusters.back(), "beta/r1/c2");
}

namespace {
/// mini-throttle (alpha to 50 % at 20000 s) announced 2 h before (at 12800 s).
Inputs throttle_with_notice() {
  Inputs in = load_inputs(kData + "/mini-throttle.yaml");
  std::get<ThrottleEvent>(in.scenario.events.at(0).event).notice = Seconds(7200);
  return in;
}

/// Makes beta/r1/c2 deliver at once, and the job's response migrate there with 1 h of porting.
void migrate_to_beta_at_once(Inputs& in) {
  ResponseSpec& r = in.scenario.placements[0].response;
  r.strategy = "migrate";
  r.targets = {"beta/r1/c2"};
  r.porting = Seconds(3600);
  for (auto& p : in.platform.providers)
    for (auto& reg : p.regions)
      for (auto& c : reg.clusters)
        if (c.id == "beta/r1/c2") c.lead_time = Seconds(0);
}
} // namespace

TEST(Simulation, AThrottleWithNoticeIsMetWithACheckpointJustBeforeIt) {
  // Told at 12800 s, shrink decides at 13400 (600 s detection) and checkpoints so that the write ends
  // before the throttle: the 6th segment (from 18050) is cut at 20000 - 11 = 19989 (1939 s done) and
  // saved by 19999. The throttle at 20000 loses 1 s of work; no detection then. Read back (10 s) and on
  // 16 GPUs from 20010 with 36000 - 19939 = 16061 s of 32-GPU work left: 32122 s, 9 segments, 8
  // checkpoints. (Without the notice: 1950 s lost, 600 s detection, done at 56700.)
  RunResult r = run_inputs(throttle_with_notice());
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 1, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Detection).raw(), 0, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Restart).raw(), 10, 1e-6);
  EXPECT_NEAR(j.end.raw(), 20010 + 32122 + 80, 1e-6);
  EXPECT_NEAR(l.accounted().raw(), j.wall().raw(), 1e-6);
}

TEST(Simulation, AThrottleWithNoticeLetsAMoveBeReadyBeforeIt) {
  // Told at 12800 s, migrate decides at 13400; beta is there at once and ported by 17000, before the
  // throttle: the job trains at full width until then, halts 2560 s into its 5th segment (from 14440),
  // saves it (10 s), copies the checkpoint (100.01 s; the dataset went at 13400) and reads it back (10 s):
  // on beta from 17120.01 with 36000 - 16960 = 19040 alpha-seconds of work left, 9520 s there in 3
  // segments with 2 checkpoints. The throttle at 20000 finds it gone.
  Inputs in = throttle_with_notice();
  migrate_to_beta_at_once(in);
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(l.lost(LostPart::Recompute).raw(), 0, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::FinalCheckpoint).raw(), 10, 1e-6);
  EXPECT_NEAR(l.lost(LostPart::Transfer).raw(), 100.01, 1e-6);
  EXPECT_NEAR(j.end.raw(), 17120.01 + 9520 + 20, 1e-6);
  EXPECT_EQ(l.interruptions, 1);
  EXPECT_EQ(l.clusters.back(), "beta/r1/c2");
}

TEST(Simulation, APriceRiseWithNoticeStartsAMoveOfItsOwnAccordAtTheNotice) {
  // As the throttle above, but the event is alpha tripling its price at 20000 s, announced at 12800, and
  // the response moves above twice the list price: the same move, done at 17120.01 + 9520 + 20, and
  // alpha billed at its list price only (the job left before the new price).
  Inputs in = throttle_with_notice();
  migrate_to_beta_at_once(in);
  in.scenario.events = {{PriceEvent{{"alpha", ""}, Seconds(20000), 3.0, Seconds(7200)}, {}}};
  in.scenario.placements[0].response.price_limit = 2.0;
  RunResult r = run_inputs(in);
  const JobResult& j = r.jobs.at(0);
  ASSERT_EQ(j.status, JobStatus::Finished);
  EXPECT_NEAR(j.end.raw(), 17120.01 + 9520 + 20, 1e-6);
  EXPECT_NEAR(j.ledger.tenures.at(0).cost().raw(), 4 * 10 * 17010.0 / 3600, 1e-6);
  EXPECT_EQ(j.ledger.tenures.at(0).cluster, "alpha/r1/c1");
}

TEST(Simulation, APriceRiseBillsTheRestOfTheRunAtTheNewPrice) {
  JobResult j = run_one(kData + "/mini-price.yaml");
  const JobLedger& l = j.ledger;
  EXPECT_NEAR(j.wall().raw(), kBaselineWall, 1e-6); // time is not affected
  ASSERT_EQ(l.tenures.size(), 2u);
  EXPECT_NEAR(l.tenures[0].end.raw(), 18050, 1e-6);
  // 4 nodes at $10/h until 18050 s, then at $20/h to the end.
  EXPECT_NEAR(l.compute_cost().raw(), 4 * 10 * 18050.0 / 3600 + 4 * 20 * (kBaselineWall - 18050) / 3600,
              1e-6);
  // Energy is split between the two tenures, not counted twice.
  EXPECT_NEAR(l.energy().raw(), 4 * (2000.0 * 36000 + 1000.0 * 90), 1.0);
}

TEST(Simulation, AFatTreeFabricGivesTheSameRunAsAStar) {
  // Jobs exchange no traffic inside a cluster yet, so the fabric does not change their time.
  JobResult j = run_one(kData + "/mini-fat-tree.yaml");
  EXPECT_NEAR(j.end.raw(), 119630, 1e-6);
}

TEST(Watchdog, ALoopThatNeverLetsTheClockMoveStopsTheSimulation) {
  // An actor going round without waiting would hold the clock at one instant for ever; the watchdog
  // ends every actor, so that the engine returns, and says where.
  PlatformSpec spec = load_platform(kData + "/mini-platform.yaml");
  auto engine = make_test_engine();
  BuiltPlatform platform = build_platform(spec);
  bool other_finished = false;
  sg::spawn("spinner", platform.control, [] {
    sg4::this_actor::sleep_for(5);
    while (true) watchdog().tick("a test's spinning loop");
  });
  sg::spawn("other", platform.control, [&] {
    sg4::this_actor::sleep_for(100);
    other_finished = true;
  });
  engine->run();
  EXPECT_FALSE(other_finished);
  EXPECT_DOUBLE_EQ(sg4::Engine::get_clock(), 5);
  EXPECT_NE(watchdog().reason().find("a test's spinning loop"), std::string::npos) << watchdog().reason();
  EXPECT_NE(watchdog().reason().find("t = 5.000 s"), std::string::npos) << watchdog().reason();
}
