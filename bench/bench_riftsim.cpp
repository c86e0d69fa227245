// Benchmarks of whole riftsim runs. A run is child processes (one SimGrid engine each), so each
// iteration starts the real binary, as a user would, and the time includes the baseline run.
#include "config/loaders.hpp"

#include <benchmark/benchmark.h>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>

namespace {

const std::string kRepo = RIFTSIM_REPO;

void run_or_skip(benchmark::State& state, const std::string& args) {
  std::string cmd = std::string(RIFTSIM_BIN) + " " + args + " >/dev/null 2>&1";
  for (auto _ : state) {
    int status = std::system(cmd.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError(("failed: " + cmd).c_str());
      return;
    }
  }
  struct rusage ru {};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  state.counters["max_child_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

/// Target: under 1 s on the 2-core machine, Release (issue: foundation).
void BM_FlagshipRun(benchmark::State& state) {
  run_or_skip(state, "run " + kRepo +
                         "/workloads/scenarios/gpt4-azure-cutoff.yaml --quiet --out /tmp/riftsim-bench");
}
BENCHMARK(BM_FlagshipRun)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

/// Targets: one run under 1 s; 100 replications under 15 s (issue: failures and replications).
void BM_FlagshipWithFailures(benchmark::State& state) {
  run_or_skip(state,
              "run " + kRepo +
                  "/workloads/scenarios/gpt4-azure-cutoff-failures.yaml --quiet --out /tmp/riftsim-bench-f");
}
BENCHMARK(BM_FlagshipWithFailures)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_FlagshipWithFailures100Replications(benchmark::State& state) {
  run_or_skip(state, "run " + kRepo +
                         "/workloads/scenarios/gpt4-azure-cutoff-failures.yaml --quiet --replications 100 "
                         "--out /tmp/riftsim-bench-r");
}
BENCHMARK(BM_FlagshipWithFailures100Replications)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->UseRealTime();

/// Target (the planner issue): one simulation of the portfolio — 506 jobs over a year on ~103,000 GPUs,
/// failures on — under 10 s (the undisturbed run: no provider events, the portfolio's baseline).
void BM_PortfolioOneSimulation(benchmark::State& state) {
  std::string cmd = std::string(RIFTSIM_BIN) + " simulate " + kRepo +
                    "/workloads/scenarios/portfolio-azure-throttle.yaml --result /tmp/riftsim-bench-pf.json "
                    "--no-events --no-timeline --log-level error";
  for (auto _ : state)
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) state.SkipWithError(("failed: " + cmd).c_str());
  struct rusage ru {};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  state.counters["max_child_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_PortfolioOneSimulation)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

/// Target: a 25,000-GPU fat-tree platform (one host per node) builds in under 1 s and 300 MB (one
/// simulation of a one-segment job on it, so build time dominates).
void BM_FatTree25kPlatform(benchmark::State& state) {
  std::string cmd =
      std::string(RIFTSIM_BIN) + " simulate " + kRepo +
      "/bench/data/fat-tree-25k.yaml --result /tmp/riftsim-bench-ft.json --no-timeline --log-level warn";
  for (auto _ : state)
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) state.SkipWithError(("failed: " + cmd).c_str());
  struct rusage ru {};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  state.counters["max_child_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_FatTree25kPlatform)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

/// Target: deriving one step of a 16,384-GPU layout (Llama-3-405B-like, tp 8 × pp 16 × dp 128 on 2,048
/// H100 nodes of a fat-tree) under 0.5 s: the whole command, its forked child simulating the collectives
/// on the fabric with one host per node, and the composition (issue: step model).
void BM_DeriveStep16k(benchmark::State& state) {
  run_or_skip(state, "run " + kRepo + "/bench/data/step-16k.yaml --explain-step llama3 p/r/h100");
}
BENCHMARK(BM_DeriveStep16k)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

/// The flagship cutoff with the speed derived from the platform: the steps of the GPT-4-class MoE layout on
/// Azure and GCP (24,960 GPUs each), then the run and its baseline.
void BM_FlagshipLayoutRun(benchmark::State& state) {
  run_or_skip(state,
              "run " + kRepo +
                  "/workloads/scenarios/gpt4-azure-cutoff-layout.yaml --quiet --out /tmp/riftsim-bench-l");
}
BENCHMARK(BM_FlagshipLayoutRun)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

/// Loading and checking the three flagship files, in process.
void BM_LoadFlagshipInputs(benchmark::State& state) {
  for (auto _ : state) {
    riftsim::Inputs in = riftsim::load_inputs(kRepo + "/workloads/scenarios/gpt4-azure-cutoff.yaml");
    benchmark::DoNotOptimize(in);
  }
}
BENCHMARK(BM_LoadFlagshipInputs)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
