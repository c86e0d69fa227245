// `riftsim sweep` end to end: points, seeds, shards, resume, merge, Slurm scripts, and the tidy CSV.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

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
  fs::path d = fs::temp_directory_path() / ("riftsim-sweep-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

Outcome riftsim(const std::string& args, const std::string& env = "") {
  fs::path tmp = fresh_dir("io");
  fs::create_directories(tmp);
  std::string cmd = env + " " + std::string(RIFTSIM_BIN) + " " + args + " >" + (tmp / "out").string() +
                    " 2>" + (tmp / "err").string();
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(tmp / "out"), slurp(tmp / "err")};
  fs::remove_all(tmp);
  return o;
}

/// results.csv as rows of named cells (no quoted fields in these tests' files).
size_t files_in(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(l);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    if (!l.empty() && l.back() == ',') cells.emplace_back();
    return cells;
  };
  std::getline(in, line);
  header = split(line);
  while (std::getline(in, line)) {
    auto cells = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

const std::string kGrid = kData + "/sweep/grid.yaml";

} // namespace

TEST(Sweep, APointWithTheScenariosOwnValuesGivesWhatRunGives) {
  fs::path sweep = fresh_dir("one"), run = fresh_dir("one-run");
  Outcome o = riftsim("sweep " + kData + "/sweep/one-point.yaml --quiet --out " + sweep.string());
  ASSERT_EQ(o.code, 0) << o.err;
  ASSERT_EQ(riftsim("run " + kData + "/mini-cutoff.yaml --quiet --out " + run.string()).code, 0);
  json point = json::parse(slurp(sweep / "points" / "p000000" / "point.json"));
  json summary = json::parse(slurp(run / "summary.json"));
  json a = point["summaries"][0][0]["jobs"]["train"], b = summary["jobs"]["train"];
  for (const char* f : {"wall_time_s", "baseline_wall_time_s", "time_lost_s", "energy_kwh", "goodput"})
    EXPECT_DOUBLE_EQ(a[f].get<double>(), b[f].get<double>()) << f;
  EXPECT_EQ(a["cost_usd"], b["cost_usd"]);
  auto rows = read_csv(sweep / "results.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["jobs.train.response.porting"], "1h");
  EXPECT_EQ(rows[0]["workload.jobs.train.mfu"], "0.5");
  EXPECT_EQ(rows[0]["jobs.train.response.porting_si"], "3600");
  EXPECT_EQ(rows[0]["time_lost_s"], "83540");
  EXPECT_EQ(rows[0]["cost_usd.total"], b["cost_usd"]["total"].dump());
  fs::remove_all(sweep);
  fs::remove_all(run);
}

TEST(Sweep, GridTimesSeedsTimesResponsesWithCommonRandomNumbers) {
  fs::path out = fresh_dir("grid");
  Outcome o = riftsim("sweep " + kGrid + " --quiet --jobs 2 --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 2u * 3 * 3 * 2); // points (2 x 3) x seeds x responses, one job
  std::set<std::string> points, porting;
  std::map<std::string, std::set<std::string>> baseline_by_seed;
  for (auto& r : rows) {
    points.insert(r["point"]);
    porting.insert(r["jobs.train.response[0].porting"]);
    baseline_by_seed[r["seed"]].insert(r["baseline_wall_time_s"]);
    EXPECT_TRUE(r["response"] == "migrate" || r["response"] == "wait") << r["response"];
  }
  EXPECT_EQ(points.size(), 6u);
  EXPECT_EQ(porting, (std::set<std::string>{"1h", "2h", "3h"}));
  // The same seed gives every point the same baseline (common random numbers); seeds differ.
  ASSERT_EQ(baseline_by_seed.size(), 3u);
  std::set<std::string> baselines;
  for (auto& [seed, b] : baseline_by_seed) {
    EXPECT_EQ(b.size(), 1u) << "seed " << seed;
    baselines.insert(*b.begin());
  }
  EXPECT_GT(baselines.size(), 1u) << "node failures differ between seeds";
  // Cutoff dates and porting times leave the run without events as it is: one baseline per seed.
  EXPECT_EQ(files_in(out / "baselines"), 3u);
  json results = json::parse(slurp(out / "results.json"));
  ASSERT_EQ(results["points"].size(), 6u);
  const json& t = results["points"][0]["responses"]["wait"]["jobs"]["train"]["time_lost_s"];
  EXPECT_EQ(t["n"], 3);
  EXPECT_LE(t["ci95_low"].get<double>(), t["mean"].get<double>());
  EXPECT_GE(t["ci95_high"].get<double>(), t["mean"].get<double>());
  EXPECT_EQ(results["points"][4]["parameters"]["events[0].at"], "40000s");
  EXPECT_EQ(results["points"][4]["values"]["events[0].at"], 40000.0);
  // Nothing but the sweep's own files is left (no scratch folder).
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.insert(e.path().filename().string());
  EXPECT_EQ(names,
            (std::set<std::string>{"baselines", "points", "results.csv", "results.json", "sweep.json"}));

  // As many simulations at once as wanted: the same bytes.
  fs::path one = fresh_dir("grid-j1");
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --jobs 1 --out " + one.string()).code, 0);
  EXPECT_EQ(slurp(one / "results.csv"), slurp(out / "results.csv"));
  EXPECT_EQ(slurp(one / "results.json"), slurp(out / "results.json"));
  fs::remove_all(one);
  fs::remove_all(out);
}

TEST(Sweep, ShardsThenMergeGiveTheSameResultsAndResumeRedoesOnlyWhatIsMissing) {
  fs::path whole = fresh_dir("whole"), sharded = fresh_dir("sharded");
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --out " + whole.string()).code, 0);
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --shard 1/2 --out " + sharded.string()).code, 0);
  EXPECT_TRUE(fs::exists(sharded / "points" / "p000001" / "point.json"));
  EXPECT_FALSE(fs::exists(sharded / "points" / "p000000"));
  Outcome early = riftsim("sweep merge " + sharded.string());
  EXPECT_EQ(early.code, 2);
  EXPECT_NE(early.err.find("3 of 6 points"), std::string::npos) << early.err;
  EXPECT_EQ(std::count(early.err.begin(), early.err.end(), '\n'), 1) << early.err;
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --shard 0/2 --out " + sharded.string()).code, 0);
  Outcome merged = riftsim("sweep merge " + sharded.string());
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(slurp(sharded / "results.csv"), slurp(whole / "results.csv"));
  EXPECT_EQ(slurp(sharded / "results.json"), slurp(whole / "results.json"));

  // Resume: a point removed (as if the sweep had been killed before it) is run again, the others kept.
  const fs::path kept = whole / "points" / "p000002" / "point.json";
  auto kept_time = fs::last_write_time(kept);
  std::string before = slurp(whole / "results.csv");
  fs::remove_all(whole / "points" / "p000003");
  fs::remove(whole / "results.csv");
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --out " + whole.string()).code, 0);
  EXPECT_EQ(fs::last_write_time(kept), kept_time);
  EXPECT_EQ(slurp(whole / "results.csv"), before);

  // Another sweep in the same folder is refused before anything runs.
  Outcome other = riftsim("sweep " + kData + "/sweep/one-point.yaml --quiet --out " + whole.string());
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("holds another sweep"), std::string::npos) << other.err;
  fs::remove_all(whole);
  fs::remove_all(sharded);
}

TEST(Sweep, EveryDesignAndEveryInputFile) {
  fs::path lhs = fresh_dir("lhs"), oat = fresh_dir("oat");
  Outcome o = riftsim("sweep " + kData + "/sweep/files.yaml --quiet --out " + lhs.string());
  ASSERT_EQ(o.code, 0) << o.err;
  auto rows = read_csv(lhs / "results.csv");
  ASSERT_EQ(rows.size(), 5u);
  // A Latin hypercube puts one value in each fifth of each range.
  std::set<int> fifths;
  for (auto& r : rows)
    fifths.insert(static_cast<int>((std::stod(r["workload.jobs.train.mfu"]) - 0.3) / 0.06));
  EXPECT_EQ(fifths.size(), 5u);
  for (auto& r : rows) { // a price paid at beta, a speed and a date changed: they show in the results
    double price = std::stod(r["platform.providers.beta.regions.r1.clusters.c2.price_si"]);
    EXPECT_GE(price, 10);
    EXPECT_LE(price, 40);
  }
  std::set<std::string> walls;
  for (auto& r : rows) walls.insert(r["wall_time_s"]);
  EXPECT_EQ(walls.size(), 5u);

  o = riftsim("sweep " + kData + "/sweep/tornado.yaml --quiet --out " + oat.string());
  ASSERT_EQ(o.code, 0) << o.err;
  json sweep = json::parse(slurp(oat / "sweep.json"));
  ASSERT_EQ(sweep["points"].size(), 1u + 2 + 2 + 2); // the base, then each parameter alone
  EXPECT_EQ(sweep["points"][0]["values"], json({"20000s", "1h", "0.5"}));
  EXPECT_EQ(sweep["points"][3]["values"], json({"20000s", "10min", "0.5"}));
  // A speed changes the baseline, a date or a porting time does not: one baseline per `mfu` value.
  EXPECT_EQ(files_in(oat / "baselines"), 3u);
  fs::remove_all(lhs);
  fs::remove_all(oat);
}

TEST(Sweep, SlurmScriptsAndASubmissionThatRunsThem) {
  fs::path out = fresh_dir("slurm"), bin = fresh_dir("fake-bin"), local = fresh_dir("slurm-local");
  // Without sbatch: the scripts only.
  Outcome o =
      riftsim("sweep " + kGrid + " --slurm --slurm-tasks 3 --slurm-time 0:10:00 --out " + out.string(),
              "PATH=/nonexistent-riftsim-test");
  ASSERT_EQ(o.code, 0) << o.err;
  std::string script = slurp(out / "slurm" / "sweep.sbatch");
  EXPECT_NE(script.find("#SBATCH --array=0-2\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --time=0:10:00\n"), std::string::npos) << script;
  EXPECT_NE(script.find("--shard \"$SLURM_ARRAY_TASK_ID/3\""), std::string::npos) << script;
  EXPECT_NE(slurp(out / "slurm" / "merge.sbatch").find("#SBATCH --dependency=singleton"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "points" / "p000000")) << "nothing ran";
  fs::remove_all(out);

  // A stand-in for sbatch that runs each array task, then the merge, on this machine.
  fs::create_directories(bin);
  std::ofstream(bin / "sbatch")
      << "#!/bin/bash\n[ \"$1\" = --wait ] && shift\n"
         "last=$(sed -n 's/^#SBATCH --array=0-\\([0-9]*\\)$/\\1/p' \"$1\")\n"
         "if [ -n \"$last\" ]; then for i in $(seq 0 $last); do\n"
         "  SLURM_ARRAY_TASK_ID=$i SLURM_CPUS_PER_TASK=1 bash \"$1\" || exit 1; done\n"
         "else bash \"$1\" || exit 1; fi\necho Submitted batch job 1\n";
  fs::permissions(bin / "sbatch", fs::perms::owner_all);
  o = riftsim("sweep " + kGrid + " --slurm --slurm-wait --slurm-tasks 4 --out " + out.string(),
              "PATH=" + bin.string() + ":/usr/bin:/bin");
  ASSERT_EQ(o.code, 0) << o.err << o.out;
  ASSERT_EQ(riftsim("sweep " + kGrid + " --quiet --out " + local.string()).code, 0);
  EXPECT_EQ(slurp(out / "results.csv"), slurp(local / "results.csv"));
  fs::remove_all(out);
  fs::remove_all(bin);
  fs::remove_all(local);
}

TEST(Sweep, RunCsvHasARowPerSeedResponseAndJob) {
  fs::path out = fresh_dir("run-csv");
  Outcome o = riftsim("run " + kData + "/failures/random-compare.yaml --quiet --csv --replications 3 --out " +
                      out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 3u * 2);
  EXPECT_EQ(rows[0]["seed"], "1");
  EXPECT_EQ(rows[0]["response"], "migrate");
  EXPECT_EQ(rows[3]["response"], "wait");
  EXPECT_EQ(rows[0]["job"], "train");
  json first = json::parse(slurp(out / "migrate" / "summary.json"));
  EXPECT_EQ(rows[0]["time_lost_s"], first["jobs"]["train"]["time_lost_s"].dump());
  fs::remove_all(out);
}

TEST(Study, NoticeAndPortingMoveMigrateAsWorkedOutByHand) {
  // A corner of the shipped study (workloads/studies/notice-porting.yaml), one seed: migrate loses the
  // detection (4 h) + the target's lead time (21 d) + porting - the notice, when positive, plus small
  // recompute, restart and failure differences; waiting loses the 30-day outage whatever the notice; the
  // warm standby about the detection only.
  fs::path dir = fresh_dir("study"), out = fresh_dir("study-out");
  fs::create_directories(dir);
  std::ofstream(dir / "corner.yaml") << "schema_version: 1\nname: corner\nscenario: " << RIFTSIM_REPO
                                     << "/workloads/scenarios/gpt4-azure-cutoff-study.yaml\nseeds: 1\n"
                                        "parameters:\n  events[0].notice: [0d, 21d]\n"
                                        "  jobs.gpt4.response[0].porting: [1d, 14d]\n";
  Outcome o = riftsim("sweep " + (dir / "corner.yaml").string() + " --quiet --out " + out.string());
  ASSERT_EQ(o.code, 0) << o.err;
  auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 4u * 3);
  const double day = 86400;
  for (auto& r : rows) {
    SCOPED_TRACE(r["response"] + " at notice " + r["events[0].notice"] + ", porting " +
                 r["jobs.gpt4.response[0].porting"]);
    double notice = std::stod(r["events[0].notice_si"]),
           porting = std::stod(r["jobs.gpt4.response[0].porting_si"]);
    double lost = std::stod(r["time_lost_s"]);
    if (r["response"] == "migrate")
      EXPECT_NEAR(lost, std::max(0.0, 4 * 3600 + 21 * day + porting - notice), 0.5 * day);
    else if (r["response"] == "wait")
      EXPECT_NEAR(lost, 30 * day, 0.5 * day);
    else
      EXPECT_NEAR(lost, 4 * 3600, 0.3 * day);
  }
  fs::remove_all(dir);
  fs::remove_all(out);
}
