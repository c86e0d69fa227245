// riftsim command line: parses arguments and dispatches to the commands (cli/cmd_*.cpp).
// Exit codes: 0 ok, 1 an expectation or golden comparison failed, 2 bad input or usage,
// 3 an internal error (a bug: please report it with the input files).
#include "cli/cmd_sweep.hpp"
#include "cli/commands.hpp"
#include "cli/interrupts.hpp"
#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "core/input_error.hpp"
#include "output/atomic_files.hpp"
#include "output/platform_table.hpp"
#include "output/platform_xml.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <set>
#include <spdlog/spdlog.h>

using namespace riftsim;

namespace {
constexpr const char* kExitCodesHelp =
    "Exit codes: 0 ok; 1 an expectation (run) or a golden comparison (check) failed; 2 bad input or usage "
    "(one line file:line:column: error: ...); 3 internal error.";
}

namespace {

/// The subcommand of `at` called `word` (hidden ones too: not offered, but there), or nullptr.
CLI::App* subcommand_named(CLI::App* at, const std::string& word) {
  try {
    return at->get_subcommand(word);
  } catch (const CLI::OptionNotFound&) {
    return nullptr;
  }
}

/// "a, b, c"
std::string joined(const std::set<std::string>& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return list;
}

/// "unknown command 'valdate' (did you mean 'validate'?); commands: ..." when a word where a command is
/// required names none (CLI11 itself only says that a subcommand is required); empty otherwise.
std::string unknown_command(CLI::App& app, const std::vector<char*>& args) {
  CLI::App* at = &app;
  auto commands = [](CLI::App* a) {
    std::set<std::string> names;
    // Hidden commands (group "", e.g. `simulate`, the one a run's children use) are not offered.
    for (CLI::App* s : a->get_subcommands([](CLI::App*) { return true; }))
      if (!s->get_group().empty()) names.insert(s->get_name());
    return names;
  };
  for (size_t i = 1; i < args.size() && args[i]; ++i) {
    std::string word = args[i];
    if (word.empty() || word[0] == '-') return ""; // options and what follows are CLI11's to check
    if (CLI::App* named = subcommand_named(at, word)) {
      at = named;
      continue;
    }
    std::set<std::string> names = commands(at);
    if (names.empty() || at->get_require_subcommand_min() == 0) return ""; // a file or a directory
    return "unknown command '" + word + "'" + did_you_mean(word, names) + "; the commands" +
           (at == &app ? "" : " of " + at->get_name()) + ": " + joined(names);
  }
  if (at->get_require_subcommand_min() > 0)
    return (at == &app ? std::string("riftsim") : at->get_name()) +
           " needs a command: " + joined(commands(at)) + " (see riftsim --help)";
  return "";
}

/// The deepest command named by the words of args ("riftsim sweep merge ..." -> merge).
CLI::App* named_command(CLI::App& app, const std::vector<char*>& args) {
  CLI::App* at = &app;
  for (size_t i = 1; i < args.size() && args[i]; ++i) {
    const std::string word = args[i];
    if (word.empty() || word[0] == '-') continue;
    if (CLI::App* sub = subcommand_named(at, word)) at = sub;
  }
  return at;
}

/// CLI11's parse errors said the riftsim way: an unknown option gets its closest name and the command's
/// options; a missing argument is named with what it is for. Empty when CLI11's own words are kept.
std::string explain_parse_error(CLI::App& app, const std::vector<char*>& args) {
  CLI::App* at = named_command(app, args);
  std::string command = at == &app ? "riftsim" : at->get_name(); // "sweep merge"
  for (CLI::App* up = at->get_parent(); up && up != &app; up = up->get_parent())
    command = up->get_name() + " " + command;
  std::set<std::string> option_names;
  for (const CLI::Option* o : at->get_options())
    for (const std::string& n : o->get_lnames()) option_names.insert("--" + n);
  auto option_named = [at](const std::string& word) -> const CLI::Option* {
    for (const CLI::Option* o : at->get_options())
      for (const std::string& n : o->get_lnames())
        if ("--" + n == word) return o;
    return nullptr;
  };
  auto for_help = [&] { return "see riftsim " + (at == &app ? std::string() : command + " ") + "--help"; };
  for (size_t i = 1; i < args.size() && args[i]; ++i) {
    std::string word = args[i];
    if (word.rfind("--", 0) != 0 || word == "--") continue;
    word = word.substr(0, word.find('='));
    if (option_names.count(word)) continue;
    return "unknown option '" + word + "' of " + command + did_you_mean(word, option_names) +
           "; its options: " + joined(option_names);
  }
  // An option given without its value (last, or followed by another option), or given twice.
  std::map<std::string, int> given;
  for (size_t i = 1; i < args.size() && args[i]; ++i) {
    const std::string word = args[i];
    const CLI::Option* o = option_named(word);
    if (!o || o->get_expected_min() == 0) continue; // flags take no value
    if (++given[word] == 2) return word + " is given twice (" + for_help() + ")";
    const bool last = i + 1 >= args.size() || !args[i + 1];
    if (last || (std::string(args[i + 1]).rfind("--", 0) == 0))
      return word + " needs a value: " + o->get_description() + " (" + for_help() + ")";
  }
  for (const CLI::Option* o : at->get_options())
    if (o->get_required() && o->count() == 0) {
      std::string name = o->get_name();
      if (o->get_positional()) std::transform(name.begin(), name.end(), name.begin(), ::toupper);
      const std::string what = o->get_description().empty() ? "" : o->get_description() + "; ";
      return command + " needs " + name + " (" + what + for_help() + ")";
    }
  return "";
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
      "riftsim: what a cloud provider's cutoff costs a months-long training run, in days and dollars",
      "riftsim"}; // named so in usage lines, wherever the binary is
  app.set_version_flag("--version", "riftsim " RIFTSIM_VERSION);
  app.require_subcommand(1);
  app.footer(kExitCodesHelp);
  const auto levels = CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"});
  // CLI11 reads "-1" into an unsigned integer as 2^64 - 1: refuse a sign before it converts.
  const CLI::Validator no_sign(
      [](std::string& text) {
        return text.find_first_of("-+") == std::string::npos ? std::string()
                                                             : "must be a whole number from 0 to 2^64 - 1";
      },
      "UINT");

  RunArgs run;
  auto* run_cmd =
      app.add_subcommand("run", "simulate a scenario and its baseline; print and write the results");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("--out", run.out, "output directory (default results/<scenario name>)");
  run_cmd->add_option("--seed", run.seed, "random seed (default 1)")->check(no_sign);
  run_cmd
      ->add_option("--log-level", run.log_level, "trace, debug, info (default), warn, error, critical, off")
      ->check(levels);
  run_cmd->add_flag("--quiet", run.quiet, "print only warnings, failed expectations and the result path");
  run_cmd->add_flag("--plot", run.plot,
                    "also draw the figures (tools/riftsim-plot) into the output directory");
  run_cmd->add_option("--replications", run.replications,
                      "run N seeds (seed, seed+1, ...) and write their statistics to replications.json");
  run_cmd->add_option("--jobs", run.jobs, "simulations at once (default: one per core)");
  run_cmd->add_flag("--csv", run.csv, "also write results.csv: one row per seed, response and job");
  run_cmd->add_flag("--keep-timelines", run.keep_timelines,
                    "with --replications: also write every seed's timeline, as events-seed-SEED.csv");
  run_cmd
      ->add_option("--explain-step", run.explain_step,
                   "print the training step of JOB on CLUSTER (its layout, compute, communications, bubble, "
                   "derived MFU) instead of running")
      ->expected(2)
      ->type_name("JOB CLUSTER");
  run_cmd->footer("SimGrid's own options pass through to the engine: --log=root.thres:info shows SimGrid's "
                  "logging (off by default), --cfg=name:value sets a SimGrid option "
                  "(e.g. --cfg=network/model:CM02).\n\n" +
                  std::string(kExitCodesHelp));

  SimulateArgs sim;
  auto* sim_cmd = app.add_subcommand("simulate", "run one simulation and write its raw result (used by run)");
  sim_cmd->group(""); // internal: not listed in --help
  sim_cmd->add_option("scenario", sim.scenario)->required();
  sim_cmd->add_option("--result", sim.result)->required();
  sim_cmd->add_flag("--no-events", sim.no_events);
  sim_cmd->add_flag("--progress", sim.progress);
  sim_cmd->add_option("--variant", sim.variant);
  sim_cmd->add_flag("--no-timeline", sim.no_timeline);
  sim_cmd->add_option("--seed", sim.seed)->check(no_sign);
  sim_cmd->add_option("--log-level", sim.log_level)->check(levels);

  SweepArgs sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep",
      "run a parameter study: the points of a sweep file x its seeds, into results.csv and results.json");
  sweep_cmd->add_option("sweep_file", sweep.file, "sweep YAML file (docs/sweeps.md)");
  sweep_cmd->add_option("--out", sweep.out,
                        "output directory (default results/<sweep name>); resumed if it holds "
                        "the same sweep");
  sweep_cmd->add_option("--jobs", sweep.jobs, "simulations at once (default: one per core)");
  sweep_cmd->add_option("--shard", sweep.shard, "run only the points I, I+N, I+2N, ... (I/N, from 0)");
  sweep_cmd->add_flag("--quiet", sweep.quiet, "print only errors and the result path");
  sweep_cmd->add_flag(
      "--slurm", sweep.slurm,
      "write a Slurm job array (one task per shard) and a merge job into DIR/slurm, and submit "
      "them where sbatch exists");
  sweep_cmd->add_flag("--slurm-wait", sweep.slurm_wait, "with --slurm: wait until the merge job has ended");
  sweep_cmd->add_option("--slurm-tasks", sweep.slurm_tasks,
                        "array tasks (default: one per 10 points, at most 100)");
  sweep_cmd->add_option("--slurm-cpus", sweep.slurm_cpus, "CPUs per array task (default 2)");
  sweep_cmd->add_option("--slurm-time", sweep.slurm_time, "time limit per array task (default 04:00:00)");
  sweep_cmd->add_option("--slurm-partition", sweep.slurm_partition,
                        "partition (default: the cluster's default)");
  std::string merge_dir;
  auto* merge_cmd =
      sweep_cmd->add_subcommand("merge", "gather the points of a sweep folder into results.csv and "
                                         "results.json (after its shards have run)");
  merge_cmd->add_option("dir", merge_dir, "the sweep's output directory")->required();
  sweep_cmd->require_subcommand(0, 1);

  std::vector<std::string> files;
  auto* val_cmd =
      app.add_subcommand("validate", "check platform, workload and scenario files without running them");
  val_cmd->add_option("files", files, "YAML files")->required();

  CheckArgs check;
  auto* check_cmd =
      app.add_subcommand("check", "compare a result directory with a golden one, field by field");
  check_cmd->add_option("result_dir", check.result_dir, "results to check")->required();
  check_cmd->add_option("--golden", check.golden_dir, "golden results")->required();
  check_cmd->add_option("--rtol", check.rtol, "relative tolerance for numbers (default 1e-6)");
  check_cmd->add_option("--junit", check.junit, "also write the comparison as JUnit XML to this file");

  std::string platform_file;
  auto* platform_cmd = app.add_subcommand("platform", "look at a platform file");
  platform_cmd->require_subcommand(1);
  auto* show_cmd =
      platform_cmd->add_subcommand("show", "print providers, regions, clusters, capacity and prices");
  show_cmd->add_option("file", platform_file, "platform YAML file")->required();
  std::string xml_out;
  auto* export_cmd = platform_cmd->add_subcommand("export", "write the platform as SimGrid XML");
  export_cmd->add_option("file", platform_file, "platform YAML file")->required();
  export_cmd->add_option("--xml", xml_out, "output XML file")->required();

  std::vector<std::string> compare_dirs;
  auto* compare_cmd = app.add_subcommand("compare", "print result directories side by side");
  compare_cmd->add_option("result_dirs", compare_dirs, "directories holding summary.json")->required();

  if (std::string unknown = unknown_command(app, args); !unknown.empty()) {
    std::cerr << UsageError(unknown).what() << "\n";
    return kExitBadInput;
  }
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, as for every other bad input.
    const std::string explained = explain_parse_error(app, args);
    std::cerr
        << UsageError(explained.empty() ? std::string(e.what()) + " (see riftsim --help)" : explained).what()
        << "\n";
    return kExitBadInput;
  }

  spdlog::set_pattern("%^%l%$: %v");
  try {
    if (*run_cmd) return cmd_run(run, sg_flags);
    if (*sim_cmd) return cmd_simulate(sim, sg_flags);
    if (*merge_cmd) return cmd_sweep_merge(merge_dir);
    if (*sweep_cmd) {
      if (sweep.file.empty()) throw UsageError("sweep needs a sweep file (or: riftsim sweep merge DIR)");
      return cmd_sweep(sweep, sg_flags);
    }
    if (*val_cmd) return cmd_validate(files);
    if (*check_cmd) return cmd_check(check);
    if (*compare_cmd) return cmd_compare(compare_dirs);
    if (*export_cmd) {
      PlatformSpec p = load_platform(platform_file);
      check_platform_limits(p, RunLimits{}); // the XML lists every host
      write_file_atomically(xml_out, platform_xml(p));
      std::cout << "wrote " << xml_out << "\n";
      return kExitOk;
    }
    if (*show_cmd) {
      std::cout << platform_table(load_platform(platform_file));
      return kExitOk;
    }
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const OutputError& e) {
    std::cerr << "riftsim: error: " << one_line(e.what()) << "\n";
    return kExitBadInput;
  } catch (const Interrupted& e) {
    // The staging and scratch folders are gone (unwound); end as the signal would have ended us.
    std::cerr << "riftsim: interrupted; nothing written\n";
    die_by_signal(e.signal);
  } catch (const std::exception& e) {
    std::cerr << "riftsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
