#include "accounting/run_result.hpp"
#include "cli/commands.hpp"
#include "cli/interrupts.hpp"
#include "cli/launcher.hpp"
#include "cli/staged_output.hpp"
#include "cli/step_table.hpp"
#include "config/loaders.hpp"
#include "core/units.hpp"
#include "output/checks.hpp"
#include "output/comparison.hpp"
#include "output/planner_files.hpp"
#include "output/replications.hpp"
#include "output/result_json.hpp"
#include "output/results_table.hpp"
#include "output/summary_text.hpp"
#include "output/timeline_files.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace riftsim {
namespace {

// Beyond this many jobs, responses are compared portfolio against portfolio, not job by job.
constexpr size_t kJobsListedSideBySide = 8;

RunResult read_child_result(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("a simulation child wrote no result at " + path.string());
  return run_result_from_json(ojson::parse(in));
}

/// JSON text for a file: names and descriptions are checked UTF-8 at loading, and anything that is not
/// (a path given on the command line) is replaced rather than failing after the simulations.
std::string json_text(const ojson& j, int indent = -1) {
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace) + "\n";
}

} // namespace

int cmd_simulate(const SimulateArgs& a, std::vector<std::string> sg_flags) {
  return simulate_to_file(load_inputs(a.scenario), a, std::move(sg_flags));
}

int simulate_to_file(Inputs in, const SimulateArgs& a, std::vector<std::string> sg_flags,
                     std::shared_ptr<const TrainingSpeed> speed) {
  if (a.variant >= response_variants(in.scenario))
    throw InputError({a.scenario, 1, 1}, "the scenario has no response variant " + std::to_string(a.variant));
  // Before this process's engine exists: steps are derived in children of their own.
  if (!speed)
    speed = derive_training_speed(in, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  select_response_variant(in.scenario, a.variant);
  SimOptions opt;
  opt.with_events = !a.no_events;
  opt.seed = a.seed;
  opt.log_level = a.log_level;
  opt.progress = a.progress;
  opt.timeline = !a.no_timeline;
  opt.speed = std::move(speed);
  std::vector<char*> argv;
  std::string arg0 = "riftsim";
  argv.push_back(arg0.data());
  for (auto& f : sg_flags) argv.push_back(f.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(argv.size()) - 1;
  RunResult r = simulate(in, opt, &argc, argv.data());
  write_file_atomically(a.result, json_text(run_result_to_json(r)));
  return kExitOk;
}

namespace {

/// Writes summary.json, events.csv, trace.json and the planner files (jobs, utilization, queue) of one run
/// into `dir`.
void write_run(const fs::path& dir, const ojson& summary, const RunResult& run, const std::string& scenario) {
  fs::create_directories(dir);
  write_file_atomically((dir / "summary.json").string(), json_text(summary, 2));
  write_file_atomically((dir / "events.csv").string(), events_csv(run.log));
  write_file_atomically((dir / "trace.json").string(), json_text(trace_json(run.log, scenario)));
  write_file_atomically((dir / "jobs.csv").string(), jobs_csv(summary));
  write_file_atomically((dir / "utilization.csv").string(), utilization_csv(run));
  write_file_atomically((dir / "queue.csv").string(), queue_csv(run));
}

/// Prints each expectation that failed (and, unless quiet, those that passed); true if all passed.
bool report_expectations(const std::vector<ExpectationResult>& checks, const std::string& label, bool quiet) {
  bool ok = true;
  for (const auto& c : checks) {
    if (c.passed && quiet) continue;
    std::string actual = "no such numeric field";
    if (c.found) {
      actual = fmt::format("{:.6g}", c.actual);
      if (c.expectation->path.back().ends_with("_s")) actual += " s = " + format_duration(Seconds(c.actual));
    }
    std::cout << (c.passed ? "  pass  " : "  FAIL  ") << (label.empty() ? "" : label + ": ")
              << c.expectation->text << "  (actual " << actual << ")\n";
    ok = ok && c.passed;
  }
  return ok;
}

} // namespace

int cmd_run(const RunArgs& a, const std::vector<std::string>& sg_flags) {
  Inputs in = load_inputs(a.scenario); // bad input stops here, before anything is written
  if (a.replications < 1 || a.replications > 100000)
    throw UsageError("--replications must be between 1 and 100,000");
  if (a.jobs != kJobsPerCore && (a.jobs < 1 || a.jobs > kMaxChildren))
    throw UsageError("--jobs must be between 1 and " + std::to_string(kMaxChildren) +
                     " (default: one per core)");
  if (a.seed > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(a.replications - 1))
    throw UsageError("--seed plus --replications goes past the largest seed, 2^64 - 1");
  int parallel =
      a.jobs != kJobsPerCore ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (!a.explain_step.empty())
    return explain_step(in, a.explain_step.at(0), a.explain_step.at(1), parallel, std::cout);
  check_start_allocations(in);
  const size_t variants = response_variants(in.scenario);
  fs::path out = a.out.empty() ? fs::path("results") / in.scenario.name : fs::path(a.out);
  // From here a signal kills the simulations and unwinds, which removes the staging folder.
  InterruptGuard interrupts;
  StagedOutput staged(out); // --out checked before any simulation
  const fs::path& result = staged.result();
  // Jobs without `mfu` train at the speed of their layout on the fabric: every step the scenario may need
  // is simulated once here, in children, and every simulation below reads it (docs/model-training.md).
  std::shared_ptr<const TrainingSpeed> speed = derive_training_speed(in, parallel);

  // Each simulation is its own process (one SimGrid engine each): per seed, the run with provider events
  // for each response variant, and one baseline without events (the same for every variant; common
  // random numbers with the runs of its seed).
  const int n = a.replications;
  bool progress = !a.quiet && n == 1 && variants == 1 && ::isatty(STDERR_FILENO);
  std::vector<std::uint64_t> seeds;
  std::vector<std::function<int()>> children;
  std::vector<std::string> children_results; // each child's result file, in the order of `children`
  auto result_file = [&](const std::string& kind, int seed_index, size_t variant) {
    return (staged.scratch() / fmt::format("{}-{}-{}.json", kind, seed_index, variant)).string();
  };
  for (int i = 0; i < n; ++i) {
    std::uint64_t seed = a.seed + static_cast<std::uint64_t>(i);
    seeds.push_back(seed);
    for (size_t v = 0; v <= variants; ++v) {
      bool events = v < variants; // the last one is the baseline
      SimulateArgs sim;
      sim.scenario = a.scenario;
      sim.result = result_file(events ? "events" : "baseline", i, events ? v : 0);
      children_results.push_back(sim.result);
      sim.seed = seed;
      // Warnings from the first run only: 100 replications would repeat them 100 times.
      sim.log_level = events && i == 0 && v == 0 ? (a.quiet ? "warn" : a.log_level) : "error";
      sim.variant = events ? v : 0;
      sim.no_events = !events;
      sim.progress = events && progress;
      // Only the first seed's timeline is written out (events.csv, trace.json), unless every seed's is
      // asked for (events-seed-SEED.csv); baselines' never.
      sim.no_timeline = !events || (i > 0 && !a.keep_timelines);
      // Bad input found only by the simulation is reported once, by the parent, from this file.
      children.push_back([&in, sim, &sg_flags, speed] {
        try {
          return simulate_to_file(in, sim, sg_flags, speed);
        } catch (const InputError& e) {
          write_file_atomically(sim.result + ".error", e.what());
          return kExitBadInput;
        }
      });
    }
  }
  bool show_count = !a.quiet && n > 1 && ::isatty(STDERR_FILENO);
  auto codes = run_children(children, parallel, [&](size_t done) {
    if (show_count) std::fprintf(stderr, "\r\033[Kriftsim: %zu/%zu simulations done", done, children.size());
  });
  if (show_count) std::fprintf(stderr, "\r\033[K");
  for (size_t k = 0; k < codes.size(); ++k) {
    if (codes[k] <= 0) continue; // ok, or not run after another failed
    fs::path error = fs::path(children_results[k] + ".error");
    if (codes[k] == kExitBadInput && fs::exists(error)) {
      std::cerr << read_text_file(error.string()) << "\n";
      return kExitBadInput;
    }
    std::cerr << "riftsim: a simulation failed ("
              << (codes[k] > 128 ? "killed by signal " + std::to_string(codes[k] - 128)
                                 : "exit " + std::to_string(codes[k]))
              << "); nothing written\n";
    return kExitInternal;
  }

  // The scenario by its file name and its inputs relative to its folder: a result does not depend on the
  // directory riftsim ran in (goldens compare across checkouts).
  auto from_scenario = [&](const std::string& p) {
    std::filesystem::path dir = std::filesystem::absolute(a.scenario).parent_path();
    return std::filesystem::absolute(p).lexically_relative(dir).string();
  };
  ScenarioInfo info{in.scenario.name, in.scenario.description,
                    std::filesystem::path(a.scenario).filename().string(),
                    from_scenario(in.scenario.platform_file), from_scenario(in.scenario.workload_file)};
  bool all_passed = true;
  std::string outputs;
  // Per response: the summaries of every seed (the first seed's is summary.json), against the baseline
  // of the same seed (common random numbers).
  std::vector<RunResult> bases;
  for (int i = 0; i < n; ++i) bases.push_back(read_child_result(result_file("baseline", i, 0)));
  std::vector<std::pair<std::string, ojson>> runs; // first seed, per response
  std::vector<std::pair<std::string, ojson>> reps; // replications.json, per response
  std::deque<ojson> csv_summaries;                 // --csv: every seed's summary, per response
  std::vector<TidyRun> csv_runs;
  for (size_t v = 0; v < variants; ++v) {
    std::string name = variants > 1 ? response_variant_name(in.scenario, v) : "";
    fs::path dir = variants > 1 ? result / name : result;
    fs::create_directories(dir);
    std::vector<ojson> summaries;
    RunResult first;
    for (int i = 0; i < n; ++i) {
      RunResult run = read_child_result(result_file("events", i, v));
      summaries.push_back(summary_json(info, run, bases[static_cast<size_t>(i)]));
      if (a.keep_timelines && n > 1)
        write_file_atomically(
            (dir / fmt::format("events-seed-{}.csv", seeds[static_cast<size_t>(i)])).string(),
            events_csv(run.log));
      if (i == 0) first = std::move(run);
    }
    ojson& summary = summaries.front();
    if (variants > 1) summary["variant"] = name;
    auto checks = check_expectations(in.scenario.expectations, summary);
    summary["expectations"] = expectations_json(checks);
    write_run(dir, summary, first, in.scenario.name);

    if (n > 1) {
      ojson r = replications_json(summaries, seeds);
      write_file_atomically((dir / "replications.json").string(), json_text(r, 1));
      reps.emplace_back(name, std::move(r));
    }
    for (int i = 0; a.csv && i < n; ++i) {
      csv_summaries.push_back(summaries[static_cast<size_t>(i)]);
      csv_runs.push_back(
          {{std::to_string(seeds[static_cast<size_t>(i)]), response_variant_name(in.scenario, v)},
           &csv_summaries.back()});
    }
    all_passed = report_expectations(checks, name, a.quiet) && all_passed;
    runs.emplace_back(name, std::move(summary));
  }
  if (variants > 1) {
    ojson comparison = comparison_json(runs);
    if (n > 1) { // each response's statistics over the seeds, next to its first seed's numbers
      comparison["replications"] = ojson::object();
      for (auto& [name, r] : reps) comparison["replications"][name] = r["jobs"];
      comparison["seeds"] = seeds;
    }
    write_file_atomically((result / "comparison.json").string(), json_text(comparison, 2));
    if (!a.quiet) {
      if (in.scenario.placements.size() > kJobsListedSideBySide) { // a portfolio: one row per response
        std::cout << "\nside by side (" << variants << " responses, " << in.scenario.placements.size()
                  << " jobs; each job's numbers in comparison.json and jobs.csv):\n"
                  << portfolio_comparison_text(runs);
      } else {
        std::cout << summary_text(runs.front().second);
        std::cout << "\nside by side (" << variants << " responses):\n" << comparison_text(comparison);
      }
      for (auto& [name, r] : reps) std::cout << "\n" << name << ":" << replications_text(r);
    }
    outputs = std::string("comparison.json, and one directory per response") +
              (n > 1 ? " with replications.json" : "");
  } else {
    if (!a.quiet) {
      std::cout << summary_text(runs.front().second);
      if (in.scenario.placements.size() > 1) std::cout << portfolio_text(runs.front().second["portfolio"]);
      if (n > 1) std::cout << replications_text(reps.front().second);
    }
    outputs = std::string("summary.json, jobs.csv, utilization.csv, queue.csv, events.csv, trace.json") +
              (n > 1 ? ", replications.json" : "") + (n > 1 && a.keep_timelines ? ", events-seed-*.csv" : "");
  }
  if (a.csv) {
    write_file_atomically((result / "results.csv").string(), results_csv({"seed", "response"}, csv_runs));
    outputs += ", results.csv";
  }
  int code = all_passed ? kExitOk : kExitCheckFailed;
  // The figures are part of the set: drawn before it is published.
  bool plotted = !a.plot || run_plot_tool(result.string(), out.string()) == 0;
  throw_if_interrupted();
  staged.publish();
  std::cout << "\nresults: " << out.string() << "/ (" << outputs << ")\n";
  if (!plotted) {
    std::cerr << "riftsim: the figures could not be made (see above)\n";
    return code == kExitOk ? kExitInternal : code;
  }
  if (code != kExitOk) std::cerr << "riftsim: an expectation failed\n";
  return code;
}

int cmd_compare(const std::vector<std::string>& given) {
  // A directory of a run with several responses holds one result directory per response: expand it.
  std::vector<std::string> dirs;
  for (const auto& d : given) {
    std::vector<std::string> inside;
    if (!fs::exists(fs::path(d) / "summary.json") && fs::is_directory(d)) {
      for (const auto& e : fs::directory_iterator(d))
        if (fs::exists(e.path() / "summary.json")) inside.push_back(e.path().string());
      std::sort(inside.begin(), inside.end());
      // In the scenario's order of responses, as the run printed them (comparison.json's rows).
      std::map<std::string, size_t> order;
      if (fs::path listed = fs::path(d) / "comparison.json"; fs::is_regular_file(listed))
        for (const auto& row : read_result_json(listed.string()).value("rows", ojson::array()))
          if (row.is_object() && row.contains("run") && row.at("run").is_string())
            order.emplace(row.at("run").get<std::string>(), order.size());
      std::stable_sort(inside.begin(), inside.end(), [&order](const std::string& a, const std::string& b) {
        auto rank = [&order](const std::string& dir) {
          auto it = order.find(fs::path(dir).filename().string());
          return it == order.end() ? order.size() : it->second;
        };
        return rank(a) < rank(b);
      });
    }
    if (inside.empty())
      dirs.push_back(d);
    else
      dirs.insert(dirs.end(), inside.begin(), inside.end());
  }
  std::vector<std::pair<std::string, ojson>> runs;
  for (const auto& d : dirs) {
    fs::path f = fs::path(d) / "summary.json";
    std::pair<std::string, ojson> run{fs::path(d).lexically_normal().filename().string(),
                                      read_result_json(f.string())};
    try { // each alone first, so that a file with missing or mistyped fields is named
      comparison_text(comparison_json({run}));
    } catch (const ojson::exception& e) {
      throw InputError({f.string(), 1, 1}, std::string("not a riftsim summary.json: ") + e.what());
    }
    runs.push_back(std::move(run));
  }
  // Portfolios side by side one row per run (each job's numbers are in their jobs.csv), as run prints them.
  bool portfolios = std::all_of(runs.begin(), runs.end(), [](const auto& run) {
    return run.second.contains("portfolio") && run.second.at("jobs").size() > kJobsListedSideBySide;
  });
  if (portfolios) {
    try {
      std::cout << portfolio_comparison_text(runs);
      return kExitOk;
    } catch (const ojson::exception& e) {
      throw InputError({dirs.front() + "/summary.json", 1, 1},
                       std::string("not a riftsim portfolio summary: ") + e.what());
    }
  }
  std::cout << comparison_text(comparison_json(runs));
  return kExitOk;
}

int run_plot_tool(const std::string& result_dir, const std::string& shown_as) {
  // The tool sits next to the binary (the build copies it there; an installation puts both in one
  // folder); RIFTSIM_PLOT overrides it. Debian's python3-matplotlib needs /usr/bin/python3, whatever
  // python3 comes first on PATH.
  const char* env = std::getenv("RIFTSIM_PLOT");
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::string tool = env ? env : (self.parent_path() / "riftsim-plot").string();
  std::vector<std::string> args = {"/usr/bin/python3", tool, result_dir, "--shown-as", shown_as};
  return run_program(args);
}

} // namespace riftsim
