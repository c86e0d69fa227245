// The step model on SimGrid (engine/step_simulation.cpp, model/training_speed.hpp): collectives on the
// clusters' fabrics against their closed forms, the platform changing a job's speed by margins worked out
// by hand, the campaign running at the derived rate, and the Megatron-LM weak-scaling table.
// Each TEST is its own process; a TEST that needs several engines derives its steps in forked children.
#include "accounting/run_result.hpp"
#include "cli/step_table.hpp"
#include "config/loaders.hpp"
#include "engine/step_simulation.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

Inputs step_inputs(const std::string& scenario = "step-throttle.yaml") {
  return load_inputs(kData + "/step/" + scenario);
}

/// The step of the inputs' first job on `cluster` at `gpus`, simulated in forked children.
StepBreakdown derived_step(const Inputs& in, const std::string& cluster, long long gpus,
                           PhaseCosts* costs = nullptr) {
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& c = *in.platform.find_cluster(cluster);
  StepKey key{j.name, cluster, layout_at(job_layout(j, c), gpus).dp};
  auto speed = derive_training_speed(in, 2, {key});
  if (costs) *costs = speed->table().costs.at(key);
  return speed->step(j, c, gpus);
}

// The dense job's gradients as one node carries them: 8 layers × 12h² plus the embedding V·h, 2 bytes each.
const double kNodeGradients = 2 * (8 * 12.0 * 4096 * 4096 + 51200.0 * 4096);

} // namespace

TEST(StepModel, ARingAllReduceOfSBytesOverNNodesTakesTwoNMinusOneOverNTimesSOverBPlusItsLatencies) {
  // 100 Gbps nodes on a star (2 links of 1 µs between two nodes): each ring step sends S/N per node.
  Inputs in = step_inputs();
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& slow = *in.platform.find_cluster("alpha/r1/slow");
  StepPlan plan = plan_step(j, job_layout(j, slow), slow, 128); // 16 replicas, one per node
  PhaseCosts costs = simulate_step_phases(slow, plan);
  const double n = 16, b = 12.5e9, latency = 2 * kFabricLinkLatency;
  EXPECT_NEAR(costs.at(Phase::DataReduce), kNodeGradients / n / b + latency, 1e-9);
  StepBreakdown s = compose_step(plan, costs); // overlap 0: the whole all-reduce is exposed
  double closed_form = 2 * (n - 1) / n * kNodeGradients / b + 2 * (n - 1) * latency;
  EXPECT_NEAR(s.exposed_dp.raw(), closed_form, closed_form * 1e-9);
  // Inside the node: the tensor-parallel ring of 8 GPUs on 300 GB/s links, one micro-batch's activations.
  double act = 2048.0 * 4096 * 2;
  EXPECT_NEAR(costs.at(Phase::TensorAllReduce), act / 8 / 300e9 + 2 * kScaleUpLinkLatency, 1e-12);
}

TEST(StepModel, OversubscriptionSlowsTheDataParallelAllReduceByItsFactor) {
  // 16 nodes on a fat-tree of 4 leaves of 4; tensor 8 × pipeline 4 in tp-pp-dp order puts each stage's 4
  // replicas on 4 different leaves: every ring hop leaves its leaf, all 4 nodes of a leaf at once. With
  // 4 uplinks per leaf each hop has a link of its own; with oversubscription 4, one uplink for 4 hops.
  Inputs in = step_inputs();
  auto& jobs = in.workload.jobs;
  jobs[0].parallelism.pipeline = 4;
  jobs[0].parallelism.order = ParallelismSpec::Order::TpPpDp;
  ClusterSpec& fast = in.platform.providers[0].regions[0].clusters[0];
  fast.topology = ClusterSpec::Topology::FatTree;
  PhaseCosts full_bisection, oversubscribed;
  derived_step(in, fast.id, 128, &full_bisection);
  fast.oversubscription = 4;
  derived_step(in, fast.id, 128, &oversubscribed);
  const double latency = 4 * kFabricLinkLatency; // NIC, leaf up, top down, NIC
  double alone = full_bisection.at(Phase::DataReduce) - latency;
  double shared = oversubscribed.at(Phase::DataReduce) - latency;
  // A stage: 2 layers of 12h², and the embedding V·h (the heaviest stage's), 2 bytes each, over 4 replicas.
  double stage = 2 * (2 * 12.0 * 4096 * 4096 + 51200.0 * 4096);
  EXPECT_NEAR(alone, stage / 4 / 200e9, 1e-9);
  EXPECT_NEAR(shared / alone, 4.0, 1e-6);
}

TEST(StepModel, TheSameJobIsSlowerOn100GbpsNodesThanOn1600GbpsNodesByTheMarginWorkedOutByHand) {
  Inputs in = step_inputs();
  StepBreakdown fast = derived_step(in, "alpha/r1/fast", 128);
  StepBreakdown slow = derived_step(in, "alpha/r1/slow", 128);
  // Same GPUs, same NVLink: compute and tensor parallelism are equal. The gradient all-reduce (overlap 0)
  // of S = 3.6408 GB per node over 16 nodes takes 2 × 15/16 × S / B: 34.1 ms at 200 GB/s, 546.1 ms at
  // 12.5 GB/s, 512.0 ms more.
  EXPECT_DOUBLE_EQ(fast.compute.raw(), slow.compute.raw());
  EXPECT_NEAR(fast.exposed_tp.raw(), slow.exposed_tp.raw(), 1e-12);
  double margin = 2 * 15.0 / 16 * kNodeGradients * (1 / 12.5e9 - 1 / 200e9);
  EXPECT_NEAR(margin, 0.511967, 1e-6);
  EXPECT_NEAR(slow.step.raw() - fast.step.raw(), margin, 1e-8);
  EXPECT_LT(slow.mfu, fast.mfu);
}

TEST(StepModel, HalvingTheDataParallelWidthUnderAThrottleChangesTheStepAsComputed) {
  Inputs in = step_inputs();
  SimOptions opt;
  opt.log_level = "warn";
  opt.speed = derive_training_speed(in, 2);
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  StepBreakdown whole = opt.speed->step(j, fast, 128);
  StepBreakdown half = opt.speed->step(j, fast, 64);
  // 8 replicas instead of 16: twice the micro-batches each (8, not 4), the same per micro-batch; the ring
  // over 8 nodes moves 2 × 7/8 of the gradients instead of 2 × 15/16.
  EXPECT_EQ(whole.microbatches, 4);
  EXPECT_EQ(half.microbatches, 8);
  EXPECT_NEAR(half.compute.raw(), 2 * whole.compute.raw(), 1e-12);
  EXPECT_NEAR(half.exposed_tp.raw(), 2 * whole.exposed_tp.raw(), 1e-12);
  double ring = [](double n) { return 2 * (n - 1) / n * kNodeGradients / 200e9 + 2 * (n - 1) * 2e-6; }(8);
  EXPECT_NEAR(half.exposed_dp.raw(), ring, 1e-9);
  EXPECT_NEAR(half.rate.raw(), whole.useful_per_step.raw() / half.step.raw(), 1);

  // The campaign: the throttle at 1,000 s takes half the nodes before the first checkpoint; the job
  // restarts on the rest from scratch and trains all 2e19 FLOPs at the halved rate, writing a 10 GB
  // checkpoint (0.1 s) after each hour of compute.
  RunResult r = simulate(in, opt);
  const JobResult& jr = r.jobs.at(0);
  ASSERT_EQ(jr.status, JobStatus::Finished);
  ASSERT_EQ(jr.ledger.tenures.size(), 2u);
  const TenureStep& before = *jr.ledger.tenures[0].step;
  const TenureStep& after = *jr.ledger.tenures[1].step;
  EXPECT_TRUE(after.derived);
  EXPECT_EQ(before.dp, 16);
  EXPECT_EQ(after.dp, 8);
  EXPECT_EQ(after.step.raw(), half.step.raw());
  EXPECT_EQ(after.mfu, half.mfu);
  double compute = j.work.raw() / half.rate.raw();
  double expected_end = 1000 + compute + (std::ceil(compute / 3600) - 1) * 0.1;
  EXPECT_NEAR(jr.end.raw(), expected_end, 1e-6);
}

TEST(StepModel, ASplitMixtureOfExpertsExchangesEveryParametersGradientBothWays) {
  Inputs in = step_inputs("moe-split.yaml");
  SimOptions opt;
  opt.log_level = "warn";
  opt.speed = derive_training_speed(in, 2);
  const JobSpec& j = in.workload.jobs.at(0);
  // The expert groups (8 replicas on 8 nodes) dispatch tokens between nodes.
  auto costs = opt.speed->table().costs.at({"moe", "alpha/r1/fast", 16});
  EXPECT_GT(costs.at(Phase::ExpertAllToAll), 0);
  EXPECT_GT(costs.at(Phase::ExpertDataReduce), 0);
  RunResult r = simulate(in, opt);
  const JobResult& jr = r.jobs.at(0);
  ASSERT_EQ(jr.status, JobStatus::Finished);
  ASSERT_EQ(jr.ledger.clusters, (std::vector<std::string>{"alpha/r1/fast", "beta/r1/far"}));
  const TenureStep& split = *jr.ledger.tenures.back().step;
  EXPECT_EQ(split.dp, 16); // 8 replicas at each site
  // Each exchange sends all 2.39e9 parameters' gradients per 7.76e8-active-parameter step, each way at once
  // over the 100 Gbps path (shared by both directions), after its 10 ms latency.
  int exchanges = 0;
  for (const Span& s : r.log.spans) exchanges += s.detail.rfind("gradient exchange", 0) == 0;
  ASSERT_GT(exchanges, 0);
  double per_way = jr.ledger.sync_bytes.raw() / 2;
  double expected = 2 * per_way / 12.5e9 + exchanges * 0.010;
  EXPECT_NEAR(jr.ledger.lost(LostPart::GradientSync).raw(), expected, expected * 1e-6);
  EXPECT_GT(jr.ledger.sync_egress.raw(), 0);
  // All the work done while split crossed the WAN at params / active × 2 bytes per 6 × batch FLOPs.
  double per_flop = split_sync_bytes_per_flop(j, in.scenario.placements[0].response);
  EXPECT_NEAR(per_flop * 6 * 131072, 2.0 * 2386558976.0 / 775946240.0, 1e-9);
}

TEST(StepModel, AJobGivingUpANodeForWantOfSparesTrainsAtTheNarrowerStepNobodySimulated) {
  // One traced node failure at 500 s, no spare: the job goes on with 15 replicas of one node each. Only
  // the 16-replica step was simulated; the 15-replica one takes its phases, the ring step scaled by its
  // bytes (16/15), and 5 micro-batches per replica instead of 4.
  Inputs in = step_inputs();
  in.scenario.events.clear();
  in.scenario.failures = true;
  in.workload.jobs[0].on_no_spare = JobSpec::NoSpare::Shrink;
  FailureSpec f;
  f.node_mtbf = Seconds(1e12);
  f.trace = {{Seconds(500), 3}};
  f.repair_time = Seconds(kSecondsPerDay);
  in.platform.providers[0].regions[0].clusters[0].failures = f;
  SimOptions opt;
  opt.log_level = "warn";
  opt.speed = derive_training_speed(in, 2);
  ASSERT_EQ(opt.speed->table().costs.size(), 1u);
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  StepBreakdown narrower = opt.speed->step(j, fast, 120);
  StepBreakdown full = opt.speed->step(j, fast, 128);
  EXPECT_EQ(narrower.microbatches, 5);
  EXPECT_NEAR(narrower.exposed_dp.raw(), full.exposed_dp.raw() / 30 * 28 * 16 / 15, 1e-12);
  RunResult r = simulate(in, opt);
  const JobResult& jr = r.jobs.at(0);
  ASSERT_EQ(jr.status, JobStatus::Finished);
  EXPECT_EQ(jr.ledger.failures, 1);
  ASSERT_EQ(jr.ledger.tenures.size(), 1u);
  EXPECT_EQ(jr.ledger.tenures[0].step->dp, 15);
  EXPECT_EQ(jr.ledger.tenures[0].step->step.raw(), narrower.step.raw());
}

// The Megatron-LM weak-scaling table (Narayanan et al., SC21, arXiv 2104.04473, Table 1): achieved
// teraFLOP/s per GPU, counted as the paper counts them (its Eq. 3, with activation recomputation).
struct MegatronRow {
  const char* job;
  double published;
};

void PrintTo(const MegatronRow& row, std::ostream* os) {
  *os << row.job << " (published " << row.published << " TFLOP/s per GPU)";
}

class MegatronTable : public ::testing::TestWithParam<MegatronRow> {};

TEST_P(MegatronTable, ReproducesThePublishedThroughputWithinFifteenPercent) {
  const MegatronRow& row = GetParam();
  Inputs in = load_inputs(kData + "/megatron/megatron.yaml");
  const JobSpec& j = *in.workload.find_job(row.job);
  const ClusterSpec& selene = *in.platform.find_cluster("nvidia/selene/dgx-a100");
  StepPlan plan = plan_step(j, job_layout(j, selene), selene, j.gpus);
  StepBreakdown b = compose_step(plan, simulate_step_phases(selene, plan));
  const ModelShape& m = *j.model;
  double batch = static_cast<double>(plan.layout.global_batch), s = m.seq_len, l = m.layers, h = m.hidden,
         v = m.vocab;
  double flops = 96 * batch * s * l * h * h * (1 + s / (6 * h) + v / (16 * l * h));
  double achieved = flops / (b.step.raw() * static_cast<double>(j.gpus)) / 1e12;
  std::printf("%s: published %.0f, riftsim %.1f TFLOP/s per GPU (%+.1f %%); step %.3f s = compute %.3f + "
              "TP %.3f + PP %.3f + bubble %.3f + DP %.3f\n",
              row.job, row.published, achieved, 100 * (achieved / row.published - 1), b.step.raw(),
              b.compute.raw(), b.exposed_tp.raw(), b.pp_p2p.raw(), b.pp_bubble.raw(), b.exposed_dp.raw());
  EXPECT_NEAR(achieved / row.published, 1.0, 0.15);
}

INSTANTIATE_TEST_SUITE_P(Rows, MegatronTable,
                         ::testing::Values(MegatronRow{"gpt-1_7b", 137}, MegatronRow{"gpt-3_6b", 138},
                                           MegatronRow{"gpt-7_5b", 142}, MegatronRow{"gpt-18b", 135},
                                           MegatronRow{"gpt-39b", 138}, MegatronRow{"gpt-76b", 140},
                                           MegatronRow{"gpt-145b", 148}, MegatronRow{"gpt-310b", 155},
                                           MegatronRow{"gpt-530b", 163}, MegatronRow{"gpt-1t", 163}),
                         [](const ::testing::TestParamInfo<MegatronRow>& info) {
                           std::string name = info.param.job;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });
