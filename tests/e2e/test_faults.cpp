// The riftsim binary against a hostile or careless user: FIFOs and huge files as inputs, unusable
// --out folders, Ctrl-C, SIGTERM and SIGKILL during a run. Whatever happens, --out holds a whole
// previous result or a whole new one, nothing is left in the temporary folder, and no backtrace is
// printed (docs/outputs.md, "Atomicity").
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A fresh, empty folder for one test.
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("riftsim-faults-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

struct Outcome {
  int code; // exit code, or 128 + signal
  std::string err;
};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true; // ASan reserves terabytes of address space: no ulimit -v
#else
constexpr bool kSanitized = false;
#endif

/// Runs riftsim with a time limit (a hang fails the test instead of blocking ctest) and, if asked and
/// possible, a limit on its address space in kB.
Outcome riftsim(const fs::path& cwd, const std::string& args, long memory_kb = 0) {
  std::string limit = memory_kb > 0 && !kSanitized ? "ulimit -v " + std::to_string(memory_kb) + "; " : "";
  std::string cmd = "cd '" + cwd.string() + "' && (" + limit + "exec timeout -s KILL 60 " +
                    std::string(RIFTSIM_BIN) + " " + args + " >/dev/null 2>'" +
                    (cwd / "stderr.txt").string() + "')";
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(cwd / "stderr.txt")};
  fs::remove(cwd / "stderr.txt");
  return o;
}

/// Names in `dir` other than `keep`: what a run left behind.
std::vector<std::string> leftovers(const fs::path& dir, const std::set<std::string>& keep = {}) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (!keep.count(e.path().filename().string())) out.push_back(e.path().filename().string());
  return out;
}

/// A `riftsim run` started in the background, in its own process group as a shell runs a job.
class BackgroundRun {
public:
  BackgroundRun(const fs::path& cwd, const std::vector<std::string>& args) : err_(cwd / "bg-stderr.txt") {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      std::freopen("/dev/null", "w", stdout);
      std::freopen(err_.c_str(), "w", stderr);
      std::vector<char*> argv;
      std::string bin = RIFTSIM_BIN;
      argv.push_back(bin.data());
      std::vector<std::string> copy = args;
      for (auto& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(bin.c_str(), argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
  }
  pid_t pid() const { return pid_; }
  /// Waits for it to end (at most 60 s, then kills it); returns 128 + signal or the exit code.
  int wait() {
    for (int i = 0; i < 600; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_)
        return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    return -1;
  }
  std::string err() const { return slurp(err_); }

private:
  pid_t pid_;
  fs::path err_;
};

/// Waits until some simulation of the run has finished (a result in its staging folder's scratch).
bool wait_for_a_simulation(const fs::path& parent) {
  for (int i = 0; i < 300; ++i) {
    for (const auto& e : fs::directory_iterator(parent))
      if (e.path().filename().string().rfind(".riftsim-", 0) == 0 && fs::exists(e.path() / "scratch"))
        for (const auto& f : fs::directory_iterator(e.path() / "scratch"))
          if (f.path().extension() == ".json") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// The riftsim processes (a run or its children) working in `dir`.
int processes_in(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    if (fs::read_symlink(e.path() / "cwd", ec) != dir || ec) continue;
    if (slurp(e.path() / "cmdline").find("riftsim") != std::string::npos) ++n;
  }
  return n;
}

void expect_no_backtrace(const std::string& err) {
  for (const char* s : {"semaphore", "Backtrace", "backtrace", "xbt_", "Traceback", "CTRL-C"})
    EXPECT_EQ(err.find(s), std::string::npos) << s << " in:\n" << err;
}

} // namespace

TEST(Faults, AFifoAsAnInputIsRefusedWithoutBlocking) {
  fs::path dir = fresh_dir("fifo");
  ASSERT_EQ(::mkfifo((dir / "catalog.yaml").c_str(), 0644), 0);
  std::ofstream(dir / "platform.yaml")
      << "catalog:\n  accelerators: catalog.yaml\n  instances: catalog.yaml\n"
      << slurp(kData + "/mini-platform.yaml");
  Outcome o = riftsim(dir, "validate platform.yaml");
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err,
            "platform.yaml:2:17: error: 'accelerators' of the catalog names catalog.yaml, which cannot be "
            "read: it is a FIFO (named pipe), not a regular file\n");
  // The scenario naming it as its platform, and the FIFO given on the command line.
  std::ofstream(dir / "s.yaml") << "platform: catalog.yaml\nworkload: " << kData
                                << "/mini-workload.yaml\njobs:\n  train:\n    cluster: alpha/r1/c1\n";
  o = riftsim(dir, "run s.yaml --out out");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(
      o.err.find("s.yaml:1:11: error: 'platform' of the scenario file names catalog.yaml, which cannot be "
                 "read: it is a FIFO"),
      std::string::npos)
      << o.err;
  o = riftsim(dir, "validate catalog.yaml");
  EXPECT_EQ(o.err, "catalog.yaml:1:1: error: is a FIFO (named pipe), not a regular file\n");
  EXPECT_EQ(leftovers(dir, {"catalog.yaml", "platform.yaml", "s.yaml"}), std::vector<std::string>{});
  fs::remove_all(dir);
}

TEST(Faults, AFiftyMegabyteFileIsRefusedBeforeItIsRead) {
  fs::path dir = fresh_dir("huge");
  {
    std::ofstream big(dir / "big.yaml");
    big << "jobs:\n";
    std::string row = "  # " + std::string(96, 'x') + "\n";
    for (int i = 0; i < 500000; ++i) big << row;
  }
  // Under a 1 GB address-space limit (yaml-cpp needed 1.7 GB for this file).
  Outcome o = riftsim(dir, "validate big.yaml", 1000000);
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "big.yaml:1:1: error: is 48.2 MiB; input files are limited to 4.0 MiB\n");
  fs::remove_all(dir);
}

TEST(Faults, AnUnusableOutIsRefusedBeforeAnySimulation) {
  fs::path dir = fresh_dir("out");
  const std::string scenario = kData + "/mini-cutoff.yaml";
  std::ofstream(dir / "a-file") << "mine\n";
  Outcome o = riftsim(dir, "run " + scenario + " --out a-file");
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "riftsim: error: --out a-file is an existing file, not a folder\n");
  EXPECT_EQ(slurp(dir / "a-file"), "mine\n");
  // A folder of other things is not replaced (a run would delete them).
  fs::create_directories(dir / "notes");
  std::ofstream(dir / "notes" / "todo.txt") << "keep\n";
  o = riftsim(dir, "run " + scenario + " --out notes");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("holds 'todo.txt', which riftsim did not write"), std::string::npos) << o.err;
  EXPECT_EQ(slurp(dir / "notes" / "todo.txt"), "keep\n");
  // A symbolic link, the current folder, a read-only place.
  fs::create_directory_symlink("notes", dir / "link");
  EXPECT_EQ(riftsim(dir, "run " + scenario + " --out link").code, 2);
  EXPECT_EQ(riftsim(dir / "notes", "run " + scenario + " --out ../notes").code, 2);
  o = riftsim(dir, "run " + scenario + " --out /proc/riftsim-out");
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err.find("cuts off"), std::string::npos) << "no simulation ran: " << o.err;
  if (::geteuid() != 0) { // root writes anywhere
    fs::create_directories(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    o = riftsim(dir, "run " + scenario + " --out ro/out");
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.err.find("cannot write beside --out ro/out: Permission denied"), std::string::npos) << o.err;
    fs::permissions(dir / "ro", fs::perms::owner_all);
  }
  EXPECT_EQ(leftovers(dir, {"a-file", "notes", "link", "ro"}), std::vector<std::string>{});
  fs::remove_all(dir);
}

TEST(Faults, ANewResultReplacesThePreviousOneWhole) {
  fs::path dir = fresh_dir("replace");
  // Several responses (a folder each and comparison.json), then one response into the same --out.
  ASSERT_EQ(riftsim(dir, "run " + kData + "/mini-compare.yaml --quiet --out out").code, 0);
  ASSERT_TRUE(fs::exists(dir / "out" / "comparison.json"));
  ASSERT_EQ(riftsim(dir, "run " + kData + "/mini-cutoff.yaml --quiet --out out").code, 0);
  std::vector<std::string> files = leftovers(dir / "out");
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"events.csv", "jobs.csv", "queue.csv", "summary.json",
                                             "trace.json", "utilization.csv"}));
  EXPECT_EQ(leftovers(dir, {"out"}), std::vector<std::string>{});
  fs::remove_all(dir);
}

TEST(Faults, CtrlCKillsTheSimulationsQuietlyAndLeavesThePreviousResult) {
  fs::path dir = fresh_dir("ctrl-c");
  ASSERT_EQ(riftsim(dir, "run " + kData + "/mini-cutoff.yaml --quiet --out out").code, 0);
  const std::string before = slurp(dir / "out" / "summary.json");
  BackgroundRun run(dir, {"run", kData + "/failures/random.yaml", "--replications", "400", "--out", "out"});
  ASSERT_TRUE(wait_for_a_simulation(dir));
  ::kill(-run.pid(), SIGINT); // as a terminal does: the whole foreground process group
  EXPECT_EQ(run.wait(), 128 + SIGINT);
  std::string err = run.err();
  expect_no_backtrace(err);
  EXPECT_NE(err.find("riftsim: interrupted; nothing written"), std::string::npos) << err;
  EXPECT_EQ(slurp(dir / "out" / "summary.json"), before);
  EXPECT_FALSE(fs::exists(dir / "out" / "replications.json"));
  EXPECT_EQ(leftovers(dir, {"out", "bg-stderr.txt"}), std::vector<std::string>{});
  fs::remove_all(dir);
}

TEST(Faults, SigtermToTheParentAloneEndsEveryProcessAndLeavesNothing) {
  fs::path dir = fresh_dir("sigterm");
  BackgroundRun run(dir, {"run", kData + "/failures/random.yaml", "--replications", "400", "--out", "out"});
  ASSERT_TRUE(wait_for_a_simulation(dir));
  ::kill(run.pid(), SIGTERM);
  EXPECT_EQ(run.wait(), 128 + SIGTERM);
  expect_no_backtrace(run.err());
  EXPECT_EQ(leftovers(dir, {"bg-stderr.txt"}), std::vector<std::string>{});
  EXPECT_EQ(processes_in(dir), 0) << "children outlived their parent";
  fs::remove_all(dir);
}

TEST(Faults, SigkillOfTheParentTakesTheChildrenAndTheNextRunCleansUp) {
  fs::path dir = fresh_dir("sigkill");
  BackgroundRun run(dir, {"run", kData + "/failures/random.yaml", "--replications", "400", "--out", "out"});
  ASSERT_TRUE(wait_for_a_simulation(dir));
  ::kill(run.pid(), SIGKILL);
  EXPECT_EQ(run.wait(), 128 + SIGKILL);
  for (int i = 0; i < 100 && processes_in(dir) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(processes_in(dir), 0) << "children outlived their parent";
  EXPECT_FALSE(fs::exists(dir / "out"));
  // The killed run's staging folder stays (nothing can run on SIGKILL) until the next run to that --out.
  EXPECT_EQ(leftovers(dir, {"bg-stderr.txt"}).size(), 1u);
  ASSERT_EQ(riftsim(dir, "run " + kData + "/mini-cutoff.yaml --quiet --out out").code, 0);
  EXPECT_EQ(leftovers(dir, {"bg-stderr.txt", "out"}), std::vector<std::string>{});
  fs::remove_all(dir);
}

TEST(Faults, SigtermDuringSbatchWaitEndsSbatchToo) {
  // sbatch starts with riftsim's signals blocked: riftsim must kill it, or `sbatch --wait` outlives it.
  fs::path dir = fresh_dir("sbatch-wait");
  fs::create_directories(dir / "bin");
  std::ofstream(dir / "bin" / "sbatch") << "#!/bin/bash\n"
                                           "if [ \"$1\" = --wait ]; then echo $$ >sbatch.pid\n"
                                           "  exec -a riftsim-fake-sbatch sleep 30; fi\n"
                                           "echo Submitted batch job 1\n";
  fs::permissions(dir / "bin" / "sbatch", fs::perms::owner_all);
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  ::setenv("PATH", ((dir / "bin").string() + ":" + path).c_str(), 1);
  BackgroundRun run(dir, {"sweep", kData + "/sweep/grid.yaml", "--out", "out", "--slurm", "--slurm-wait"});
  ::setenv("PATH", path.c_str(), 1);
  for (int i = 0; i < 300 && !fs::exists(dir / "sbatch.pid"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(dir / "sbatch.pid"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // sbatch.pid is written before the exec
  ::kill(run.pid(), SIGTERM);
  EXPECT_EQ(run.wait(), 128 + SIGTERM);
  EXPECT_NE(run.err().find("riftsim: interrupted; what sbatch had submitted stays queued"), std::string::npos)
      << run.err();
  for (int i = 0; i < 100 && processes_in(dir) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(processes_in(dir), 0) << "sbatch --wait outlived riftsim";
  if (processes_in(dir) > 0) ::kill(std::stoi(slurp(dir / "sbatch.pid")), SIGKILL);
  fs::remove_all(dir);
}

TEST(Faults, ARunPastItsSimulatedHorizonIsStoppedWithExit3AndWhy) {
  // A job of ~1.1 years against a horizon of 1 simulated year: a crawling run cannot go on for ever.
  fs::path dir = fresh_dir("horizon");
  fs::create_directories(dir);
  Outcome o = riftsim(dir, "run " + kData + "/horizon.yaml --quiet --out out");
  EXPECT_EQ(o.code, 3) << o.err;
  EXPECT_NE(o.err.find("a simulation was stopped: the run passed 1 year simulated"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("limits: {simulated_years: N}"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing written";
  fs::remove_all(dir);
}
