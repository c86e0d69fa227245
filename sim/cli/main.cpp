// riftsim command line. Exit codes: 0 ok, 1 an expectation or regression failed, 2 bad input or usage,
// 3 an internal error (a bug: please report it with the input files).
#include "cli/launcher.hpp"
#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "engine/run_result.hpp"
#include "output/result_json.hpp"
#include "output/summary_text.hpp"

#include <CLI/CLI.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <spdlog/spdlog.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace riftsim;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

struct RunArgs {
  std::string scenario;
  std::string out;
  std::uint64_t seed = 1;
  std::string log_level = "info";
  bool quiet = false;
};

struct SimulateArgs {
  std::string scenario;
  std::string result;
  bool no_events = false;
  std::uint64_t seed = 1;
  std::string log_level = "info";
};

/// Reads a child's result, or explains why it is not there.
RunResult read_child_result(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("a simulation child wrote no result at " + path.string());
  return run_result_from_json(ojson::parse(in));
}

int cmd_simulate(const SimulateArgs& a, std::vector<std::string> sg_flags) {
  Inputs in = load_inputs(a.scenario);
  SimOptions opt;
  opt.with_events = !a.no_events;
  opt.seed = a.seed;
  opt.log_level = a.log_level;
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

  char tmpl[] = "/tmp/riftsim-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot create a temporary directory");
  fs::path work(tmpl);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{work};

  auto child = [&](const std::string& result, bool events, const std::string& level) {
    std::vector<std::string> args = {
        "simulate",    a.scenario, "--result", (work / result).string(), "--seed", std::to_string(a.seed),
        "--log-level", level};
    if (!events) args.push_back("--no-events");
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
  RunResult run = read_child_result(work / "events.json");
  RunResult base = read_child_result(work / "baseline.json");
  ScenarioInfo info{in.scenario.name, in.scenario.description, a.scenario, in.scenario.platform_file,
                    in.scenario.workload_file};
  ojson summary = summary_json(info, run, base);

  fs::create_directories(out);
  write_file_atomically((out / "summary.json").string(), summary.dump(2) + "\n");
  if (!a.quiet) std::cout << summary_text(summary);
  std::cout << "\nresults: " << (out / "summary.json").string() << "\n";
  return kExitOk;
}

int cmd_validate(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    switch (detect_kind(f)) {
    case FileKind::Platform: {
      PlatformSpec p = load_platform(f);
      size_t clusters = 0;
      for (const auto& pr : p.providers)
        for (const auto& r : pr.regions) clusters += r.clusters.size();
      std::cout << "ok  " << f << "  platform: " << p.providers.size() << " providers, " << clusters
                << " clusters, " << p.links.size() << " links\n";
      break;
    }
    case FileKind::Workload:
      std::cout << "ok  " << f << "  workload: " << load_workload(f).jobs.size() << " jobs\n";
      break;
    case FileKind::Scenario: {
      Inputs in = load_inputs(f);
      std::cout << "ok  " << f << "  scenario '" << in.scenario.name << "': " << in.scenario.placements.size()
                << " jobs, " << in.scenario.events.size() << " events\n";
      break;
    }
    }
  }
  return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
  // SimGrid's own flags (--cfg=..., --log=...) go to the engine, not to CLI11.
  std::vector<std::string> sg_flags;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && (std::strncmp(argv[i], "--cfg=", 6) == 0 || std::strncmp(argv[i], "--log=", 6) == 0))
      sg_flags.emplace_back(argv[i]);
    else
      args.push_back(argv[i]);
  }

  CLI::App app{
      "riftsim: what a cloud provider's cutoff costs a months-long training run, in days and dollars"};
  app.set_version_flag("--version", "riftsim 0.1.0");
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd =
      app.add_subcommand("run", "simulate a scenario and its baseline, print and write the summary");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("--out", run.out, "output directory (default results/<scenario name>)");
  run_cmd->add_option("--seed", run.seed, "random seed (default 1)");
  run_cmd->add_option("--log-level", run.log_level, "trace, debug, info, warn, error, critical or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  run_cmd->add_flag("--quiet", run.quiet, "print only warnings and the result path");

  SimulateArgs sim;
  auto* sim_cmd = app.add_subcommand("simulate", "run one simulation and write its raw result (used by run)");
  sim_cmd->group(""); // internal: not listed in --help
  sim_cmd->add_option("scenario", sim.scenario)->required();
  sim_cmd->add_option("--result", sim.result)->required();
  sim_cmd->add_flag("--no-events", sim.no_events);
  sim_cmd->add_option("--seed", sim.seed);
  sim_cmd->add_option("--log-level", sim.log_level);

  std::vector<std::string> files;
  auto* val_cmd =
      app.add_subcommand("validate", "check platform, workload and scenario files without running them");
  val_cmd->add_option("files", files, "YAML files")->required();

  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }

  spdlog::set_pattern("%^%l%$: %v");
  try {
    if (*run_cmd) return cmd_run(run, sg_flags);
    if (*sim_cmd) return cmd_simulate(sim, sg_flags);
    if (*val_cmd) return cmd_validate(files);
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "riftsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
