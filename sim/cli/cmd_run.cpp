#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/launcher.hpp"
#include "config/loaders.hpp"
#include "core/units.hpp"
#include "engine/run_result.hpp"
#include "output/checks.hpp"
#include "output/replications.hpp"
#include "output/result_json.hpp"
#include "output/summary_text.hpp"
#include "output/timeline_files.hpp"

namespace fs = std::filesystem;

namespace riftsim {
namespace {

RunResult read_child_result(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("a simulation child wrote no result at " + path.string());
  return run_result_from_json(ojson::parse(in));
}

/// A private scratch directory, removed on every way out.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    char tmpl[] = "/tmp/riftsim-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot create a temporary directory");
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

} // namespace

int cmd_simulate(const SimulateArgs& a, std::vector<std::string> sg_flags) {
  Inputs in = load_inputs(a.scenario);
  SimOptions opt;
  opt.with_events = !a.no_events;
  opt.seed = a.seed;
  opt.log_level = a.log_level;
  opt.progress = a.progress;
  std::vector<char*> argv;
  std::string arg0 = "riftsim";
  argv.push_back(arg0.data());
  for (auto& f : sg_flags) argv.push_back(f.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(argv.size()) - 1;
  RunResult r = simulate(in, opt, &argc, argv.data());
  write_file_atomically(a.result, run_result_to_json(r).dump(1) + "\n");
  return kExitOk;
}

int cmd_run(const RunArgs& a, const std::vector<std::string>& sg_flags) {
  Inputs in = load_inputs(a.scenario); // bad input stops here, before anything is written
  if (a.replications < 1 || a.replications > 100000)
    throw InputError({"--replications", 1, 1}, "must be between 1 and 100000");
  fs::path out = a.out.empty() ? fs::path("results") / in.scenario.name : fs::path(a.out);
  ScratchDir work;

  // Each replication is two simulations, each its own process (one SimGrid engine each): the run with
  // provider events and its baseline without them, on the same seed (common random numbers).
  const int n = a.replications;
  bool progress = !a.quiet && n == 1 && ::isatty(STDERR_FILENO);
  std::vector<std::uint64_t> seeds;
  std::vector<std::vector<std::string>> children;
  for (int i = 0; i < n; ++i) {
    std::uint64_t seed = a.seed + static_cast<std::uint64_t>(i);
    seeds.push_back(seed);
    for (bool events : {true, false}) {
      std::string level = events && i == 0 ? (a.quiet ? "warn" : a.log_level) : "warn";
      std::vector<std::string> args = {"simulate", a.scenario, "--result",
                                       (work.path / fmt::format("{}-{}.json", events ? "events" : "baseline", i)).string(),
                                       "--seed", std::to_string(seed), "--log-level", level};
      if (!events) args.push_back("--no-events");
      if (events && progress) args.push_back("--progress");
      args.insert(args.end(), sg_flags.begin(), sg_flags.end());
      children.push_back(std::move(args));
    }
  }
  int parallel = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool show_count = !a.quiet && n > 1 && ::isatty(STDERR_FILENO);
  auto codes = run_children(children, parallel, [&](size_t done) {
    if (show_count && done % 2 == 0)
      std::fprintf(stderr, "\r\033[Kriftsim: %zu/%d replications done", done / 2, n);
  });
  if (show_count) std::fprintf(stderr, "\r\033[K");
  for (int c : codes)
    if (c != 0) {
      std::cerr << "riftsim: a simulation failed (exit " << c << ")\n";
      return c == kExitBadInput ? kExitBadInput : kExitInternal;
    }

  ScenarioInfo info{in.scenario.name, in.scenario.description, a.scenario, in.scenario.platform_file,
                    in.scenario.workload_file};
  std::vector<ojson> summaries;
  RunResult first;
  for (int i = 0; i < n; ++i) {
    RunResult run = read_child_result(work.path / fmt::format("events-{}.json", i));
    RunResult base = read_child_result(work.path / fmt::format("baseline-{}.json", i));
    summaries.push_back(summary_json(info, run, base));
    if (i == 0) first = std::move(run);
  }
  // summary.json, events.csv and trace.json describe the first seed; replications.json all of them.
  ojson& summary = summaries.front();
  auto checks = check_expectations(in.scenario.expectations, summary);
  summary["expectations"] = expectations_json(checks);

  fs::create_directories(out);
  write_file_atomically((out / "summary.json").string(), summary.dump(2) + "\n");
  write_file_atomically((out / "events.csv").string(), events_csv(first.log));
  write_file_atomically((out / "trace.json").string(), trace_json(first.log, in.scenario.name).dump() + "\n");
  if (!a.quiet) std::cout << summary_text(summary);
  if (n > 1) {
    ojson reps = replications_json(summaries, seeds);
    write_file_atomically((out / "replications.json").string(), reps.dump(1) + "\n");
    if (!a.quiet) std::cout << replications_text(reps);
  }

  int code = kExitOk;
  for (const auto& c : checks) {
    if (c.passed && a.quiet) continue;
    std::string actual = "no such numeric field";
    if (c.found) {
      actual = fmt::format("{:.6g}", c.actual);
      if (c.expectation->path.back().ends_with("_s")) actual += " s = " + format_duration(Seconds(c.actual));
    }
    std::cout << (c.passed ? "  pass  " : "  FAIL  ") << c.expectation->text << "  (actual " << actual << ")\n";
    if (!c.passed) code = kExitCheckFailed;
  }
  std::cout << "\nresults: " << out.string() << "/ (summary.json, events.csv, trace.json"
            << (n > 1 ? ", replications.json" : "") << ")\n";
  if (a.plot && run_plot_tool(out.string()) != 0) {
    std::cerr << "riftsim: the figures could not be made (see above)\n";
    return code == kExitOk ? kExitInternal : code;
  }
  if (code != kExitOk) std::cerr << "riftsim: an expectation failed\n";
  return code;
}

int run_plot_tool(const std::string& result_dir) {
  // RIFTSIM_PLOT overrides where the tool is (an installed copy); Debian's python3-matplotlib needs
  // /usr/bin/python3, whatever python3 comes first on PATH.
  const char* env = std::getenv("RIFTSIM_PLOT");
  std::string tool = env ? env : RIFTSIM_TOOLS_DIR "/riftsim-plot";
  std::vector<std::string> args = {"/usr/bin/python3", tool, result_dir};
  return run_program(args);
}

} // namespace riftsim
