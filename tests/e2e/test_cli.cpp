// The riftsim binary as users and CI call it: exit codes, messages, and summary.json.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>
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

Outcome riftsim(const std::string& args) {
  fs::path tmp = fresh_dir("io");
  fs::create_directories(tmp);
  std::string cmd =
      std::string(RIFTSIM_BIN) + " " + args + " >" + (tmp / "out").string() + " 2>" + (tmp / "err").string();
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(tmp / "out"), slurp(tmp / "err")};
  fs::remove_all(tmp);
  return o;
}

nlohmann::json summary(const fs::path& dir) {
  return nlohmann::json::parse(slurp(dir / "summary.json"));
}

} // namespace

TEST(Cli, RunWritesASummaryWhoseBreakdownAddsUp) {
  fs::path out = fresh_dir("cutoff");
  Outcome o = riftsim("run " + kData + "/mini-cutoff.yaml --out " + out.string() + " --quiet");
  ASSERT_EQ(o.code, 0) << o.err;
  auto s = summary(out);
  EXPECT_EQ(s["schema_version"], 1);
  const auto& j = s["jobs"]["train"];
  EXPECT_EQ(j["status"], "finished");
  EXPECT_NEAR(j["wall_time_s"].get<double>(), 119630, 1e-6);
  EXPECT_NEAR(j["baseline_wall_time_s"].get<double>(), 36090, 1e-6); // from its own process
  EXPECT_NEAR(j["time_lost_s"].get<double>(), 119630 - 36090, 1e-6);
  double sum = 0;
  for (const auto& [part, v] : j["time_lost_breakdown_s"].items()) sum += v.get<double>();
  EXPECT_NEAR(sum, j["time_lost_s"].get<double>(), 1e-6);
  // Slowdown: the remaining 5 h of work took 9000 s on beta instead of 18000 s, and 2 checkpoints instead
  // of 4.
  EXPECT_NEAR(j["time_lost_breakdown_s"]["slowdown"].get<double>(), -9000 - 20, 1e-6);
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
  for (const char* name : {"unknown-key", "syntax", "no-such-cluster", "missing-platform", "too-many-gpus",
                           "wrong-unit", "missing-unit", "negative", "zero-gpus", "absurd-gpus"}) {
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
}

TEST(Cli, ValidateChecksFilesWithoutRunning) {
  Outcome ok = riftsim("validate " + kData + "/mini-platform.yaml " + kData + "/mini-workload.yaml " + kData +
                       "/mini-cutoff.yaml");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("platform: 2 providers, 3 clusters, 1 links"), std::string::npos) << ok.out;
  EXPECT_EQ(riftsim("validate " + kData + "/bad/wrong-unit.yaml").code, 2);
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
