// Layouts, model shapes and the step model's arithmetic, without SimGrid: loading and validating
// `model:` and `parallelism:`, the default rule, what a planned step sends, and how simulated phase costs
// compose into a step (model/parallelism.hpp, model/training_speed.hpp).
#include "config/loaders.hpp"
#include "model/training_speed.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

template <class F> InputError expect_input_error(F fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError";
  return InputError({"", 0, 0}, "");
}

std::string job_yaml(const std::string& parallelism, const std::string& extra = "") {
  return "jobs:\n"
         "  j:\n"
         "    flops: 1e21\n"
         "    params: 1.82e9\n"
         "    gpus: 128\n"
         "    checkpoint_interval: 1h\n"
         "    model: {layers: 8, hidden: 4096, heads: 32, seq_len: 2048}\n"
         "    parallelism: " +
         parallelism + "\n" + extra;
}

Inputs step_inputs(const std::string& scenario = "step-throttle.yaml") {
  return load_inputs(kData + "/step/" + scenario);
}

} // namespace

TEST(Parallelism, ReadsTheLayoutAndTheModelShape) {
  WorkloadSpec w = parse_workload(
      job_yaml(
          "{tensor: 8, pipeline: 2, microbatch: 2, global_batch: 64, order: tp-pp-dp, optimizer: sharded, "
          "dp_algorithm: ring, overlap: 50%}"),
      "w.yaml");
  const JobSpec& j = w.jobs.at(0);
  EXPECT_TRUE(j.derives_speed());
  ASSERT_TRUE(j.model);
  EXPECT_EQ(j.model->layers, 8);
  EXPECT_EQ(j.model->ffn_hidden, 4 * 4096);
  EXPECT_TRUE(j.parallelism.given);
  EXPECT_EQ(j.parallelism.tensor, 8);
  EXPECT_EQ(j.parallelism.pipeline, 2);
  EXPECT_EQ(j.parallelism.order, ParallelismSpec::Order::TpPpDp);
  EXPECT_EQ(j.parallelism.optimizer, ParallelismSpec::Optimizer::Sharded);
  EXPECT_EQ(j.parallelism.dp_algorithm, ParallelismSpec::DpAlgorithm::Ring);
  EXPECT_DOUBLE_EQ(j.parallelism.overlap, 0.5);
  EXPECT_EQ(job_global_batch(j), 64);
}

TEST(Parallelism, DegreesMustMultiplyToTheGpusAtTheLayoutsPosition) {
  auto e = expect_input_error(
      [] { parse_workload(job_yaml("{tensor: 8, pipeline: 3, global_batch: 64}"), "w.yaml"); });
  EXPECT_EQ(e.pos().file, "w.yaml");
  EXPECT_EQ(e.pos().line, 8);
  EXPECT_NE(e.message().find("does not divide the job's 128 GPUs"), std::string::npos) << e.what();
  e = expect_input_error(
      [] { parse_workload(job_yaml("{tensor: 8, data: 8, global_batch: 64}"), "w.yaml"); });
  EXPECT_NE(e.message().find("not the job's 128 GPUs"), std::string::npos) << e.what();
}

TEST(Parallelism, TensorMustDivideTheHiddenSizeAndTheBatchTheReplicas) {
  auto e = expect_input_error([] { parse_workload(job_yaml("{tensor: 128, global_batch: 64}"), "w.yaml"); });
  EXPECT_NE(e.message().find("must divide the hidden size"), std::string::npos) << e.what();
  e = expect_input_error([] { parse_workload(job_yaml("{tensor: 8, global_batch: 60}"), "w.yaml"); });
  EXPECT_NE(e.message().find("multiple of data x microbatch = 16"), std::string::npos) << e.what();
  e = expect_input_error(
      [] { parse_workload(job_yaml("{tensor: 8, pipeline: 16, global_batch: 64}"), "w.yaml"); });
  EXPECT_NE(e.message().find("exceeds the model's 8 layers"), std::string::npos) << e.what();
  e = expect_input_error([] { parse_workload(job_yaml("{tensor: 8, overlap: 2}"), "w.yaml"); });
  EXPECT_EQ(e.pos().line, 8);
}

TEST(Parallelism, AJobWithoutMfuNeedsABatch) {
  auto e = expect_input_error([] { parse_workload(job_yaml("{tensor: 8}"), "w.yaml"); });
  EXPECT_NE(e.message().find("batch_tokens"), std::string::npos) << e.what();
}

TEST(Parallelism, TensorParallelismAcrossNodesIsRefusedAtTheTensorKey) {
  Inputs in = step_inputs();
  std::string text = "jobs:\n  dense:\n    flops: 2e19\n    params: 1.82e9\n    gpus: 128\n"
                     "    checkpoint_interval: 1h\n    checkpoint_size: 10GB\n"
                     "    model: {layers: 8, hidden: 4096, heads: 32}\n"
                     "    parallelism:\n      tensor: 16\n      global_batch: 64\n";
  in.workload = parse_workload(text, "w.yaml");
  auto e = expect_input_error([&] { check_inputs(in); });
  EXPECT_EQ(e.pos().file, "w.yaml");
  EXPECT_EQ(e.pos().line, 10);
  EXPECT_EQ(e.pos().column, 15);
  EXPECT_NE(e.message().find("must sit in one node"), std::string::npos) << e.what();
}

TEST(Parallelism, AClusterWithoutTheStepModelsNumbersIsRefusedForADerivedJob) {
  Inputs in = step_inputs();
  in.platform.providers[0].regions[0].clusters[0].scale_up_bandwidth = BytesPerSecond(0);
  auto e = expect_input_error([&] { check_inputs(in); });
  EXPECT_NE(e.message().find("scale_up_bandwidth"), std::string::npos) << e.what();
}

TEST(Parallelism, DefaultShapeFollowsGpt3sAspectRatio) {
  ModelShape m = default_shape(175e9);
  EXPECT_EQ(m.hidden % 128, 0);
  EXPECT_NEAR(m.hidden, 12288, 256); // GPT-3 175B: 96 layers of 12,288
  EXPECT_NEAR(m.layers, 96, 3);
  EXPECT_NEAR(12.0 * m.layers * m.hidden * m.hidden, 175e9, 175e9 * 0.05);
}

TEST(Parallelism, DefaultLayoutFillsANodeWithTensorParallelismThenAddsStagesUntilTheStateFits) {
  Inputs in = step_inputs();
  JobSpec j = in.workload.jobs.at(0);
  j.parallelism = ParallelismSpec{};
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  // 1.82e9 parameters x 16 bytes = 29.1 GB of state, 40 GB per GPU allowed: one GPU would do.
  Layout small = job_layout(j, fast);
  EXPECT_EQ(small.tp, 1);
  EXPECT_EQ(small.pp, 1);
  EXPECT_EQ(small.dp, 128);
  // 40e9 parameters: 640 GB of state, 16 GPUs: tensor 8 in the node, 2 stages.
  j.params = 40e9;
  j.model.reset();
  Layout big = job_layout(j, fast);
  EXPECT_EQ(big.tp, 8);
  EXPECT_EQ(big.pp, 2);
  EXPECT_EQ(big.dp, 8);
}

TEST(Parallelism, APlannedStepSendsWhatTheLayoutImplies) {
  Inputs in = step_inputs();
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  Layout full = job_layout(j, fast);
  StepPlan p = plan_step(j, full, fast, 128);
  EXPECT_EQ(p.layout.dp, 16);
  EXPECT_EQ(p.nodes, 16);
  EXPECT_EQ(p.microbatches, 4);   // 64 sequences over 16 replicas of micro-batch 1
  ASSERT_EQ(p.phases.size(), 2u); // tensor all-reduce, data-parallel ring (one replica per node)
  const PhasePlan& tp = p.phases[0];
  EXPECT_EQ(tp.phase, Phase::TensorAllReduce);
  EXPECT_TRUE(tp.in_node);
  EXPECT_EQ(tp.flows.size(), 8u);
  EXPECT_DOUBLE_EQ(tp.max_flow_bytes(), 2048.0 * 4096 * 2 / 8); // a micro-batch's activations over 8
  EXPECT_DOUBLE_EQ(tp.per_microbatch, 4 * 8 * 2 * 7);           // 4 all-reduces x 8 layers x 2(t-1) steps
  const PhasePlan& dp = p.phases[1];
  EXPECT_EQ(dp.phase, Phase::DataReduce);
  EXPECT_EQ(dp.flows.size(), 16u); // a ring over the 16 nodes
  // Node 0 carries the stage's gradients (8 layers x 12h² + V·h, 2 bytes each), 1/16 per ring step.
  double grads = 2 * (8 * 12.0 * 4096 * 4096 + 51200.0 * 4096);
  EXPECT_NEAR(dp.max_flow_bytes(), grads / 16, 1);
  EXPECT_DOUBLE_EQ(dp.per_step_reduce, 2 * 15);
  // Compute of a micro-batch: 3 passes of (2·b·s·12h² + 4·b·s²·h)/8 per layer, the logits 6·b·s·h·V/8, at
  // 100 TFLOPS x 100 % x the training GEMM share; 162 bytes x b·s·h / 8 per layer over 2 TB/s.
  double s = 2048, h = 4096;
  double flops = 3 * 8 * (2 * s * 12 * h * h + 4 * s * s * h) / 8 + 6 * s * h * 51200 / 8;
  double expected = flops / (100e12 * kTrainingGemmShare) + 8 * 162 * s * h / 8 / 2e12;
  EXPECT_NEAR(p.compute_mb.raw(), expected, expected * 1e-12);
  EXPECT_DOUBLE_EQ(p.useful_per_step.raw(), 6 * 1.82e9 * 64 * 2048);
}

TEST(Parallelism, RankOrderDecidesWhichGroupsCrossNodes) {
  Inputs in = step_inputs();
  JobSpec j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  j.parallelism.tensor = 8;
  j.parallelism.pipeline = 4;
  j.parallelism.order = ParallelismSpec::Order::TpDpPp;
  StepPlan dp_inner = plan_step(j, job_layout(j, fast), fast, 128);
  j.parallelism.order = ParallelismSpec::Order::TpPpDp;
  StepPlan pp_inner = plan_step(j, job_layout(j, fast), fast, 128);
  auto find = [](const StepPlan& p, Phase ph) {
    for (const auto& x : p.phases)
      if (x.phase == ph) return x;
    return PhasePlan{};
  };
  // tp-dp-pp: the 4 replicas of a stage are nodes 4k..4k+3, a ring of neighbours; a stage boundary spans
  // 4 nodes. tp-pp-dp: the other way round.
  for (const Flow& f : find(dp_inner, Phase::DataReduce).flows) EXPECT_EQ(f.src / 4, f.dst / 4);
  for (const Flow& f : find(pp_inner, Phase::DataReduce).flows) EXPECT_EQ((f.dst - f.src + 16) % 4, 0);
  for (const Flow& f : find(pp_inner, Phase::PipelineExchange).flows) EXPECT_EQ(f.src / 4, f.dst / 4);
}

TEST(Parallelism, ComposesTheStepFromPhaseCosts) {
  Inputs in = step_inputs();
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  StepPlan p = plan_step(j, job_layout(j, fast), fast, 128);
  PhaseCosts costs{{Phase::TensorAllReduce, 1e-4}, {Phase::DataReduce, 2e-3}};
  StepBreakdown b = compose_step(p, costs);
  double m = 4;
  EXPECT_DOUBLE_EQ(b.compute.raw(), m * p.compute_mb.raw());
  EXPECT_DOUBLE_EQ(b.exposed_tp.raw(), m * 4 * 8 * 14 * 1e-4);
  EXPECT_DOUBLE_EQ(b.pp_bubble.raw(), 0);          // one stage
  EXPECT_DOUBLE_EQ(b.exposed_dp.raw(), 30 * 2e-3); // overlap 0: the whole ring
  EXPECT_NEAR(b.step.raw(), b.compute.raw() + b.exposed_tp.raw() + b.exposed_dp.raw(), 1e-12);
  EXPECT_DOUBLE_EQ(b.rate.raw(), p.useful_per_step.raw() / b.step.raw());
  // With overlap, the reduction hides behind the last micro-batch's backward pass, except its first
  // layer's share: min(60 ms x 7/8, backward) hidden.
  p.layout.overlap = 1;
  StepBreakdown o = compose_step(p, costs);
  EXPECT_NEAR(o.exposed_dp.raw(), 0.060 - std::min(0.060 * 7 / 8, p.backward_mb.raw()), 1e-12);
  // Pipelined: a bubble of (p − 1)/v micro-batches.
  p.layout.pp = 4;
  p.layout.virtual_stages = 2;
  StepBreakdown piped = compose_step(p, costs);
  double mb = p.compute_mb.raw() + 4 * 8 * 14 * 1e-4;
  EXPECT_NEAR(piped.pp_bubble.raw(), 1.5 * mb, 1e-12);
}

TEST(Parallelism, WithMfuTheSpeedIsTodaysExactlyAndTheFabricIgnored) {
  Inputs in = load_inputs(kData + "/../../workloads/scenarios/gpt4-azure-cutoff.yaml");
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& c = *in.platform.find_cluster("azure/eastus/nd-a100-v4");
  TrainingSpeed speed;
  StepBreakdown b = speed.step(j, c, j.gpus);
  EXPECT_FALSE(b.derived);
  EXPECT_EQ(b.rate.raw(), (c.gpu_peak * (static_cast<double>(j.gpus) * j.mfu)).raw());
  EXPECT_EQ(b.mfu, 0.34);
}

TEST(Parallelism, AWidthNobodySimulatedScalesTheNearestRingStepByItsBytes) {
  Inputs in = step_inputs();
  const JobSpec& j = in.workload.jobs.at(0);
  const ClusterSpec& fast = *in.platform.find_cluster("alpha/r1/fast");
  StepTable t;
  t.layouts[j.name] = job_layout(j, fast);
  t.costs[{j.name, fast.id, 16}] = {{Phase::TensorAllReduce, 1e-4}, {Phase::DataReduce, 2e-3}};
  TrainingSpeed speed(t);
  StepBreakdown at16 = speed.step(j, fast, 128);
  StepBreakdown at10 = speed.step(j, fast, 80); // 10 replicas: each ring step carries 16/10 the bytes
  EXPECT_EQ(at10.layout.dp, 10);
  EXPECT_NEAR(at10.exposed_dp.raw(), 18 * 2e-3 * 16 / 10, 1e-9);
  EXPECT_NEAR(at10.exposed_tp.raw(), at16.exposed_tp.raw() / 4 * 7, 1e-12); // 7 micro-batches, not 4
  EXPECT_THROW(speed.step(j, *in.platform.find_cluster("alpha/r1/slow"), 128), std::logic_error);
}

TEST(Parallelism, ASplitSendsEveryParametersGradientPerActiveStep) {
  Inputs in = load_inputs(kData + "/step/moe-split.yaml");
  const JobSpec& j = in.workload.jobs.at(0);
  const ResponseSpec& r = in.scenario.placements.at(0).response;
  // 2.39e9 parameters x 2 bytes per 6 x 7.76e8 active x 131,072 tokens of work.
  EXPECT_DOUBLE_EQ(split_sync_bytes_per_flop(j, r), 2.0 * (2386558976.0 / 775946240.0) / (6.0 * 131072));
  JobSpec dense = j;
  dense.active_params = 0;
  EXPECT_EQ(split_sync_bytes_per_flop(dense, r), 2.0 / (6.0 * 131072)); // as before active parameters
}

TEST(Parallelism, StepsNeededCoverThePlacementTheTargetsAndTheThrottledWidths) {
  Inputs in = load_inputs(kData + "/step/moe-split.yaml");
  std::map<std::string, Layout> layouts;
  std::vector<StepKey> keys = steps_needed(in.platform, in.workload, in.scenario, &layouts);
  EXPECT_EQ(layouts.at("moe").dp, 16);
  std::vector<StepKey> expected = {{"moe", "alpha/r1/fast", 8},
                                   {"moe", "alpha/r1/fast", 16},
                                   {"moe", "beta/r1/far", 8},
                                   {"moe", "beta/r1/far", 16}};
  EXPECT_EQ(keys, expected);
}
