// The edges of input handling, without the binary: text checks, units at their limits, strict YAML
// reading, the expectation parser, input files that are not files, the run limits, atomic writes.
#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "core/input_error.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "model/expectation.hpp"
#include "output/atomic_files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace riftsim;

namespace {

const std::string kData = RIFTSIM_TEST_DATA;

template <class F> std::string input_error_of(F fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return "";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(Text, FindsTheFirstByteThatIsNotUtf8) {
  EXPECT_EQ(invalid_utf8_offset("plain ascii"), std::string::npos);
  EXPECT_EQ(invalid_utf8_offset("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), std::string::npos); // é € 😀
  EXPECT_EQ(invalid_utf8_offset("caf\xE9"), 3u);                                                  // Latin-1
  EXPECT_EQ(invalid_utf8_offset("\xC0\xAF"), 0u);           // an overlong '/'
  EXPECT_EQ(invalid_utf8_offset("a\xED\xA0\x80"), 1u);      // a surrogate
  EXPECT_EQ(invalid_utf8_offset("ab\xF4\x90\x80\x80"), 2u); // above U+10FFFF
  EXPECT_EQ(invalid_utf8_offset("\xE2\x82"), 0u);           // cut short
}

TEST(Text, OneLineEscapesWhatWouldBreakALine) {
  EXPECT_EQ(one_line("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(one_line(std::string("x\0y", 3)), "x\\x00y");
  EXPECT_EQ(one_line("caf\xE9"), "caf\\xE9");
  EXPECT_EQ(one_line("\xC2\x85 and \xE2\x80\xA8"), "\\u0085 and \\u2028"); // NEL, line separator
  EXPECT_EQ(one_line("café €"), "café €");
  InputError e({"we\nird.yaml", 3, 4}, "name 'a\nb' is bad");
  EXPECT_STREQ(e.what(), "we\\nird.yaml:3:4: error: name 'a\\nb' is bad");
}

TEST(Units, AValueIsFiniteOnceItsUnitIsApplied) {
  EXPECT_THROW(parse_duration("1e305w"), UnitError);
  EXPECT_THROW(parse_count("1e306T"), UnitError);
  EXPECT_THROW(parse_bytes("1e300EB"), UnitError);
  EXPECT_THROW(parse_flops("1e300YFLOP"), UnitError);
  EXPECT_THROW(parse_duration("1e400s"), UnitError); // out of range as a double
  EXPECT_THROW(parse_duration("nan s"), UnitError);
  EXPECT_THROW(parse_duration("inf s"), UnitError);
  EXPECT_DOUBLE_EQ(parse_duration("1e300s").raw(), 1e300); // finite: the loaders bound it
  try {
    parse_duration("1e305w");
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find("out of range"), std::string::npos) << e.what();
  }
}

TEST(Expectations, ALongLineIsParsedInOnePass) {
  // std::regex overflowed the stack on ~40,000 characters; the parser reads any length.
  SourcePos at{"s.yaml", 7, 5};
  std::string long_field = "jobs.train." + std::string(1'000'000, 'a') + " < 3d";
  std::string e = input_error_of([&] { parse_expectation(long_field, at); });
  EXPECT_NE(e.find("the field is longer than 256 characters"), std::string::npos) << e.substr(0, 200);
  EXPECT_LT(e.size(), 300u) << "the message quotes a bounded part of the line";
  std::string long_value = "jobs.train.time_lost_s < " + std::string(1'000'000, '9');
  EXPECT_NE(input_error_of([&] { parse_expectation(long_value, at); }).find("is not a number"),
            std::string::npos);
  Expectation ok = parse_expectation("  jobs.gpt4.time_lost_s<=20d  ", at);
  EXPECT_EQ(ok.path, (std::vector<std::string>{"jobs", "gpt4", "time_lost_s"}));
  EXPECT_EQ(ok.op, CompareOp::LessEqual);
  EXPECT_DOUBLE_EQ(ok.value, 20 * 86400.0);
  for (const char* bad : {"", "   ", "jobs.x", "jobs.x <", "< 3", "jobs.x ~ 3", "jobs..x < 3", "jobs.x. < 3"})
    EXPECT_FALSE(input_error_of([&] { parse_expectation(bad, at); }).empty()) << bad;
}

TEST(Fields, AKeyGivenTwiceIsAnErrorAtTheSecond) {
  std::string e = input_error_of([] {
    YAML::Node n = load_yaml_text("a: 1\nb: 2\na: 3\n", "f.yaml");
    Fields f(n, "f.yaml", "the thing");
  });
  EXPECT_EQ(e, "f.yaml:3:1: error: key 'a' appears twice in the thing (first on line 1)");
}

TEST(Fields, CountsAreWholeNumbersInTheirRange) {
  YAML::Node n = load_yaml_text("a: 7.5\nb: 2k\nc: 1e300\n", "f.yaml");
  Fields f(n, "f.yaml", "x");
  EXPECT_NE(input_error_of([&] { f.whole("a", 1, 100); }).find("must be a whole number between 1 and 100"),
            std::string::npos);
  EXPECT_EQ(f.whole("b", 1, 1e6), 2000);
  EXPECT_FALSE(input_error_of([&] { f.whole("c", 1, 1e6); }).empty());
}

TEST(InputFiles, OnlyRegularFilesUnderTheCapAreRead) {
  EXPECT_EQ(read_input_file("/dev/zero", 100).error, "is a device, not a regular file");
  EXPECT_EQ(read_input_file("/", 100).error, "is a directory, not a file");
  EXPECT_NE(read_input_file("/nonexistent/x.yaml", 100).error.find("cannot open file"), std::string::npos);
  FileText small = read_input_file(kData + "/mini-platform.yaml", 100);
  EXPECT_NE(small.error.find("input files are limited to 100 bytes"), std::string::npos) << small.error;
  EXPECT_TRUE(small.text.empty());
  FileText whole = read_input_file(kData + "/mini-platform.yaml", kMaxYamlFileBytes);
  EXPECT_TRUE(whole.error.empty());
  EXPECT_EQ(whole.text, slurp(kData + "/mini-platform.yaml"));
}

TEST(InputFiles, ThePlatformReadsTheFilesItNamesThroughItsReader) {
  std::string text =
      "catalog: {accelerators: a.yaml, instances: i.yaml}\n" + slurp(kData + "/mini-platform.yaml");
  std::vector<std::string> asked;
  FileReader reader = [&](const std::string& path, std::size_t) {
    asked.push_back(path);
    return FileText{"", "is not there"};
  };
  std::string e = input_error_of([&] { parse_platform(text, "dir/p.yaml", reader); });
  EXPECT_EQ(asked, std::vector<std::string>{"dir/a.yaml"});
  EXPECT_EQ(
      e, "dir/p.yaml:1:25: error: 'accelerators' of the catalog names dir/a.yaml, which cannot be read: it "
         "is not there");
}

TEST(Limits, AScenarioCanLowerOrRaiseThem) {
  Inputs in = load_inputs(kData + "/mini-cutoff.yaml"); // 10 h of compute, a checkpoint every hour
  EXPECT_NO_THROW(check_limits(in));
  in.scenario.limits.segments = 5;
  EXPECT_NE(input_error_of([&] { check_limits(in); }).find("about 10 segments"), std::string::npos);
  in.scenario.limits.segments = 10;
  EXPECT_NO_THROW(check_limits(in));
  in.scenario.limits.hosts = 4; // mini-platform: 4 + 4 + 2 hosts
  EXPECT_NE(input_error_of([&] { check_limits(in); }).find("the platform has 10 simulated hosts"),
            std::string::npos);
}

TEST(Variants, ResponseNamesAreJoinedWholeNotAsSubstrings) {
  Inputs in = load_inputs(kData + "/mini-compare.yaml");
  in.scenario.placements[0].alternatives[0].name = "mig";
  in.scenario.placements[0].alternatives[1].name = "migrate";
  EXPECT_EQ(response_variant_name(in.scenario, 0), "mig");
  EXPECT_EQ(response_variant_name(in.scenario, 1), "migrate");
}

TEST(AtomicFiles, AFileIsReplacedWholeAndNothingElseIsLeft) {
  fs::path dir = fs::temp_directory_path() / ("riftsim-atomic-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_file_atomically((dir / "a.json").string(), "first\n");
  write_file_atomically((dir / "a.json").string(), "second\n");
  EXPECT_EQ(slurp(dir / "a.json"), "second\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  EXPECT_THROW(write_file_atomically((dir / "no-such-folder" / "a.json").string(), "x"), OutputError);
  fs::remove_all(dir);
}
