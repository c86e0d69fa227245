// Validation of the failure/checkpoint model against published formulas, through the riftsim binary.
#include "model/checkpoint_math.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;
using namespace riftsim;

namespace {

// tests/data/daly/platform.yaml: 512 GPUs x 100 TFLOPS x MFU 0.5 = 2.56e16 FLOP/s; 1.8432e22 FLOPs = 200 h
// of compute (T_s); a 600 GB checkpoint at 10 GB/s: δ = 60 s, and the restart reads it back: R = 60 s;
// job MTBF M = 640 h / 64 nodes = 10 h.
constexpr double kTs = 720000, kDelta = 60, kRestart = 60, kMtbf = 36000;

struct Point {
  double tau, mean, half_width;
  double failures, failures_half_width;
  double job_failures, job_failures_half_width;
};

Point simulate_interval(const fs::path& dir, double tau, int gpus = 512, bool async = false,
                        const std::string& platform = "platform.yaml") {
  std::string name = "tau" + std::to_string(static_cast<int>(tau)) + "-gpus" + std::to_string(gpus) +
                     (async ? "-async" : "") + "-" + fs::path(platform).stem().string();
  std::ofstream(dir / (name + "-workload.yaml"))
      << "jobs:\n  j:\n    flops: 1.8432e22\n    gpus: " << gpus
      << "\n    mfu: 0.5\n    checkpoint_interval: " << tau << "s\n    checkpoint_size: 600GB\n"
      << "    checkpoint_mode: " << (async ? "async" : "sync") << "\n";
  std::ofstream(dir / (name + ".yaml"))
      << "platform: " << RIFTSIM_TEST_DATA << "/daly/" << platform << "\nworkload: " << name
      << "-workload.yaml\njobs:\n  j:\n    cluster: alpha/r1/c\n";
  std::string cmd = std::string(RIFTSIM_BIN) + " run " + (dir / (name + ".yaml")).string() +
                    " --quiet --replications 16 --out " + (dir / name).string() + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dir / name / "replications.json");
  auto job = nlohmann::json::parse(in)["jobs"]["j"];
  auto half = [](const nlohmann::json& m) { return m["ci95_high"].get<double>() - m["mean"].get<double>(); };
  auto wall = job["wall_time_s"], failures = job["failures"], job_failures = job["job_failures"];
  return {tau,
          wall["mean"].get<double>(),
          half(wall),
          failures["mean"].get<double>(),
          half(failures),
          job_failures["mean"].get<double>(),
          half(job_failures)};
}

} // namespace

TEST(Validation, WasteMatchesDalyAndIsLeastAtTheYoungInterval) {
  fs::path dir = fs::temp_directory_path() / ("riftsim-daly-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const double young = young_interval(Seconds(kDelta), Seconds(kMtbf)).raw(); // 2078 s
  std::vector<double> taus = {600, 1000, 1500, young, 3000, 4500, 7000};
  std::vector<Point> points;
  for (double tau : taus) points.push_back(simulate_interval(dir, tau));
  for (const auto& p : points) {
    double model = daly_first_order_wall(Seconds(kTs), Seconds(p.tau), Seconds(kDelta), Seconds(kRestart),
                                         Seconds(kMtbf))
                       .raw();
    // Waste = 1 - T_s / T_w: the same comparison, on wall time. Within the 95 % interval of 16 seeds.
    EXPECT_NEAR(p.mean, model, p.half_width)
        << "tau " << p.tau << ": simulated " << p.mean << " vs Daly " << model;
    // Failures hit the job at its nodes' rate over its wall time: 64 nodes / 640 h each = one per M.
    EXPECT_NEAR(p.failures, p.mean / kMtbf, p.failures_half_width) << "tau " << p.tau;
  }
  auto best =
      std::min_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.mean < b.mean; });
  size_t at = static_cast<size_t>(best - points.begin());
  EXPECT_LE(std::abs(static_cast<int>(at) - 3), 1)
      << "least waste at tau " << best->tau << ", Young's is " << young;
  fs::remove_all(dir);
}

TEST(Validation, WasteWithAsynchronousCheckpointsMatchesTheFirstOrderModelAndBeatsSync) {
  fs::path dir = fs::temp_directory_path() / ("riftsim-daly-async-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (double tau : {600.0, 1500.0, 3000.0, 7000.0}) {
    Point async = simulate_interval(dir, tau, 512, true);
    double model = daly_first_order_wall_async(Seconds(kTs), Seconds(tau), Seconds(kDelta), Seconds(kRestart),
                                               Seconds(kMtbf))
                       .raw();
    EXPECT_NEAR(async.mean, model, async.half_width)
        << "tau " << tau << ": simulated " << async.mean << " vs first-order async model " << model;
    // The same seeds with synchronous checkpoints: every cycle stalls for the write.
    Point sync = simulate_interval(dir, tau, 512, false);
    EXPECT_LT(async.mean, sync.mean) << "tau " << tau;
  }
  fs::remove_all(dir);
}

TEST(Validation, FailuresHittingAJobScaleWithItsNodesAndTime) {
  fs::path dir = fs::temp_directory_path() / ("riftsim-scale-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // The same cluster and failure stream; a job on 64 nodes and one on 32 (which also runs twice as long).
  for (int gpus : {512, 256}) {
    Point p = simulate_interval(dir, 3000, gpus);
    double nodes = gpus / 8.0;
    double expected = p.mean * nodes / (640 * 3600.0); // node-time of the job x failures per node-second
    EXPECT_NEAR(p.failures, expected, p.failures_half_width) << gpus << " GPUs";
  }
  fs::remove_all(dir);
}

TEST(Validation, JobLevelFailuresComeAtTheirOwnRateWhateverTheJobsSize) {
  // A job MTBF of 10 h, node failures negligible: a 64-node and an 8-node job both see one job failure
  // per 10 h of wall time (node failures alone would give the small one 8 times fewer).
  fs::path dir = fs::temp_directory_path() / ("riftsim-job-failures-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int gpus : {512, 64}) {
    Point p = simulate_interval(dir, 3000, gpus, false, "job-failures-platform.yaml");
    EXPECT_NEAR(p.job_failures, p.mean / 36000, p.job_failures_half_width) << gpus << " GPUs";
    EXPECT_GT(p.job_failures, 5) << gpus << " GPUs";
    EXPECT_NEAR(p.failures, 0, 0.5) << gpus << " GPUs";
  }
  fs::remove_all(dir);
}

TEST(Validation, CorrelatedFailuresKeepTheStatedRateOfEachNode) {
  // 640 h per node in all, half the events taking a whole group of 8: the job's 64 nodes still see
  // 64 / 640 h = one node failure per 10 h of wall time, as without correlation (more at once, rarer).
  fs::path dir = fs::temp_directory_path() / ("riftsim-correlated-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Point p = simulate_interval(dir, 3000, 512, false, "correlated-platform.yaml");
  EXPECT_NEAR(p.failures, p.mean / 36000, p.failures_half_width);
  fs::remove_all(dir);
}
