// The riftsim binary as users and CI call it: exit codes, messages, and summary.json.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("riftsim-e2e-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

/// Runs riftsim with `args` in directory `cwd`, capturing its exit code and both streams.
Outcome riftsim_in(const std::string& cwd, const std::string& args) {
  fs::path tmp = fresh_dir("io");
  fs::create_directories(tmp);
  std::string cmd = "cd '" + cwd + "' && " + std::string(RIFTSIM_BIN) + " " + args + " >" +
                    (tmp / "out").string() + " 2>" + (tmp / "err").string();
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(tmp / "out"), slurp(tmp / "err")};
  fs::remove_all(tmp);
  return o;
}

Outcome riftsim(const std::string& args) {
  return riftsim_in(fs::current_path().string(), args);
}

nlohmann::json summary(const fs::path& dir) {
  return nlohmann::json::parse(slurp(dir / "summary.json"));
}

/// What trace viewers need (Perfetto drops overlapping complete events on a track) and docs/outputs.md
/// promises: whole-microsecond times, events sorted by time, no two spans of one track overlapping, and
/// every span name documented.
void expect_clean_trace(const fs::path& file) {
  static const std::string outputs_md = slurp(std::string(RIFTSIM_REPO) + "/docs/outputs.md");
  auto trace = nlohmann::json::parse(slurp(file));
  long long last_ts = -1;
  std::map<std::pair<int, int>, std::vector<std::pair<long long, long long>>> spans; // by (pid, tid)
  int overlaps = 0, unsorted = 0;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "M") continue;
    ASSERT_TRUE(e["ts"].is_number_integer()) << file << ": " << e.dump();
    long long ts = e["ts"].get<long long>();
    if (ts < last_ts) ++unsorted;
    last_ts = ts;
    if (e["ph"] != "X") continue;
    ASSERT_TRUE(e["dur"].is_number_integer()) << file << ": " << e.dump();
    spans[{e["pid"].get<int>(), e["tid"].get<int>()}].emplace_back(ts, ts + e["dur"].get<long long>());
    std::string name = e["name"].get<std::string>();
    EXPECT_NE(outputs_md.find("`" + name + "`"), std::string::npos) << "span '" << name << "' undocumented";
  }
  for (auto& [track, list] : spans) {
    std::sort(list.begin(), list.end());
    for (size_t i = 1; i < list.size(); ++i)
      if (list[i].first < list[i - 1].second) ++overlaps;
  }
  EXPECT_EQ(unsorted, 0) << file;
  EXPECT_EQ(overlaps, 0) << file;
}

} // namespace

TEST(Cli, RunWritesASummaryWhoseBreakdownAddsUp) {
  fs::path out = fresh_dir("cutoff");
  Outcome o = riftsim("run " + kData + "/mini-cutoff.yaml --out " + out.string() + " --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  auto s = summary(out);
  EXPECT_EQ(s["schema_version"], 3);
  const auto& j = s["jobs"]["train"];
  EXPECT_EQ(j["status"], "finished");
  EXPECT_NEAR(j["wall_time_s"].get<double>(), 119630, 1e-6);
  EXPECT_NEAR(j["baseline_wall_time_s"].get<double>(), 36090, 1e-6); // from its own process
  EXPECT_NEAR(j["time_lost_s"].get<double>(), 119630 - 36090, 1e-6);
  double sum = 0;
  for (const auto& [part, v] : j["time_lost_breakdown_s"].items()) sum += v.get<double>();
  EXPECT_NEAR(sum, j["time_lost_s"].get<double>(), 1e-6);
  // Hardware: the remaining 5 h of work took 9000 s on beta's GPUs instead of 18000 s on alpha's, with 2
  // checkpoints instead of 4. Nothing is left for slowdown (the job never ran on fewer GPUs). The
  // disruption is the time lost at alpha's speed.
  EXPECT_NEAR(j["time_lost_breakdown_s"]["hardware"].get<double>(), -9000 - 20, 1e-6);
  EXPECT_NEAR(j["hardware_effect_s"].get<double>(), -9020, 1e-6);
  EXPECT_NEAR(j["time_lost_breakdown_s"]["slowdown"].get<double>(), 0, 1e-6);
  EXPECT_NEAR(j["disruption_s"].get<double>(), 119630 - 36090 + 9020, 1e-6);
  EXPECT_EQ(j["interruptions"], 1);
  EXPECT_EQ(j["clusters"], nlohmann::json({"alpha/r1/c1", "beta/r1/c2"}));
  EXPECT_NEAR(j["cost_usd"]["egress"].get<double>(), 15.0, 1e-9);
  EXPECT_NEAR(j["cost_usd"]["total"].get<double>(),
              j["cost_usd"]["compute"].get<double>() + j["cost_usd"]["egress"].get<double>(), 1e-6);
  EXPECT_GT(j["energy_kwh"].get<double>(), 0);
  EXPECT_GT(j["gpu_hours"].get<double>(), 0);
  fs::remove_all(out);
}

TEST(Cli, SameSeedGivesByteIdenticalSummaries) {
  fs::path a = fresh_dir("det-a"), b = fresh_dir("det-b");
  ASSERT_EQ(riftsim("run " + kData + "/mini-notice.yaml --quiet --seed 7 --out " + a.string()).code, 0);
  ASSERT_EQ(riftsim("run " + kData + "/mini-notice.yaml --quiet --seed 7 --out " + b.string()).code, 0);
  EXPECT_EQ(slurp(a / "summary.json"), slurp(b / "summary.json"));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Cli, PrintsAReadableSummary) {
  fs::path out = fresh_dir("text");
  Outcome o = riftsim("run " + kData + "/mini-cutoff.yaml --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("job train: finished in"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("provisioning"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("alpha/r1/c1 → beta/r1/c2"), std::string::npos) << o.out;
  EXPECT_NE(o.err.find("cuts off"), std::string::npos) << o.err; // simulated-time log lines
  fs::remove_all(out);
}

TEST(Cli, BadInputEndsWithExitCode2AndOneLocatedMessage) {
  const std::regex located(R"(^[^\n:]+\.yaml:[0-9]+:[0-9]+: error: [^\n]+\n$)");
  for (const char* name :
       {"unknown-key", "syntax", "no-such-cluster", "missing-platform", "too-many-gpus", "wrong-unit",
        "missing-unit", "negative", "zero-gpus", "absurd-gpus", "unknown-strategy", "no-such-link",
        "grant-too-big", "tp-across-nodes", "bad-layout"}) {
    SCOPED_TRACE(name);
    fs::path out = fresh_dir(std::string("bad-") + name);
    Outcome o = riftsim("run " + kData + "/bad/" + name + ".yaml --out " + out.string());
    EXPECT_EQ(o.code, 2);
    EXPECT_TRUE(std::regex_match(o.err, located)) << o.err;
    EXPECT_FALSE(fs::exists(out)) << "no output directory on bad input";
  }
}

TEST(Cli, MissingScenarioFileIsBadInput) {
  Outcome o = riftsim("run /nonexistent/scenario.yaml");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("/nonexistent/scenario.yaml:1:1: error: cannot open file"), std::string::npos)
      << o.err;
}

TEST(Cli, UsageErrorsAreExitCode2) {
  EXPECT_EQ(riftsim("run").code, 2);
  EXPECT_EQ(riftsim("frobnicate").code, 2);
  EXPECT_EQ(riftsim("run " + kData + "/mini-cutoff.yaml --no-such-flag").code, 2);
  EXPECT_EQ(riftsim("--help").code, 0);
  // A mistyped command: the commands there are, and the closest one.
  Outcome typo = riftsim("valdate x.yaml");
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("unknown command 'valdate' (did you mean 'validate'?)"), std::string::npos)
      << typo.err;
  Outcome sub = riftsim("platform shwo x.yaml");
  EXPECT_EQ(sub.code, 2);
  EXPECT_NE(sub.err.find("(did you mean 'show'?); the commands of platform: export, show"), std::string::npos)
      << sub.err;
  EXPECT_NE(riftsim("platform").err.find("platform needs a command: export, show"), std::string::npos);
  // The hidden command (the one a run's children and bench/ use) is not offered, but it is there.
  EXPECT_EQ(riftsim("simulat x.yaml").err.find("simulate"), std::string::npos);
  Outcome simulate = riftsim("simulate " + kData + "/mini-cutoff.yaml --result /nonexistent/r.json");
  EXPECT_EQ(simulate.err.find("unknown command"), std::string::npos) << simulate.err;
  // A mistyped option: the closest option of that command, and its options.
  Outcome option = riftsim("run " + kData + "/mini-cutoff.yaml --replicatons 3");
  EXPECT_EQ(option.code, 2);
  EXPECT_NE(option.err.find("unknown option '--replicatons' of run (did you mean '--replications'?); its "
                            "options: --csv, "),
            std::string::npos)
      << option.err;
  // A missing argument is named with what it is for, and the command's own help.
  Outcome missing = riftsim("validate");
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "riftsim: error: validate needs FILES (YAML files; see riftsim validate --help)\n");
  EXPECT_NE(riftsim("sweep merge")
                .err.find("sweep merge needs DIR (the sweep's output directory; see riftsim "
                          "sweep merge --help)"),
            std::string::npos);
  EXPECT_NE(riftsim("check x").err.find("check needs --golden (golden results;"), std::string::npos);
  // An option typed without its value, or twice; --jobs 0 is not "one per core".
  EXPECT_EQ(riftsim("check x --golden").err,
            "riftsim: error: --golden needs a value: golden results (see riftsim check --help)\n");
  EXPECT_NE(riftsim("run x.yaml --seed 3 --seed 4").err.find("--seed is given twice"), std::string::npos);
  Outcome zero_jobs = riftsim("run " + kData + "/mini-cutoff.yaml --jobs 0");
  EXPECT_EQ(zero_jobs.code, 2);
  EXPECT_NE(zero_jobs.err.find("--jobs must be between 1 and 256"), std::string::npos) << zero_jobs.err;
}

TEST(Cli, ValidateChecksFilesWithoutRunning) {
  Outcome ok = riftsim("validate " + kData + "/mini-platform.yaml " + kData + "/mini-workload.yaml " + kData +
                       "/mini-cutoff.yaml");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("platform: 2 providers, 3 clusters, 1 link\n"), std::string::npos) << ok.out;
  EXPECT_EQ(riftsim("validate " + kData + "/bad/wrong-unit.yaml").code, 2);
  // Every file given is checked: ok for the good ones, one located line for each bad one, exit 2.
  Outcome mixed = riftsim("validate " + kData + "/mini-platform.yaml " + kData + "/bad/wrong-unit.yaml " +
                          kData + "/bad/no-such-cluster.yaml " + kData + "/mini-cutoff.yaml");
  EXPECT_EQ(mixed.code, 2);
  EXPECT_NE(mixed.out.find("ok  " + kData + "/mini-platform.yaml"), std::string::npos) << mixed.out;
  EXPECT_NE(mixed.out.find("ok  " + kData + "/mini-cutoff.yaml"), std::string::npos) << mixed.out;
  EXPECT_EQ(mixed.out.find("wrong-unit"), std::string::npos) << mixed.out;
  EXPECT_EQ(std::count(mixed.err.begin(), mixed.err.end(), '\n'), 2) << mixed.err;
  EXPECT_NE(mixed.err.find("wrong-unit-workload.yaml:8:26: error:"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("no-such-cluster.yaml:6:3: error:"), std::string::npos) << mixed.err;
  // The shipped catalogs, each given alone (the instances against the accelerators beside them).
  const std::string catalog = std::string(RIFTSIM_REPO) + "/platforms/catalog/";
  Outcome catalogs = riftsim("validate " + catalog + "accelerators.yaml " + catalog + "instances.yaml");
  EXPECT_EQ(catalogs.code, 0) << catalogs.err;
  EXPECT_NE(catalogs.out.find("accelerator catalog: "), std::string::npos) << catalogs.out;
  EXPECT_NE(catalogs.out.find("instance catalog: "), std::string::npos) << catalogs.out;
}

TEST(Cli, EveryShippedInputFileValidates) {
  // Platforms, catalogs, workloads, scenarios, studies (sweeps, every point) and the benchmarks' inputs.
  std::string files;
  for (const char* dir : {"platforms", "platforms/catalog", "workloads", "workloads/scenarios",
                          "workloads/studies", "bench/data"})
    for (const auto& e : fs::directory_iterator(std::string(RIFTSIM_REPO) + "/" + dir))
      if (e.path().extension() == ".yaml") files.append(" ").append(e.path().string());
  Outcome o = riftsim("validate" + files);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("sweep 'notice-porting': 20 points x 32 seeds x 3 responses"), std::string::npos)
      << o.out;
  EXPECT_EQ(o.out.find("1 seeds"), std::string::npos) << o.out;
}

TEST(Cli, EveryShippedScenarioRuns) {
  // The stories in workloads/scenarios/ all run to the end, every job finished.
  for (const auto& entry : fs::directory_iterator(std::string(RIFTSIM_REPO) + "/workloads/scenarios")) {
    // The portfolio (506 jobs over a year, ~1 min per simulation) is run by its benchmark
    // (bench/portfolio.sh); its mechanisms are tested on small schedules (tests/engine/test_queue.cpp).
    if (entry.path().stem().string().starts_with("portfolio")) continue;
    SCOPED_TRACE(entry.path().string());
    fs::path out = fresh_dir("shipped-" + entry.path().stem().string());
    Outcome o = riftsim("run " + entry.path().string() + " --quiet --out " + out.string());
    EXPECT_EQ(o.code, 0) << o.err;
    std::vector<fs::path> summaries;
    if (fs::exists(out / "summary.json")) summaries.push_back(out / "summary.json");
    for (const auto& d : fs::directory_iterator(out))
      if (fs::exists(d.path() / "summary.json")) summaries.push_back(d.path() / "summary.json");
    EXPECT_FALSE(summaries.empty());
    for (const auto& f : summaries) {
      // Held in a variable: items() refers to the object, which a temporary would not outlive.
      nlohmann::json s = nlohmann::json::parse(slurp(f));
      for (const auto& [name, job] : s["jobs"].items())
        EXPECT_EQ(job["status"], "finished") << f << " " << name;
      expect_clean_trace(f.parent_path() / "trace.json");
    }
    fs::remove_all(out);
  }
}

TEST(Timeline, EveryCopyThatStartsAlsoEndsInEventsCsv) {
  // The throttle story's responses move data in every way riftsim has: a migration, a split's dataset
  // and checkpoint copies. Every transfer_start has its transfer_end, no earlier than the start.
  fs::path out = fresh_dir("copies");
  ASSERT_EQ(riftsim("run " + std::string(RIFTSIM_REPO) +
                    "/workloads/scenarios/gpt4-azure-throttle.yaml --quiet --out " + out.string())
                .code,
            0);
  int responses = 0;
  for (const auto& d : fs::directory_iterator(out)) {
    if (!fs::exists(d.path() / "events.csv")) continue;
    responses++;
    std::istringstream csv(slurp(d.path() / "events.csv"));
    std::map<std::string, std::vector<double>> starts, ends; // by "what from -> to"
    std::string line;
    while (std::getline(csv, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string cell; std::getline(ls, cell, ',');) f.push_back(cell);
      if (f.size() < 7) continue;
      if (f[4] == "transfer_start") starts[f[6].substr(0, f[6].find(" to "))].push_back(std::stod(f[0]));
      if (f[4] == "transfer_end") ends[f[6].substr(0, f[6].find(" from "))].push_back(std::stod(f[0]));
    }
    EXPECT_EQ(starts.size(), ends.size()) << d.path();
    for (const auto& [what, at] : starts) {
      ASSERT_EQ(ends[what].size(), at.size()) << d.path() << ": " << what;
      for (size_t i = 0; i < at.size(); ++i) EXPECT_LE(at[i], ends[what][i]) << what;
    }
  }
  EXPECT_EQ(responses, 5);
  fs::remove_all(out);
}

TEST(Compare, EveryResponseHasTheSameBaselineAloneOrSideBySide) {
  // The baseline is the undisturbed run: a hedge's standby and a response's interconnect ports are the
  // response's cost, not the baseline's, whether the hedge runs alone or next to another response.
  fs::path both = fresh_dir("hedge-both"), alone = fresh_dir("hedge-alone");
  ASSERT_EQ(riftsim("run " + kData + "/mini-hedge.yaml --quiet --out " + both.string()).code, 0);
  fs::create_directories(alone);
  std::string scenario = slurp(kData + "/mini-hedge.yaml");
  scenario.replace(scenario.find("      - {name: migrate"),
                   scenario.find("      - {name: hedge") - scenario.find("      - {name: migrate"), "");
  for (const char* f : {"hedge-platform.yaml", "mini-workload.yaml"})
    fs::copy_file(kData + "/" + f, alone / f);
  std::ofstream(alone / "hedge-only.yaml") << scenario;
  ASSERT_EQ(
      riftsim("run " + (alone / "hedge-only.yaml").string() + " --quiet --out " + (alone / "out").string())
          .code,
      0);
  auto side_by_side = summary(both / "hedge")["jobs"]["train"];
  auto on_its_own = summary(alone / "out")["jobs"]["train"];
  auto migrate = summary(both / "migrate")["jobs"]["train"];
  EXPECT_EQ(side_by_side["baseline_cost_usd"], on_its_own["baseline_cost_usd"]);
  EXPECT_EQ(side_by_side["baseline_cost_usd"], migrate["baseline_cost_usd"]);
  EXPECT_EQ(side_by_side["baseline_wall_time_s"], on_its_own["baseline_wall_time_s"]);
  // 4 nodes at $10/h for 36,090 s, and the data kept in alpha's store: no standby in the baseline.
  EXPECT_NEAR(on_its_own["baseline_cost_usd"]["compute"].get<double>(), 4 * 10 * 36090.0 / 3600, 1e-6);
  fs::remove_all(both);
  fs::remove_all(alone);
}

TEST(Cli, FlagshipRunsAndTellsTheStory) {
  fs::path out = fresh_dir("flagship");
  Outcome o = riftsim("run " + std::string(RIFTSIM_REPO) +
                      "/workloads/scenarios/gpt4-azure-cutoff.yaml --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  auto j = summary(out)["jobs"]["gpt4"];
  EXPECT_EQ(j["clusters"].size(), 2u);
  double lost_days = j["time_lost_s"].get<double>() / 86400;
  EXPECT_GT(lost_days, 28); // 21 d provisioning + 7 d porting at least
  EXPECT_LT(lost_days, 30);
  fs::remove_all(out);
}

namespace {
const std::string kGolden = std::string(RIFTSIM_REPO) + "/tests/golden";

/// Runs a scenario from tests/data (so that paths in the results are the same as in the goldens).
Outcome run_in_data(const std::string& args) {
  return riftsim_in(kData, args);
}
} // namespace

TEST(Golden, EveryOutputFileMatchesItsGoldenCopy) {
  // mini-compare has two responses: its comparison.json, and each response's six files.
  for (auto [scenario, files] : {std::pair{"mini-cutoff", 6}, {"mini-notice", 6}, {"mini-compare", 13}}) {
    SCOPED_TRACE(scenario);
    fs::path out = fresh_dir(std::string("golden-") + scenario);
    ASSERT_EQ(run_in_data(std::string("run ") + scenario + ".yaml --quiet --out " + out.string()).code, 0);
    Outcome c = riftsim("check " + out.string() + " --golden " + kGolden + "/" + scenario + " --rtol 1e-9");
    EXPECT_EQ(c.code, 0) << c.out << c.err;
    EXPECT_NE(c.out.find("same: " + std::to_string(files) + " files compared"), std::string::npos) << c.out;
    fs::remove_all(out);
  }
}

TEST(Golden, CheckComparesEveryResponseOfARunWithSeveral) {
  fs::path changed = fresh_dir("changed-responses");
  fs::copy(kGolden + "/mini-compare", changed, fs::copy_options::recursive);
  auto s = summary(changed / "wait");
  s["jobs"]["train"]["time_lost_s"] = 1.0;
  std::ofstream(changed / "wait" / "summary.json") << s.dump(2);
  fs::remove_all(changed / "migrate");
  Outcome o = riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-compare");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("wait/summary.json: jobs.train.time_lost_s: 1.0 != 31960.0 (golden)"),
            std::string::npos)
      << o.out;
  // Each of the missing response's six files is missing, and counted as a file: 7 of the 13 differ.
  EXPECT_NE(o.out.find("migrate/summary.json: missing from the result"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("migrate/queue.csv: missing from the result"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("7 differences in 7 files of 13 compared"), std::string::npos) << o.out;
  // A response the golden does not have is a difference too.
  fs::copy(changed / "wait", changed / "wait-more", fs::copy_options::recursive);
  o = riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-compare");
  EXPECT_NE(o.out.find("wait-more/: a response the golden does not have"), std::string::npos) << o.out;
  fs::remove_all(changed);
}

TEST(Golden, AResultDoesNotDependOnTheDirectoryRiftsimRanIn) {
  // The scenario named by an absolute path from another directory: the same result as from tests/data.
  fs::path out = fresh_dir("golden-elsewhere");
  ASSERT_EQ(riftsim_in(fs::temp_directory_path().string(),
                       "run " + kData + "/mini-cutoff.yaml --quiet --out " + out.string())
                .code,
            0);
  EXPECT_EQ(summary(out)["scenario"]["platform"], "mini-platform.yaml");
  Outcome c = riftsim("check " + out.string() + " --golden " + kGolden + "/mini-cutoff --rtol 1e-9");
  EXPECT_EQ(c.code, 0) << c.out;
  fs::remove_all(out);
}

TEST(Golden, CheckMatchesTraceEventsByIdentityNotByPosition) {
  fs::path changed = fresh_dir("trace-identity");
  fs::copy(kGolden + "/mini-cutoff", changed, fs::copy_options::recursive);
  auto trace = nlohmann::json::parse(slurp(changed / "trace.json"));
  auto& events = trace["traceEvents"];
  // Removing the first checkpoint span is one difference, however many events come after it.
  size_t first_checkpoint = 0;
  while (!(events[first_checkpoint]["ph"] == "X" && events[first_checkpoint]["name"] == "checkpoint"))
    ++first_checkpoint;
  ASSERT_GT(events.size() - first_checkpoint, 10u);
  events.erase(first_checkpoint);
  std::ofstream(changed / "trace.json") << trace.dump();
  Outcome o = riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-cutoff");
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("1 difference in 1 file of"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("trace.json: X job 'checkpoint' on 'train' at ts 3600000000: missing from the result"),
            std::string::npos)
      << o.out;
  // Events in another order, on renumbered tracks: no difference.
  trace = nlohmann::json::parse(slurp(kGolden + "/mini-cutoff/trace.json"));
  std::reverse(trace["traceEvents"].begin(), trace["traceEvents"].end());
  for (auto& e : trace["traceEvents"])
    if (e.contains("tid")) e["tid"] = 100 - e["tid"].get<int>();
  std::ofstream(changed / "trace.json") << trace.dump();
  o = riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-cutoff");
  EXPECT_EQ(o.code, 0) << o.out;
  fs::remove_all(changed);
}

TEST(Golden, CheckListsEveryChangedFieldAndWritesJUnit) {
  fs::path changed = fresh_dir("changed");
  fs::copy(kGolden + "/mini-cutoff", changed, fs::copy_options::recursive);
  auto s = summary(changed);
  s["jobs"]["train"]["time_lost_s"] = 99999.0;
  s["jobs"]["train"]["cost_usd"]["egress"] = 16.0;
  std::ofstream(changed / "summary.json") << s.dump(2);
  fs::path junit = changed / "junit.xml";
  Outcome o = riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-cutoff --junit " +
                      junit.string());
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("summary.json: jobs.train.time_lost_s: 99999.0 != 83540.0 (golden)"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("jobs.train.cost_usd.egress"), std::string::npos) << o.out;
  std::string xml = slurp(junit);
  EXPECT_NE(xml.find("<testsuite name=\"riftsim check\" tests=\"6\" failures=\"1\">"), std::string::npos)
      << xml;
  // Well-formed XML, checked by a real parser.
  std::string cmd = "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' " +
                    junit.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  // Within a loose tolerance the same change passes.
  EXPECT_EQ(riftsim("check " + changed.string() + " --golden " + kGolden + "/mini-cutoff --rtol 0.5").code,
            0);
  fs::remove_all(changed);
}

TEST(Golden, CheckOnAMissingDirectoryIsBadInput) {
  EXPECT_EQ(riftsim("check /nonexistent --golden " + kGolden + "/mini-cutoff").code, 2);
}

TEST(Expectations, AFailingExpectationGivesExitCode1AndTheActualValue) {
  fs::path out = fresh_dir("expect");
  Outcome o = riftsim("run " + kData + "/mini-expect.yaml --quiet --out " + out.string());
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.out.find("FAIL  jobs.train.time_lost_s < 20h  (actual 83540 s = 23.2 h)"), std::string::npos)
      << o.out;
  EXPECT_EQ(o.out.find("pass"), std::string::npos) << "quiet lists only failures";
  auto e = summary(out)["expectations"];
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0]["passed"], true);
  EXPECT_EQ(e[1]["passed"], true);
  EXPECT_EQ(e[2]["passed"], false);
  EXPECT_NEAR(e[2]["actual"].get<double>(), 83540, 1e-6);
  fs::remove_all(out);
}

TEST(Expectations, AnExpectationOnAnUnknownJobIsBadInput) {
  fs::path dir = fresh_dir("expect-bad");
  fs::create_directories(dir);
  std::string text = slurp(kData + "/mini-expect.yaml");
  text.replace(text.find("jobs.train.time_lost_s < 30d"), 28, "jobs.nope.time_lost_s < 30d");
  for (const char* f : {"mini-platform.yaml", "mini-workload.yaml"}) fs::copy(kData + "/" + f, dir / f);
  std::ofstream(dir / "s.yaml") << text;
  Outcome o = riftsim("validate " + (dir / "s.yaml").string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("s.yaml:16:5: error: expectation"), std::string::npos) << o.err;
  fs::remove_all(dir);
}

TEST(Timeline, EventsCsvAndTraceJsonDescribeTheRun) {
  fs::path out = fresh_dir("timeline");
  ASSERT_EQ(riftsim("run " + kData + "/mini-cutoff.yaml --quiet --out " + out.string()).code, 0);
  std::string csv = slurp(out / "events.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "time_s,job,provider,cluster,event,progress,detail");
  for (const char* ev :
       {",start,", ",checkpoint,", ",cutoff,", ",hosts_lost,", ",decision,", ",transfer_start,",
        ",transfer_end,", ",capacity_granted,", ",ported,", ",resume,", ",finish,"})
    EXPECT_NE(csv.find(ev), std::string::npos) << ev;
  auto trace = nlohmann::json::parse(slurp(out / "trace.json"));
  std::set<std::string> spans;
  std::set<std::string> threads;
  for (const auto& e : trace["traceEvents"]) {
    if (e["ph"] == "X") spans.insert(e["name"].get<std::string>());
    if (e["ph"] == "M" && e["name"] == "thread_name") threads.insert(e["args"]["name"].get<std::string>());
  }
  for (const char* s : {"compute", "lost compute", "checkpoint", "detection", "provisioning", "porting",
                        "transfer", "restart", "cut off", "tenure"})
    EXPECT_TRUE(spans.count(s)) << s;
  // A track per job and per provider; the job's copies overlap its training, so they go to further tracks.
  EXPECT_EQ(threads, (std::set<std::string>{"train", "train #2", "train #3", "alpha", "beta"}));
  expect_clean_trace(out / "trace.json");
  fs::remove_all(out);
}

TEST(Plot, RunWithPlotWritesNonEmptyFigures) {
  fs::path out = fresh_dir("plot");
  Outcome o = riftsim("run " + kData + "/mini-cutoff.yaml --quiet --plot --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* fig : {"progress", "waterfall", "cost"})
    for (const char* ext : {".png", ".svg"}) {
      fs::path f = out / (std::string(fig) + ext);
      ASSERT_TRUE(fs::exists(f)) << f;
      EXPECT_GT(fs::file_size(f), 5000u) << f;
    }
  std::string png = slurp(out / "progress.png");
  EXPECT_EQ(png.substr(1, 3), "PNG");
  fs::remove_all(out);
}

TEST(Logging, SimGridFlagsPassThroughAndLogLinesCarrySimulatedTime) {
  fs::path out = fresh_dir("log");
  Outcome quiet = riftsim("run " + kData + "/mini-cutoff.yaml --out " + out.string());
  EXPECT_EQ(quiet.err.find("xbt_cfg"), std::string::npos) << "SimGrid's logging is off by default";
  EXPECT_NE(quiet.err.find("[d   0.231     20000.0s capacity-controller] warning: alpha cuts off"),
            std::string::npos)
      << quiet.err;
  Outcome loud = riftsim("run " + kData + "/mini-cutoff.yaml --log=root.thres:info --out " + out.string());
  EXPECT_NE(loud.err.find("Configuration change"), std::string::npos) << loud.err;
  // A user's --cfg=network/... replaces riftsim's network model: the default LV08 slows WAN copies.
  ASSERT_EQ(
      riftsim("run " + kData + "/mini-cutoff.yaml --quiet --cfg=network/model:LV08 --out " + out.string())
          .code,
      0);
  EXPECT_GT(summary(out)["jobs"]["train"]["transfers"][0]["end_s"].get<double>(), 20700.01 + 1);
  Outcome debug = riftsim("run " + kData + "/mini-cutoff.yaml --log-level debug --out " + out.string());
  EXPECT_NE(debug.err.find("debug"), std::string::npos);
  fs::remove_all(out);
}

TEST(Failures, ATracedRunHitsExactlyTheTracedFailuresAndWaitsForSpares) {
  // tests/data/failures: node 0 fails at 5000 s (1390 s into the 2nd segment; the one spare replaces
  // it; restart 300 s + 10 s read), node 2 at 20000 s (250 s into a segment) with no spare left: the job
  // waits for node 0's repair, 1 day after its failure, until 91400 s.
  fs::path out = fresh_dir("traced");
  ASSERT_EQ(riftsim("run " + kData + "/failures/traced.yaml --quiet --out " + out.string()).code, 0);
  auto j = summary(out)["jobs"]["train"];
  EXPECT_EQ(j["failures"], 2);
  EXPECT_NEAR(j["badput_s"]["recompute"].get<double>(), 1390 + 250, 1e-6);
  EXPECT_NEAR(j["badput_s"]["restart"].get<double>(), 2 * 310, 1e-6);
  EXPECT_NEAR(j["badput_s"]["waiting_for_spares"].get<double>(), 91400 - 20000, 1e-6);
  EXPECT_NEAR(j["wall_time_s"].get<double>(), 36000 + 90 + 1640 + 620 + 71400, 1e-6);
  EXPECT_NEAR(j["goodput"].get<double>(), 36000 / 109750.0, 1e-12);
  // The baseline has the same failures (common random numbers): no time lost to them.
  EXPECT_NEAR(j["time_lost_s"].get<double>(), 0, 1e-6);
  std::string csv = slurp(out / "events.csv");
  EXPECT_NE(csv.find("5000.000,train,alpha,alpha/r1/c1,node_failure,,node 0"), std::string::npos) << csv;
  EXPECT_NE(csv.find("20000.000,train,alpha,alpha/r1/c1,node_failure,,node 2"), std::string::npos) << csv;
  fs::remove_all(out);
}

TEST(Cost, ANamedInterconnectCarriesTheCopiesAndItsPortsAndTheStoresAreBilled) {
  fs::path out = fresh_dir("paths");
  ASSERT_EQ(riftsim("run " + kData + "/mini-paths.yaml --quiet --out " + out.string()).code, 0);
  auto j = summary(out)["jobs"]["train"];
  // Same wall time as mini-cutoff: the 1-day lead time hides the copies.
  const double wall = 119630;
  EXPECT_NEAR(j["wall_time_s"].get<double>(), wall, 1e-6);
  // Dataset (50 GB) and checkpoint (100 GB) start together at 20600 s and share the 10 GB/s stores (the
  // 100 Gbps interconnect is faster): the dataset is done after 10 s, the checkpoint 5 s later.
  auto t = j["transfers"];
  ASSERT_EQ(t.size(), 2u);
  for (const auto& x : t) {
    EXPECT_EQ(x["path"], "alpha-beta-dx");
    EXPECT_EQ(x["streams"], 4);
  }
  EXPECT_NEAR(t[0]["end_s"].get<double>(), 20610.002, 1e-6);
  EXPECT_NEAR(t[1]["end_s"].get<double>(), 20615.002, 1e-6);
  auto cost = j["cost_usd"];
  EXPECT_NEAR(cost["egress"].get<double>(), 150 * 0.02, 1e-9); // the path's price, not alpha's $0.10
  EXPECT_NEAR(cost["interconnect"].get<double>(), 22.5 * wall / 3600, 1e-6); // ports held all along
  // 150 GB (dataset + checkpoint) kept at alpha all along, and at beta from the first copy on.
  double month = 730 * 3600.0;
  EXPECT_NEAR(cost["storage"].get<double>(), 150 * 0.02 * wall / month + 150 * 0.03 * (wall - 20600) / month,
              1e-9);
  EXPECT_NEAR(cost["total"].get<double>(),
              cost["compute"].get<double>() + cost["egress"].get<double>() +
                  cost["interconnect"].get<double>() + cost["storage"].get<double>(),
              1e-6);
  fs::remove_all(out);
}

TEST(Replications, GroupingNodesIntoFewerHostsChangesNoResult) {
  // The speed knob nodes_per_host (docs/platforms.md): one host per node or one for the whole cluster,
  // the same failures hit the job at the same times, with the same costs.
  fs::path a = fresh_dir("rep-hosts-4"), b = fresh_dir("rep-hosts-1");
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 4 --out " + a.string()).code, 0);
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random-grouped.yaml --quiet --replications 4 --out " + b.string())
          .code,
      0);
  auto ra = nlohmann::json::parse(slurp(a / "replications.json"));
  auto rb = nlohmann::json::parse(slurp(b / "replications.json"));
  EXPECT_GT(ra["jobs"]["train"]["failures"]["mean"].get<double>(), 0);
  EXPECT_EQ(ra["jobs"], rb["jobs"]);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Replications, SeveralResponsesEachGetTheirStatisticsOverTheSameSeeds) {
  fs::path both = fresh_dir("rep-compare"), one = fresh_dir("rep-one");
  ASSERT_EQ(riftsim("run " + kData + "/failures/random-compare.yaml --quiet --replications 4 --out " +
                    both.string())
                .code,
            0);
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 4 --out " + one.string()).code,
      0);
  for (const char* name : {"migrate", "wait"}) {
    SCOPED_TRACE(name);
    auto r = nlohmann::json::parse(slurp(both / name / "replications.json"));
    EXPECT_EQ(r["replications"], 4);
    EXPECT_EQ(r["jobs"]["train"]["time_lost_s"]["n"], 4);
  }
  // The migrate response over the same seeds is the single-response run of random.yaml: the seeds'
  // failures do not depend on which response is simulated next to it.
  auto migrate = nlohmann::json::parse(slurp(both / "migrate" / "replications.json"));
  auto alone = nlohmann::json::parse(slurp(one / "replications.json"));
  EXPECT_EQ(migrate["jobs"]["train"]["wall_time_s"]["values"],
            alone["jobs"]["train"]["wall_time_s"]["values"]);
  EXPECT_EQ(migrate["jobs"]["train"]["failures"]["values"], alone["jobs"]["train"]["failures"]["values"]);
  auto cmp = nlohmann::json::parse(slurp(both / "comparison.json"));
  EXPECT_TRUE(cmp["replications"].contains("wait"));
  EXPECT_EQ(cmp["seeds"].size(), 4u);
  fs::remove_all(both);
  fs::remove_all(one);
}

TEST(Replications, SerialAndParallelRunsOfTheSameSeedsAgreeExactly) {
  fs::path a = fresh_dir("rep-serial"), b = fresh_dir("rep-parallel");
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 6 --jobs 1 --out " + a.string())
          .code,
      0);
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 6 --jobs 2 --out " + b.string())
          .code,
      0);
  std::string ra = slurp(a / "replications.json");
  EXPECT_EQ(ra, slurp(b / "replications.json"));
  EXPECT_EQ(slurp(a / "summary.json"), slurp(b / "summary.json"));
  auto r = nlohmann::json::parse(ra);
  EXPECT_EQ(r["replications"], 6);
  auto lost = r["jobs"]["train"]["time_lost_s"];
  EXPECT_EQ(lost["n"], 6);
  EXPECT_LE(lost["ci95_low"].get<double>(), lost["mean"].get<double>());
  EXPECT_GE(lost["ci95_high"].get<double>(), lost["mean"].get<double>());
  // Different seeds draw different failures.
  auto failures = r["jobs"]["train"]["failures"]["values"];
  EXPECT_NE(std::set<double>(failures.begin(), failures.end()).size(), 1u) << failures;
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(Replications, KeepTimelinesWritesEverySeedsEventsCsv) {
  fs::path out = fresh_dir("rep-timelines");
  ASSERT_EQ(riftsim("run " + kData +
                    "/failures/random.yaml --quiet --replications 3 --seed 5 --keep-timelines --out " +
                    out.string())
                .code,
            0);
  // The first seed's is events.csv; each seed's node failures are the ones replications.json counts.
  EXPECT_EQ(slurp(out / "events-seed-5.csv"), slurp(out / "events.csv"));
  auto failures =
      nlohmann::json::parse(slurp(out / "replications.json"))["jobs"]["train"]["failures"]["values"];
  std::set<std::string> timelines;
  for (int i = 0; i < 3; ++i) {
    std::string csv = slurp(out / ("events-seed-" + std::to_string(5 + i) + ".csv"));
    SCOPED_TRACE(i);
    ASSERT_FALSE(csv.empty());
    size_t node_failures = 0;
    for (size_t at = csv.find(",node_failure,"); at != std::string::npos;
         at = csv.find(",node_failure,", at + 1))
      ++node_failures;
    EXPECT_EQ(static_cast<double>(node_failures), failures[static_cast<size_t>(i)].get<double>());
    timelines.insert(csv);
  }
  EXPECT_EQ(timelines.size(), 3u); // three seeds, three different timelines
  // The folder is still a result folder: a run without the option replaces it, and leaves no stale seed.
  ASSERT_EQ(
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 2 --out " + out.string()).code,
      0);
  EXPECT_FALSE(fs::exists(out / "events-seed-5.csv"));
  fs::remove_all(out);
}

TEST(Plot, ReplicationsAddTheDistributionOfTimeLost) {
  fs::path out = fresh_dir("plot-reps");
  Outcome o =
      riftsim("run " + kData + "/failures/random.yaml --quiet --replications 6 --plot --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* ext : {".png", ".svg"}) {
    fs::path f = out / (std::string("time_lost_distribution") + ext);
    ASSERT_TRUE(fs::exists(f)) << f;
    EXPECT_GT(fs::file_size(f), 5000u) << f;
  }
  fs::remove_all(out);
}

TEST(Compare, SeveralResponsesRunSideBySide) {
  fs::path out = fresh_dir("compare");
  Outcome o = riftsim("run " + kData + "/mini-compare.yaml --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("side by side (2 responses)"), std::string::npos) << o.out;
  auto migrate = summary(out / "migrate")["jobs"]["train"];
  auto wait = summary(out / "wait")["jobs"]["train"];
  EXPECT_EQ(summary(out / "wait")["variant"], "wait");
  // The same baseline for both; waiting for the restore at 50000 s beats a day of provisioning.
  EXPECT_EQ(migrate["baseline_wall_time_s"], wait["baseline_wall_time_s"]);
  EXPECT_NEAR(wait["time_lost_s"].get<double>(), 1950 + 600 + 29400 + 10, 1e-6);
  EXPECT_NEAR(migrate["time_lost_s"].get<double>(), 119630 - 36090, 1e-6);
  auto cmp = nlohmann::json::parse(slurp(out / "comparison.json"));
  ASSERT_EQ(cmp["rows"].size(), 2u);
  EXPECT_EQ(cmp["rows"][1]["run"], "wait");
  // `riftsim compare` prints the same table from the directories.
  Outcome c = riftsim("compare " + (out / "migrate").string() + " " + (out / "wait").string());
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("wait · train"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("waiting"), std::string::npos) << c.out;
  // Whole column headers, one unit per column (the wait column: days for the 29,400 s wait, and the
  // migrate row's zero written in days too, not a bare 0).
  EXPECT_NE(c.out.find("provisioning"), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find(" 0 "), std::string::npos) << c.out;
  // The run's directory itself, with one directory per response, compares them all.
  Outcome whole = riftsim("compare " + out.string());
  EXPECT_EQ(whole.code, 0) << whole.err;
  EXPECT_EQ(whole.out, c.out);
  EXPECT_EQ(whole.out.rfind("run · job", 0), 0u) << whole.out; // the table from the first line
  // Its rows in the order of the run's comparison.json (the scenario's order), not alphabetical.
  cmp["rows"] = nlohmann::json::array({cmp["rows"][1], cmp["rows"][0]});
  std::ofstream(out / "comparison.json") << cmp.dump();
  Outcome reordered = riftsim("compare " + out.string());
  EXPECT_LT(reordered.out.find("wait · train"), reordered.out.find("migrate · train")) << reordered.out;
  EXPECT_EQ(riftsim("compare /nonexistent").code, 2);
  fs::remove_all(out);
}

TEST(Compare, PortfoliosRunSideBySideOneRowPerResponse) {
  // Ten jobs under two responses: one row per response (each job's numbers are in jobs.csv), as the
  // run printed them, in the scenario's order; each duration column in its own unit: the makespan of
  // 5,000 s (the last four jobs from 4,000 s, after the cutoff from 500 s to 2,000 s) in minutes.
  fs::path out = fresh_dir("compare-portfolio");
  Outcome o = riftsim("run " + kData + "/queue/generated-compare.yaml --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  Outcome c = riftsim("compare " + out.string());
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.out.rfind("response     finished  not finished  makespan  mean wait  p95 wait", 0), 0u)
      << c.out;
  EXPECT_NE(o.out.find(c.out), std::string::npos) << o.out << "\n" << c.out;
  EXPECT_LT(c.out.find("\nwait "), c.out.find("\nwait-longer ")) << c.out;
  EXPECT_NE(c.out.find("  83.3 min  "), std::string::npos) << c.out;
  EXPECT_EQ(c.out.find(" d "), std::string::npos) << c.out;
  fs::remove_all(out);
}

TEST(Platform, ShowPrintsClustersCapacityAndPrices) {
  Outcome o = riftsim("platform show " + std::string(RIFTSIM_REPO) + "/platforms/clouds.yaml");
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* s :
       {"azure/eastus/nd-a100-v4", "ND96amsr_A100_v4", "$32.77", "25600", "gcp/us-central1/a3-megagpu-8g",
        "azure-gcp-internet", "6.50 failures/1000 node-days"})
    EXPECT_NE(o.out.find(s), std::string::npos) << s << "\n" << o.out;
  // Storage, egress and interconnect prices carry their date and source too.
  auto row = [&o](const std::string& start) {
    size_t at = o.out.find("\n" + start);
    return at == std::string::npos ? std::string() : o.out.substr(at + 1, o.out.find('\n', at + 1) - at - 1);
  };
  EXPECT_NE(row("aws/us-east-1 storage ").find("$0.0230/GB-month       2026-12-02  [S] S3 Standard"),
            std::string::npos)
      << o.out;
  EXPECT_NE(row("gcp internet egress ").find("$0.08-0.12/GB          2026-11-29  [S]"), std::string::npos)
      << o.out;
  EXPECT_NE(row("link azure-aws-interconnect ").find("$45.00/h, $0.020/GB    2026-11-29  [S]"),
            std::string::npos)
      << o.out;
  EXPECT_EQ(o.out.find("given in the platform file, no source"), std::string::npos) << o.out;
  EXPECT_EQ(riftsim("platform show " + kData + "/bad/wrong-unit-workload.yaml").code, 2);
  EXPECT_EQ(riftsim("platform").code, 2);
}

TEST(Platform, AScenarioRunsOnAPlatformThatExtendsTheShippedOne) {
  Outcome show = riftsim("platform show " + kData + "/extends-platform.yaml");
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("(extends "), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("azure/westus3/nd-h100-v5-reserved"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("aws/us-east-1/p4de"), std::string::npos) << "clouds.yaml's clusters are there";
  Outcome links_only = riftsim("validate " + kData + "/extends-links-platform.yaml");
  EXPECT_EQ(links_only.code, 0) << links_only.err;
  EXPECT_NE(links_only.out.find("platform: 2 providers, 3 clusters, 2 links"), std::string::npos)
      << links_only.out;
  fs::path out = fresh_dir("extends");
  Outcome run = riftsim("run " + kData + "/extends-cutoff.yaml --quiet --out " + out.string());
  ASSERT_EQ(run.code, 0) << run.err;
  auto job = summary(out)["jobs"]["train"];
  EXPECT_EQ(job["clusters"],
            nlohmann::json({"azure/eastus/nd-a100-v4", "azure/westus3/nd-h100-v5-reserved"}));
  // The dataset went over the link the extending file adds (100 Gbps: 50 GB in about 4 s).
  ASSERT_EQ(job["transfers"].size(), 1u) << job["transfers"];
  const auto& copy = job["transfers"][0];
  EXPECT_EQ(copy["path"], "azure-east-west");
  EXPECT_NEAR(copy["end_s"].get<double>() - copy["start_s"].get<double>(), 4.0, 0.5) << copy;
  fs::remove_all(out);
}

TEST(Platform, ExportWritesSimGridXml) {
  fs::path out = fresh_dir("export");
  fs::create_directories(out);
  Outcome o = riftsim("platform export " + kData + "/mini-platform.yaml --xml " + (out / "p.xml").string());
  ASSERT_EQ(o.code, 0) << o.err;
  std::string xml = slurp(out / "p.xml");
  EXPECT_NE(xml.find("<platform version=\"4.1\">"), std::string::npos);
  EXPECT_NE(xml.find("<zoneRoute src=\"alpha/r1\" dst=\"beta/r1\""), std::string::npos);
  EXPECT_EQ(riftsim("platform export " + kData + "/nope.yaml --xml " + (out / "q.xml").string()).code, 2);
  EXPECT_FALSE(fs::exists(out / "q.xml"));
  fs::remove_all(out);
}

TEST(Progress, ShownOnATerminalOnlyAndNeverWithQuiet) {
  // `script` gives riftsim a terminal for stderr, as a person would have.
  fs::path out = fresh_dir("progress");
  std::string run = std::string(RIFTSIM_BIN) + " run " + kData +
                    "/failures/random.yaml --replications 4 --out " + out.string();
  std::string cmd = "script -qec '" + run + "' /dev/null > " + (out.string() + ".log") + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(slurp(out.string() + ".log").find("4/8 simulations done"), std::string::npos);
  std::string quiet =
      "script -qec '" + run + " --quiet' /dev/null > " + (out.string() + ".quiet.log") + " 2>&1";
  ASSERT_EQ(std::system(quiet.c_str()), 0);
  EXPECT_EQ(slurp(out.string() + ".quiet.log").find("simulations done"), std::string::npos);
  // Not a terminal (as here): no progress line.
  Outcome piped = riftsim("run " + kData + "/failures/random.yaml --replications 4 --out " + out.string());
  EXPECT_EQ(piped.err.find("simulations done"), std::string::npos);
  fs::remove_all(out);
  fs::remove(out.string() + ".log");
  fs::remove(out.string() + ".quiet.log");
}

TEST(Cost, AnExitWaiverMakesLeavingFree) {
  fs::path out = fresh_dir("exit");
  ASSERT_EQ(riftsim("run " + kData + "/mini-exit.yaml --quiet --out " + out.string()).code, 0);
  auto j = summary(out)["jobs"]["train"];
  EXPECT_EQ(j["cost_usd"]["egress"].get<double>(), 0.0);
  EXPECT_EQ(j["transfers"].size(), 2u);
  fs::remove_all(out);
}

TEST(Compare, AHedgeLosesLessThanMigratingByAboutTheTransferTime) {
  // tests/data/mini-hedge.yaml: beta has no lead time, so moving after the cutoff costs detection, the
  // copy of the checkpoint (and dataset) and the restart; the hedge replicated every checkpoint to beta
  // while training, so only detection and the restart are left.
  fs::path out = fresh_dir("hedge");
  ASSERT_EQ(riftsim("run " + kData + "/mini-hedge.yaml --quiet --out " + out.string()).code, 0);
  auto migrate = summary(out / "migrate")["jobs"]["train"];
  auto hedge = summary(out / "hedge")["jobs"]["train"];
  double transfer = migrate["time_lost_breakdown_s"]["transfer"].get<double>();
  EXPECT_NEAR(transfer, 150.01, 1e-6); // 50 GB dataset + 100 GB checkpoint over 1 GB/s
  EXPECT_NEAR(hedge["time_lost_breakdown_s"]["transfer"].get<double>(), 0, 1e-6);
  EXPECT_NEAR(migrate["wall_time_s"].get<double>() - hedge["wall_time_s"].get<double>(), transfer, 1e-6);
  // The price of the hedge: beta's nodes held from the start, and every checkpoint sent out of alpha.
  EXPECT_GT(hedge["cost_usd"]["compute"].get<double>(), 1.9 * migrate["cost_usd"]["compute"].get<double>());
  EXPECT_NEAR(hedge["cost_usd"]["egress"].get<double>(), (50 + 5 * 100) * 0.10, 1e-6);
  EXPECT_EQ(hedge["clusters"], nlohmann::json({"alpha/r1/c1", "beta/r1/c2"}));
  fs::remove_all(out);
}

TEST(Step, ExplainStepPrintsWhereAStepsTimeGoesOnTheFabric) {
  // The dense job of tests/data/step on 100 Gbps nodes: the gradient ring shows, and the parts add up.
  Outcome o = riftsim("run " + kData + "/step/step-throttle.yaml --explain-step dense alpha/r1/slow");
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* part :
       {"layout: tp 8 × pp 1 × dp 16, micro-batch 1; 4 micro-batches per step", "compute", "exposed TP",
        "PP bubble", "exposed DP", "derived MFU", "data_reduce", "tensor_allreduce", "100 Gbps per node"})
    EXPECT_NE(o.out.find(part), std::string::npos) << part << "\n" << o.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(o.out, m, std::regex(R"(exposed DP +([0-9.]+) s)"))) << o.out;
  EXPECT_NEAR(std::stod(m[1]), 2 * 15.0 / 16 * 3.6408e9 / 12.5e9, 1e-3); // the ring, not hidden (overlap 0)
  // A job with an mfu says so; an unknown job is bad input.
  Outcome mfu = riftsim("run " + kData + "/mini-cutoff.yaml --explain-step train alpha/r1/c1");
  EXPECT_EQ(mfu.code, 0);
  EXPECT_NE(mfu.out.find("the fabric is ignored"), std::string::npos) << mfu.out;
  Outcome bad = riftsim("run " + kData + "/mini-cutoff.yaml --explain-step nobody alpha/r1/c1");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("error: --explain-step: job 'nobody'"), std::string::npos) << bad.err;
}

TEST(Step, EachTenureReportsTheStepItTrainedAt) {
  fs::path out = fresh_dir("step-throttle");
  Outcome o = riftsim("run " + kData + "/step/step-throttle.yaml --quiet --plot --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_GT(fs::file_size(out / "step.png"), 1000u); // the figure of each tenure's step, part by part
  nlohmann::json tenures = summary(out)["jobs"]["dense"]["tenures"];
  ASSERT_EQ(tenures.size(), 2u);
  EXPECT_EQ(tenures[0]["step"]["layout"]["data"], 16);
  EXPECT_EQ(tenures[1]["step"]["layout"]["data"], 8);
  for (const auto& t : tenures) {
    const auto& step = t["step"];
    EXPECT_TRUE(step["derived"].get<bool>());
    double parts = 0;
    for (const auto& [name, seconds] : step["parts_s"].items()) parts += seconds.get<double>();
    EXPECT_NEAR(parts, step["step_s"].get<double>(), 1e-9);
    EXPECT_GT(step["mfu"].get<double>(), 0);
    EXPECT_LT(step["mfu"].get<double>(), 1);
  }
  // Half the replicas after the throttle: twice the micro-batches per step (the gradient ring about the
  // same).
  EXPECT_GT(tenures[1]["step"]["step_s"].get<double>(), 1.8 * tenures[0]["step"]["step_s"].get<double>());
  fs::remove_all(out);
}

TEST(Cli, APortfolioRunWritesJobsUtilizationAndQueueFiles) {
  // The FIFO schedule of tests/data/queue/fifo.yaml: b waits 9,900 s, c 14,800 s.
  fs::path out = fresh_dir("planner-files");
  Outcome o = riftsim("run " + kData + "/queue/fifo.yaml --quiet --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  std::string jobs = slurp((out / "jobs.csv").string());
  EXPECT_EQ(jobs.rfind("job,project,priority,gpus,submit_s,start_s,end_s,wait_s,", 0), 0u) << jobs;
  EXPECT_NE(jobs.find("\nb,,0,32,100.000,10000.000,15000.000,9900.000,5000.000,finished,"), std::string::npos)
      << jobs;
  EXPECT_EQ(std::count(jobs.begin(), jobs.end(), '\n'), 4); // header and three jobs
  std::string util = slurp((out / "utilization.csv").string());
  EXPECT_NE(util.find("\nalpha/r1/c1,alpha,0,20000,4,"), std::string::npos) << util;
  std::string queue = slurp((out / "queue.csv").string());
  EXPECT_NE(queue.find("\n0,20000,"), std::string::npos) << queue;
  auto s = nlohmann::json::parse(slurp((out / "summary.json").string()));
  EXPECT_EQ(s["portfolio"]["jobs"], 3);
  EXPECT_NEAR(s["portfolio"]["wait_s"]["mean"].get<double>(), (0 + 9900 + 14800) / 3.0, 1e-6);
  EXPECT_NEAR(s["portfolio"]["makespan_s"].get<double>(), 20000, 1e-6);
  fs::remove_all(out);
}
