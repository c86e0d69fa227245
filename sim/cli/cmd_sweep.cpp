// `riftsim sweep`: every point of a sweep file validated up front, then simulated in child processes
// (per seed: a run with events per response, and a baseline shared by the points that differ only in
// their provider events), each point written atomically into its own folder, so that a sweep killed
// part-way resumes where it stopped. Shards split the points between machines (Slurm job arrays);
// `sweep merge` gathers the points into results.csv and results.json (docs/sweeps.md).
#include "cli/cmd_sweep.hpp"

#include "cli/commands.hpp"
#include "cli/interrupts.hpp"
#include "cli/launcher.hpp"
#include "config/loaders.hpp"
#include "core/text.hpp"
#include "output/result_json.hpp"
#include "output/results_table.hpp"
#include "sweep/sweep_inputs.hpp"
#include "sweep/sweep_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace riftsim {
namespace {

constexpr int kSweepSchemaVersion = 1;
constexpr int kPointSchemaVersion = 1;
constexpr int kSweepResultsSchemaVersion = 1;

std::string json_text(const ojson& j, int indent = -1) {
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace) + "\n";
}

fs::path point_dir(const fs::path& out, size_t index) {
  return out / "points" / fmt::format("p{:06d}", index);
}

fs::path baseline_file(const fs::path& out, size_t key, std::uint64_t seed) {
  return out / "baselines" / fmt::format("b{:06d}-s{}.json", key, seed);
}

/// Whether a parameter can change the baseline (the run without provider events): all but the provider
/// events and the responses to them (`jobs.J.response...`, `every_job.response...`), which the baseline
/// never calls on (it holds no standby, buys no reservation; `riftsim run` shares one baseline between the
/// listed responses for the same reason).
bool affects_baseline(const SweepParameter& p) {
  if (p.path.document != InputDocument::Scenario) return true;
  const auto& s = p.path.steps;
  bool events = s.front().key == "events";
  bool job_response = s.size() > 2 && s[0].key == "jobs" && s[2].key == "response";
  bool every_job_response = s.size() > 1 && s[0].key == "every_job" && s[1].key == "response";
  return !(events || job_response || every_job_response);
}

struct Shard {
  size_t index = 0, count = 1;
  bool owns(size_t point) const { return point % count == index; }
};

Shard parse_shard(const std::string& text) {
  Shard s;
  if (text.empty()) return s;
  size_t slash = text.find('/');
  auto number = [&](std::string_view t, size_t& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && end == t.data() + t.size() && !t.empty();
  };
  if (slash == std::string::npos || !number(std::string_view(text).substr(0, slash), s.index) ||
      !number(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 ||
      s.count > kMaxSweepPoints || s.index >= s.count)
    throw UsageError("--shard must be I/N with 0 <= I < N <= " + std::to_string(kMaxSweepPoints) +
                     ", e.g. 0/4");
  return s;
}

/// sweep.json: what the sweep is, point by point. A sweep resumed in the same folder must be the same.
ojson sweep_json(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepInputs& inputs,
                 const std::vector<std::string>& responses) {
  ojson params = ojson::array();
  for (const auto& p : spec.parameters)
    params.push_back({{"path", p.path.text}, {"file", document_name(p.path.document)}, {"base", p.base}});
  ojson pts = ojson::array();
  for (const auto& p : points) pts.push_back({{"point", p.index}, {"values", p.values}});
  return {{"schema_version", kSweepSchemaVersion},
          {"name", spec.name},
          {"file", spec.file},
          {"scenario", spec.scenario},
          {"inputs_hash", fmt::format("{:016x}", inputs.inputs_hash())},
          {"design", design_name(spec.design)},
          {"samples", spec.samples},
          {"sample_seed", spec.sample_seed},
          {"seeds", spec.seeds},
          {"responses", responses},
          {"parameters", params},
          {"points", pts}};
}

/// The parts of sweep.json that must match for a folder to be resumed (not where the files are).
ojson identity(ojson j) {
  j.erase("file");
  j.erase("scenario");
  return j;
}

/// Makes `out` ready for the sweep: a new or empty folder, or the folder of the same sweep (resumed).
void prepare_out(const fs::path& out, const ojson& sweep) {
  std::error_code ec;
  if (fs::is_symlink(out, ec)) throw UsageError("--out " + out.string() + " is a symbolic link");
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out, ec)) throw UsageError("--out " + out.string() + " exists and is not a folder");
    fs::path existing = out / "sweep.json";
    if (fs::exists(existing, ec)) {
      ojson old = read_result_json(existing.string());
      if (identity(old) != identity(sweep))
        throw UsageError("--out " + out.string() +
                         " holds another sweep (other points, seeds or input files): choose another folder "
                         "or remove it");
    } else {
      // Another shard may have just created the folder: only what a sweep writes is accepted.
      for (const auto& e : fs::directory_iterator(out, ec)) {
        const std::string name = e.path().filename().string();
        if (name != "points" && name != "baselines" && name.rfind(".scratch-", 0) != 0)
          throw UsageError("--out " + out.string() +
                           " holds files and no sweep.json: choose a new or empty folder");
      }
    }
  }
  fs::create_directories(out / "points", ec);
  if (!ec) fs::create_directories(out / "baselines", ec);
  if (ec) throw OutputError("cannot create " + out.string() + ": " + ec.message());
  write_file_atomically((out / "sweep.json").string(), json_text(sweep, 1));
}

/// The folder for one run's raw results, removed with everything in it when the run ends.
class ScratchFolder {
public:
  explicit ScratchFolder(const fs::path& out) {
    char host[256] = "host";
    ::gethostname(host, sizeof host - 1);
    path_ = out / fmt::format(".scratch-{}-{}", host, ::getpid());
    std::error_code ec;
    fs::create_directories(path_, ec);
    if (ec) throw OutputError("cannot create " + path_.string() + ": " + ec.message());
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

RunResult read_raw_result(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("a simulation wrote no result at " + path.string());
  return run_result_from_json(ojson::parse(in));
}

/// Where riftsim's own binary is, for the scripts that run it again (Slurm).
std::string own_binary() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("riftsim") : p.string();
}

std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
  }
  return "";
}

/// A word for a shell script: single-quoted.
std::string shell_word(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

int write_slurm_scripts(const SweepArgs& a, const SweepSpec& spec, size_t points, const fs::path& out) {
  size_t tasks =
      a.slurm_tasks > 0 ? static_cast<size_t>(a.slurm_tasks) : std::min<size_t>(100, (points + 9) / 10);
  tasks = std::max<size_t>(1, std::min(tasks, points));
  if (a.slurm_cpus < 1 || a.slurm_cpus > kMaxChildren)
    throw UsageError("--slurm-cpus must be between 1 and " + std::to_string(kMaxChildren));
  if (a.slurm_time.empty() || a.slurm_time.find_first_not_of("0123456789:-") != std::string::npos)
    throw UsageError("--slurm-time must be a Slurm time limit such as 04:00:00 or 1-00:00:00");
  if (a.slurm_partition.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,") != std::string::npos)
    throw UsageError("--slurm-partition must be a partition name");
  fs::path dir = out / "slurm";
  fs::create_directories(dir / "logs");
  const fs::path abs_out = fs::absolute(out).lexically_normal();
  const std::string bin = own_binary();
  const std::string sweep_file = fs::absolute(spec.file).lexically_normal().string();
  auto header = [&](const std::string& name) {
    std::string h = "#!/bin/bash\n";
    h += "#SBATCH --job-name=" + name + "\n";
    h += "#SBATCH --time=" + a.slurm_time + "\n";
    if (!a.slurm_partition.empty()) h += "#SBATCH --partition=" + a.slurm_partition + "\n";
    return h;
  };
  const std::string job_name = "riftsim-sweep-" + spec.name;
  std::string array = header(job_name);
  array += fmt::format("#SBATCH --array=0-{}\n", tasks - 1);
  array += fmt::format("#SBATCH --cpus-per-task={}\n", a.slurm_cpus);
  array += "#SBATCH --output=" + (abs_out / "slurm" / "logs" / "%A_%a.out").string() + "\n";
  array += "#SBATCH --error=" + (abs_out / "slurm" / "logs" / "%A_%a.err").string() + "\n";
  array += fmt::format("# Written by riftsim sweep --slurm: {} points in {} array tasks (one shard each); a\n"
                       "# task resumes its shard where an earlier run of it stopped.\n",
                       points, tasks);
  array += "set -euo pipefail\n";
  array += "exec " + shell_word(bin) + " sweep " + shell_word(sweep_file) + " --out " +
           shell_word(abs_out.string()) + fmt::format(" --shard \"$SLURM_ARRAY_TASK_ID/{}\"", tasks) +
           fmt::format(" --jobs \"${{SLURM_CPUS_PER_TASK:-{}}}\" --quiet\n", a.slurm_cpus);
  std::string merge = header(job_name); // singleton: starts once every task of the array has ended
  merge += "#SBATCH --dependency=singleton\n#SBATCH --cpus-per-task=1\n";
  merge += "#SBATCH --output=" + (abs_out / "slurm" / "logs" / "merge.out").string() + "\n";
  merge += "#SBATCH --error=" + (abs_out / "slurm" / "logs" / "merge.err").string() + "\n";
  merge += "set -euo pipefail\n";
  merge += "exec " + shell_word(bin) + " sweep merge " + shell_word(abs_out.string()) + "\n";
  write_file_atomically((dir / "sweep.sbatch").string(), array);
  write_file_atomically((dir / "merge.sbatch").string(), merge);
  std::cout << "wrote " << (dir / "sweep.sbatch").string() << " (" << tasks << " array tasks) and "
            << (dir / "merge.sbatch").string() << "\n";
  const std::string sbatch = find_on_path("sbatch");
  if (sbatch.empty()) {
    std::cout << "sbatch is not on PATH: submit them on the cluster with\n  sbatch "
              << (dir / "sweep.sbatch").string() << " && sbatch " << (dir / "merge.sbatch").string() << "\n";
    return kExitOk;
  }
  // sbatch starts with the signals blocked (run_program): without the guard, a Ctrl-C or SIGTERM would
  // end riftsim and leave `sbatch --wait` waiting. With it, sbatch is killed and riftsim ends by that
  // signal; what sbatch had submitted stays in Slurm's queue.
  InterruptGuard interrupts;
  std::cout.flush(); // before sbatch's own lines
  int code = 0;
  try {
    code = run_program({sbatch, (dir / "sweep.sbatch").string()});
    if (code != 0) {
      std::cerr << "riftsim: sbatch refused the job array (exit " << code << ")\n";
      return kExitInternal;
    }
    std::vector<std::string> merge_cmd = {sbatch};
    if (a.slurm_wait) merge_cmd.push_back("--wait");
    merge_cmd.push_back((dir / "merge.sbatch").string());
    code = run_program(merge_cmd);
  } catch (const Interrupted& e) {
    std::cerr << "riftsim: interrupted; what sbatch had submitted stays queued (squeue, scancel)\n";
    die_by_signal(e.signal);
  }
  if (code != 0) {
    std::cerr << "riftsim: the merge job " << (a.slurm_wait ? "failed" : "was refused") << " (sbatch exit "
              << code << "; see " << (dir / "logs").string() << ")\n";
    return kExitInternal;
  }
  std::cout << (a.slurm_wait
                    ? "the sweep ran on Slurm; results: " + out.string() + "/"
                    : "submitted; the merge job writes " + out.string() + "/results.csv when the array ends")
            << "\n";
  return kExitOk;
}

} // namespace

int cmd_sweep(const SweepArgs& a, const std::vector<std::string>& sg_flags) {
  SweepSpec spec = load_sweep(a.file);
  SweepInputs inputs(spec);
  const std::vector<SweepPoint> points = expand_design(spec);
  const Shard shard = parse_shard(a.shard);
  if (a.jobs != kJobsPerCore && (a.jobs < 1 || a.jobs > kMaxChildren))
    throw UsageError("--jobs must be between 1 and " + std::to_string(kMaxChildren) +
                     " (default: one per core)");
  const int parallel =
      a.jobs != kJobsPerCore ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const size_t variants = response_variants(inputs.base().scenario);
  check_run_count(spec, points.size(), variants);
  // Every point is checked before anything runs; the inputs of this shard's are kept for its children.
  std::map<size_t, Inputs> mine;
  for (const auto& p : points) {
    Inputs in = inputs.point(p);
    if (shard.owns(p.index)) mine.emplace(p.index, std::move(in));
  }
  std::vector<std::string> responses;
  for (size_t v = 0; v < variants; ++v) responses.push_back(response_variant_name(inputs.base().scenario, v));

  const fs::path out = a.out.empty() ? fs::path("results") / spec.name : fs::path(a.out);
  const ojson sweep = sweep_json(spec, points, inputs, responses);
  prepare_out(out, sweep);
  if (a.slurm) return write_slurm_scripts(a, spec, points.size(), out);

  // The baseline of a point depends on every parameter but the provider events: points that differ only
  // there share it (per seed, common random numbers).
  std::map<std::string, size_t> baseline_keys;
  std::vector<size_t> baseline_of(points.size());
  std::vector<size_t> baseline_point; // a point standing for each baseline
  for (const auto& p : points) {
    std::string key;
    for (size_t k = 0; k < spec.parameters.size(); ++k)
      if (affects_baseline(spec.parameters[k])) key += p.values[k] + '\x1f';
    auto [it, fresh] = baseline_keys.emplace(key, baseline_point.size());
    if (fresh) baseline_point.push_back(p.index);
    baseline_of[p.index] = it->second;
  }

  std::vector<size_t> todo;
  for (const auto& [index, in] : mine)
    if (!fs::exists(point_dir(out, index) / "point.json")) todo.push_back(index);
  const size_t done_before = mine.size() - todo.size();

  InterruptGuard interrupts;
  ScratchFolder scratch(out);
  SimulateArgs sim_base;
  sim_base.scenario = spec.scenario;
  sim_base.no_timeline = true; // a point keeps summaries only: no events, no spans
  sim_base.log_level = "error";

  // The baselines this run needs and does not have yet.
  std::vector<std::function<int()>> baseline_tasks;
  std::vector<std::pair<size_t, std::uint64_t>> baseline_ids;
  {
    std::map<std::pair<size_t, std::uint64_t>, bool> wanted;
    for (size_t index : todo)
      for (std::uint64_t seed : spec.seeds) wanted[{baseline_of[index], seed}] = true;
    for (const auto& [id, unused] : wanted) {
      if (fs::exists(baseline_file(out, id.first, id.second))) continue;
      SimulateArgs sim = sim_base;
      sim.no_events = true;
      sim.seed = id.second;
      sim.result = baseline_file(out, id.first, id.second).string();
      Inputs in = inputs.point(points[baseline_point[id.first]]);
      baseline_tasks.push_back([in = std::move(in), sim, &sg_flags]() mutable {
        return simulate_to_file(std::move(in), sim, sg_flags);
      });
      baseline_ids.push_back(id);
    }
  }
  const bool show = !a.quiet && ::isatty(STDERR_FILENO);
  auto check_codes = [&](const std::vector<int>& codes, const std::function<std::string(size_t)>& what) {
    for (size_t k = 0; k < codes.size(); ++k) {
      if (codes[k] <= 0) continue;
      if (codes[k] == kExitBadInput) return kExitBadInput; // the child printed the one located line
      std::cerr << "riftsim: " << what(k) << " failed ("
                << (codes[k] > 128 ? "killed by signal " + std::to_string(codes[k] - 128)
                                   : "exit " + std::to_string(codes[k]))
                << "); the points done so far are kept, run the sweep again to resume\n";
      return kExitInternal;
    }
    return kExitOk;
  };
  auto codes = run_children(baseline_tasks, parallel, [&](size_t done) {
    if (show) std::fprintf(stderr, "\r\033[Kriftsim: %zu/%zu baselines done", done, baseline_tasks.size());
  });
  if (show) std::fprintf(stderr, "\r\033[K");
  if (int c = check_codes(codes,
                          [&](size_t k) {
                            return fmt::format("the baseline of point {} (seed {})",
                                               baseline_point[baseline_ids[k].first], baseline_ids[k].second);
                          });
      c != kExitOk)
    return c;

  const ScenarioInfo info{inputs.base().scenario.name, inputs.base().scenario.description, spec.scenario,
                          inputs.base().scenario.platform_file, inputs.base().scenario.workload_file};
  // One child per point: it runs the point's simulations one after the other (in children of its own),
  // then writes point.json in one step.
  std::vector<std::function<int()>> point_tasks;
  for (size_t index : todo) {
    point_tasks.push_back([&, index]() {
      const Inputs& in = mine.at(index);
      const SweepPoint& p = points[index];
      std::vector<std::function<int()>> sims;
      std::vector<fs::path> files;
      for (std::uint64_t seed : spec.seeds)
        for (size_t v = 0; v < variants; ++v) {
          SimulateArgs sim = sim_base;
          sim.seed = seed;
          sim.variant = v;
          sim.result = (scratch.path() / fmt::format("p{}-s{}-v{}.json", index, seed, v)).string();
          files.emplace_back(sim.result);
          sims.push_back([&in, sim, &sg_flags] { return simulate_to_file(in, sim, sg_flags); });
        }
      auto sim_codes = run_children(sims, 1);
      for (int c : sim_codes)
        if (c != 0) return c;
      ojson summaries = ojson::array(); // per response, per seed
      size_t f = 0;
      std::vector<RunResult> bases;
      for (std::uint64_t seed : spec.seeds)
        bases.push_back(read_raw_result(baseline_file(out, baseline_of[index], seed)));
      std::vector<ojson> per_response(variants, ojson::array());
      for (size_t s = 0; s < spec.seeds.size(); ++s)
        for (size_t v = 0; v < variants; ++v) {
          RunResult run = read_raw_result(files[f]);
          fs::remove(files[f++]);
          per_response[v].push_back(summary_json(info, run, bases[s]));
        }
      for (auto& r : per_response) summaries.push_back(std::move(r));
      ojson params = ojson::object();
      for (size_t k = 0; k < spec.parameters.size(); ++k) params[spec.parameters[k].path.text] = p.values[k];
      ojson point = {{"schema_version", kPointSchemaVersion},
                     {"point", index},
                     {"parameters", params},
                     {"seeds", spec.seeds},
                     {"responses", responses},
                     {"summaries", summaries}};
      fs::path dir = point_dir(out, index);
      fs::create_directories(dir);
      write_file_atomically((dir / "point.json").string(), json_text(point));
      return kExitOk;
    });
  }
  codes = run_children(point_tasks, parallel, [&](size_t done) {
    if (show) std::fprintf(stderr, "\r\033[Kriftsim: %zu/%zu points done", done_before + done, mine.size());
  });
  if (show) std::fprintf(stderr, "\r\033[K");
  if (int c = check_codes(codes,
                          [&](size_t k) {
                            const SweepPoint& p = points[todo[k]];
                            std::string values;
                            for (size_t i = 0; i < p.values.size(); ++i)
                              values += (i ? ", " : "") + spec.parameters[i].path.text + " = " + p.values[i];
                            return fmt::format("point {} ({})", p.index, values);
                          });
      c != kExitOk)
    return c;
  throw_if_interrupted();
  if (shard.count > 1) {
    if (!a.quiet)
      std::cout << fmt::format("shard {}/{}: {} points done ({} before this run); when every shard has run: "
                               "riftsim sweep merge {}\n",
                               shard.index, shard.count, mine.size(), done_before, out.string());
    return kExitOk;
  }
  return cmd_sweep_merge(out.string());
}

int cmd_sweep_merge(const std::string& dir_text) {
  const fs::path dir(dir_text);
  const fs::path sweep_file = dir / "sweep.json";
  if (!fs::is_regular_file(sweep_file))
    throw InputError({dir_text, 1, 1}, "not a sweep folder: it holds no sweep.json");
  const ojson sweep = read_result_json(sweep_file.string());
  std::vector<ojson> point_docs;
  std::vector<std::string> param_paths;
  try {
    for (const auto& p : sweep.at("parameters")) param_paths.push_back(p.at("path").get<std::string>());
    size_t missing = 0;
    std::string first_missing;
    for (const auto& p : sweep.at("points")) {
      fs::path f = point_dir(dir, p.at("point").get<size_t>()) / "point.json";
      if (!fs::exists(f)) {
        if (missing++ == 0) first_missing = f.string();
        continue;
      }
      point_docs.push_back(read_result_json(f.string()));
    }
    if (missing > 0)
      throw UsageError(
          fmt::format("{} of {} points of the sweep in {} are not done (the first: {}); run the sweep "
                      "(or its missing shards) again: it resumes",
                      missing, sweep.at("points").size(), dir_text, first_missing));
  } catch (const ojson::exception& e) {
    throw InputError({sweep_file.string(), 1, 1}, std::string("not a riftsim sweep.json: ") + e.what());
  }
  std::vector<std::string> columns = {"point"};
  for (const auto& path : param_paths) columns.push_back(path);
  for (const auto& path : param_paths) columns.push_back(path + "_si");
  columns.push_back("seed");
  columns.push_back("response");
  std::vector<TidyRun> runs;
  ojson stats_points = ojson::array();
  try {
    for (const auto& doc : point_docs) {
      std::vector<std::string> labels = {std::to_string(doc.at("point").get<size_t>())};
      ojson values = ojson::object();
      for (const auto& path : param_paths) labels.push_back(doc.at("parameters").at(path).get<std::string>());
      for (const auto& path : param_paths) {
        double si = si_number(doc.at("parameters").at(path).get<std::string>());
        labels.push_back(csv_number(si));
        values[path] = std::isnan(si) ? ojson(nullptr) : ojson(si);
      }
      ojson responses = ojson::object();
      const ojson& names = doc.at("responses");
      for (size_t v = 0; v < names.size(); ++v) {
        std::vector<const ojson*> per_seed;
        const ojson& sums = doc.at("summaries").at(v);
        for (size_t s = 0; s < sums.size(); ++s) {
          std::vector<std::string> l = labels;
          l.push_back(std::to_string(doc.at("seeds").at(s).get<std::uint64_t>()));
          l.push_back(names.at(v).get<std::string>());
          runs.push_back({std::move(l), &sums.at(s)});
          per_seed.push_back(&sums.at(s));
        }
        responses[names.at(v).get<std::string>()] = {{"jobs", job_statistics(per_seed)}};
      }
      stats_points.push_back({{"point", doc.at("point")},
                              {"parameters", doc.at("parameters")},
                              {"values", values},
                              {"responses", responses}});
    }
  } catch (const ojson::exception& e) {
    throw InputError({dir_text, 1, 1},
                     std::string("a point.json of this sweep is not riftsim's: ") + e.what());
  }
  write_file_atomically((dir / "results.csv").string(), results_csv(columns, runs));
  ojson results = {{"schema_version", kSweepResultsSchemaVersion},
                   {"sweep", sweep.at("name")},
                   {"design", sweep.at("design")},
                   {"seeds", sweep.at("seeds")},
                   {"parameters", param_paths},
                   {"responses", sweep.at("responses")},
                   {"points", stats_points}};
  write_file_atomically((dir / "results.json").string(), json_text(results, 1));
  std::cout << "results: " << dir_text << "/ (results.csv: " << count_of(runs.size(), "run") << " of "
            << count_of(point_docs.size(), "point") << "; results.json)\n";
  return kExitOk;
}

} // namespace riftsim
