#include <fmt/format.h>
#include <unistd.h>

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
  fs::path out = a.out.empty() ? fs::path("results") / in.scenario.name : fs::path(a.out);
  ScratchDir work;

  bool progress = !a.quiet && ::isatty(STDERR_FILENO);
  auto child = [&](const std::string& result, bool events, const std::string& level) {
    std::vector<std::string> args = {"simulate", a.scenario,  "--result", (work.path / result).string(),
                                     "--seed",   std::to_string(a.seed), "--log-level", level};
    if (!events) args.push_back("--no-events");
    if (events && progress) args.push_back("--progress");
    args.insert(args.end(), sg_flags.begin(), sg_flags.end());
    return args;
  };
  // The baseline is the same scenario without provider events, in its own process (one engine each).
  std::string level = a.quiet ? "warn" : a.log_level;
  auto codes = run_children({child("events.json", true, level), child("baseline.json", false, "warn")},
                            static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  for (int c : codes)
    if (c != 0) {
      std::cerr << "riftsim: a simulation failed (exit " << c << ")\n";
      return c == kExitBadInput ? kExitBadInput : kExitInternal;
    }
  RunResult run = read_child_result(work.path / "events.json");
  RunResult base = read_child_result(work.path / "baseline.json");
  ScenarioInfo info{in.scenario.name, in.scenario.description, a.scenario, in.scenario.platform_file,
                    in.scenario.workload_file};
  ojson summary = summary_json(info, run, base);
  auto checks = check_expectations(in.scenario.expectations, summary);
  summary["expectations"] = expectations_json(checks);

  fs::create_directories(out);
  write_file_atomically((out / "summary.json").string(), summary.dump(2) + "\n");
  write_file_atomically((out / "events.csv").string(), events_csv(run.log));
  write_file_atomically((out / "trace.json").string(), trace_json(run.log, in.scenario.name).dump() + "\n");
  if (!a.quiet) std::cout << summary_text(summary);

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
  std::cout << "\nresults: " << out.string() << "/ (summary.json, events.csv, trace.json)\n";
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
