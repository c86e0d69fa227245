// Workloads of many jobs: drawn from templates (seeded) and read from job traces (riftsim's CSV and
// Alibaba's cluster-trace-gpu-v2023), every job checked like a listed one.
#include "config/loaders.hpp"
#include "core/input_error.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <set>

using namespace riftsim;

namespace {
const std::string kData = RIFTSIM_TEST_DATA;

const char* kTemplate = R"(
generate:
  - name: research
    count: 200
    seed: 7
    project: research
    priority: {choice: [0, 5], weights: [3, 1]}
    arrivals: {from: 10d, to: 100d}
    gpus: {choice: [64, 256, 1024], weights: [0.5, 0.3, 0.2]}
    duration: {lognormal: {median: 3d, sigma: 0.7}, min: 6h, max: 30d}
    reference_gpu_peak: 989TFLOPS
    deadline_after: 60d
    job: {mfu: 40%, checkpoint_interval: 2h, checkpoint_size: 500GB}
  - name: fixed
    count: 3
    arrivals: {every: 7d}
    gpus: 512
    duration: 1d
    reference_gpu_peak: 1PFLOPS
    job: {mfu: 50%, checkpoint_interval: 1h, checkpoint_size: 1TB}
)";
} // namespace

TEST(WorkloadSources, ATemplateDrawsItsJobsFromItsDistributionsWithItsOwnSeed) {
  WorkloadSpec w = parse_workload(kTemplate, "gen.yaml");
  ASSERT_EQ(w.jobs.size(), 203u);
  EXPECT_EQ(w.jobs[0].name, "research-001");
  EXPECT_EQ(w.jobs[199].name, "research-200");
  std::set<long long> sizes;
  int high = 0;
  double last = 0;
  for (int i = 0; i < 200; ++i) {
    const JobSpec& j = w.jobs[static_cast<size_t>(i)];
    sizes.insert(j.gpus);
    high += j.priority == 5;
    EXPECT_GE(j.submit.raw(), 10 * 86400.0);
    EXPECT_LT(j.submit.raw(), 100 * 86400.0);
    EXPECT_GE(j.submit.raw(), last); // arrivals in order
    last = j.submit.raw();
    double days = j.work.raw() / (j.gpus * 989e12 * 0.4) / 86400;
    EXPECT_GE(days, 0.25 - 1e-6);
    EXPECT_LE(days, 30 + 1e-6);
    EXPECT_EQ(j.project, "research");
    ASSERT_TRUE(j.deadline);
    EXPECT_NEAR(j.deadline->raw() - j.submit.raw(), 60 * 86400.0, 1e-3);
  }
  EXPECT_EQ(sizes, (std::set<long long>{64, 256, 1024}));
  EXPECT_GT(high, 25); // ~50 of 200 expected at weights 3:1
  EXPECT_LT(high, 80);
  // The same template gives the same jobs.
  WorkloadSpec again = parse_workload(kTemplate, "gen.yaml");
  for (size_t i = 0; i < w.jobs.size(); ++i) {
    EXPECT_EQ(again.jobs[i].gpus, w.jobs[i].gpus);
    EXPECT_EQ(again.jobs[i].work.raw(), w.jobs[i].work.raw());
  }
  // Fixed values: 1 day at 512 x 1 PFLOP/s x 50 %, one every 7 days from 0.
  const JobSpec& f = w.jobs[202];
  EXPECT_EQ(f.name, "fixed-3");
  EXPECT_NEAR(f.work.raw(), 86400.0 * 512 * 1e15 * 0.5, 1e12);
  EXPECT_NEAR(f.submit.raw(), 14 * 86400.0, 1e-3);
}

TEST(WorkloadSources, ATemplateThatSetsWhatItDrawsIsRefusedAtTheKey) {
  const char* bad = R"(
generate:
  - name: x
    count: 2
    gpus: 8
    flops: 1e21
    job: {mfu: 40%, gpus: 16, checkpoint_interval: 1h, checkpoint_size: 1GB}
)";
  try {
    parse_workload(bad, "bad.yaml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pos().line, 7);
    EXPECT_NE(std::string(e.what()).find("set by the template"), std::string::npos) << e.what();
  }
}

TEST(WorkloadSources, TracesInRiftsimsFormatAndAlibabasBecomeJobs) {
  WorkloadSpec w = load_workload(kData + "/trace-workload.yaml");
  ASSERT_EQ(w.jobs.size(), 3u + 38u); // 38 of the excerpt's 40 tasks asked for GPUs and ran
  const JobSpec& pre = w.jobs[0];
  EXPECT_EQ(pre.name, "pretrain");
  EXPECT_EQ(pre.gpus, 1024);
  EXPECT_DOUBLE_EQ(pre.work.raw(), 1e24);
  EXPECT_EQ(pre.priority, 10);
  EXPECT_EQ(pre.project, "frontier");
  EXPECT_NEAR(pre.deadline->raw(), 120 * 86400.0, 1e-3);
  const JobSpec& ft = w.jobs[1];
  EXPECT_NEAR(ft.submit.raw(), 3 * 86400.0, 1e-3);
  EXPECT_NEAR(ft.work.raw(), 2 * 86400.0 * 64 * 989e12 * 0.4, 1e12); // 2 days at the reference speed
  EXPECT_FALSE(ft.deadline);
  // Alibaba: openb-pod-0000, created at 0, ran 12,537,496 s on 1 GPU (x8), QoS LS (priority 2).
  const JobSpec& a = w.jobs[3];
  EXPECT_EQ(a.name, "openb-pod-0000");
  EXPECT_EQ(a.gpus, 8);
  EXPECT_EQ(a.priority, 2);
  EXPECT_EQ(a.project, "alibaba");
  EXPECT_NEAR(a.work.raw(), 12537496.0 * 8 * 125e12 * 0.3, 1e12);
  long long gpus = 0;
  for (size_t i = 3; i < w.jobs.size(); ++i) gpus += w.jobs[i].gpus;
  EXPECT_EQ(gpus, 213 * 8);
}

TEST(WorkloadSources, ABadTraceCellIsReportedAtItsLineAndColumn) {
  std::string dir = std::filesystem::path(::testing::TempDir()).lexically_normal().string();
  std::string csv = (std::filesystem::path(dir) / "bad-trace.csv").string();
  FILE* f = fopen(csv.c_str(), "w");
  fputs("name,submit,gpus,flops\nok,0d,8,1e21\nbad,1d,8,lots\n", f);
  fclose(f);
  std::string yaml =
      "traces:\n  - file: " + csv + "\n    job: {mfu: 40%, checkpoint_interval: 1h, checkpoint_size: 1GB}\n";
  try {
    parse_workload(yaml, (std::filesystem::path(dir) / "w.yaml").string());
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.pos().file, csv);
    EXPECT_EQ(e.pos().line, 3);
    EXPECT_EQ(e.pos().column, 10);
  }
}
