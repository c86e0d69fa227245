// The regression corpus of bad inputs (tests/data/bad/): each case file says in its header what riftsim
// must answer, and this test runs the binary on it as a user would.
//
//   # expect: 2 wrong-unit-workload.yaml:8:26: error: 'checkpoint_interval' of job 'train': unknown
//   # command: validate          optional: validate | run (default: both, for a scenario) | sweep |
//                                export (platform export, after validate has said ok)
//   # args: --seed -1            optional: more arguments for run
//
// The expectation is the exit code, then the start of the one line riftsim must print on stderr: a
// location (its file relative to the case's folder) and the message, or a line starting 'riftsim:'.
// Exit code 0 means the input is valid and must run. Every run must end within a time limit (no hang),
// within a memory limit (no blow-up, outside sanitizer builds), and write nothing on failure.
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path kBad = fs::path(RIFTSIM_TEST_DATA) / "bad";

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

struct Case {
  fs::path file;
  int code = -1;
  std::string expected; // the start of stderr's one line, with the location's file made absolute
  std::string command;  // "", "validate" or "run"
  std::string args;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// "file:line:col: error: message" with `file` relative to the case's folder -> the path riftsim prints.
std::string resolve_location(const std::string& text) {
  if (text.rfind("riftsim:", 0) == 0) return text;
  auto error = text.find(": error: ");
  if (error == std::string::npos) return text;
  std::string location = text.substr(0, error);
  auto col = location.rfind(':');
  auto line = location.rfind(':', col - 1);
  std::string file = location.substr(0, line);
  return (kBad / file).lexically_normal().string() + location.substr(line) + text.substr(error);
}

Case read_case(const fs::path& file) {
  Case c;
  c.file = file;
  std::istringstream in(slurp(file));
  std::string line;
  while (std::getline(in, line) && line.rfind("#", 0) == 0) {
    auto value = [&](const std::string& key) -> std::optional<std::string> {
      if (line.rfind("# " + key + ":", 0) != 0) return std::nullopt;
      std::string v = line.substr(key.size() + 3);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      return v;
    };
    if (auto v = value("expect")) {
      auto space = v->find(' ');
      c.code = std::stoi(v->substr(0, space));
      if (space != std::string::npos) c.expected = resolve_location(v->substr(space + 1));
    } else if (auto v = value("command")) {
      c.command = *v;
    } else if (auto v = value("args")) {
      c.args = *v;
    }
  }
  return c;
}

std::vector<fs::path> case_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kBad)) {
    if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
    if (slurp(e.path()).rfind("# expect:", 0) == 0) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Outcome {
  int code;
  std::string err;
};

/// Runs riftsim in `cwd` with a time limit and, outside sanitizer builds, a memory limit.
Outcome run_riftsim(const fs::path& cwd, const std::string& args) {
  std::string limits = kSanitized ? "" : "ulimit -v 2000000; ";
  std::string cmd = "cd '" + cwd.string() + "' && (" + limits + "exec timeout -s KILL 60 " + RIFTSIM_BIN +
                    " " + args + " >out.txt 2>err.txt)";
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(cwd / "err.txt")};
  fs::remove(cwd / "out.txt");
  fs::remove(cwd / "err.txt");
  return o;
}

class BadInput : public ::testing::TestWithParam<fs::path> {};

void expect_outcome(const Case& c, const Outcome& o, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_NE(o.code, 137) << "killed after 60 s: a hang\n" << o.err;
  EXPECT_EQ(o.code, c.code) << o.err;
  if (c.code == 0) return;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << "one line:\n" << o.err;
  EXPECT_EQ(o.err.rfind(c.expected, 0), 0u) << "expected: " << c.expected << "\nactual:   " << o.err;
}

TEST_P(BadInput, EndsAsItsHeaderSays) {
  Case c = read_case(GetParam());
  ASSERT_GE(c.code, 0) << "no '# expect: CODE ...' header";
  ASSERT_TRUE(c.code == 0 || !c.expected.empty()) << "a failing case says what it must print";
  fs::path dir = fs::temp_directory_path() / ("riftsim-bad-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (c.command == "sweep") {
    expect_outcome(c, run_riftsim(dir, "sweep " + c.file.string() + " --quiet --out out " + c.args), "sweep");
    if (c.code == 0) {
      EXPECT_TRUE(fs::exists(dir / "out" / "results.csv"));
      fs::remove_all(dir / "out");
    }
  }
  if (c.command == "export") { // a platform that runs but has no SimGrid XML: validate says ok
    Outcome v = run_riftsim(dir, "validate " + c.file.string());
    EXPECT_EQ(v.code, 0) << v.err;
    expect_outcome(c, run_riftsim(dir, "platform export " + c.file.string() + " --xml out.xml"), "export");
    if (c.code == 0) fs::remove(dir / "out.xml");
  }
  if (c.command != "run" && c.command != "sweep" && c.command != "export")
    expect_outcome(c, run_riftsim(dir, "validate " + c.file.string()), "validate");
  if (c.command != "validate" && c.command != "sweep" && c.command != "export") {
    expect_outcome(c, run_riftsim(dir, "run " + c.file.string() + " --quiet --out out " + c.args), "run");
    if (c.code == 0) {
      EXPECT_TRUE(fs::exists(dir / "out" / "summary.json") || fs::exists(dir / "out" / "comparison.json"));
      fs::remove_all(dir / "out");
    }
  }
  // Nothing written: no result, no staging folder, no scratch left behind.
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front());
  fs::remove_all(dir);
}

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(case_files()), case_name);

TEST(BadInputCorpus, HasACaseForEveryKindOfMistake) {
  EXPECT_GE(case_files().size(), 60u);
}

} // namespace
