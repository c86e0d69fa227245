// Sweep files: parameter paths, ranges and designs (sweep/sweep_spec.hpp), and values in SI units.
#include "sweep/sweep_inputs.hpp"
#include "sweep/sweep_spec.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <set>

using namespace riftsim;

namespace {

SweepSpec parse(const std::string& body) {
  return parse_sweep("schema_version: 1\nname: t\nscenario: s.yaml\n" + body, "t.yaml");
}

} // namespace

TEST(SweepPath, KeysIndicesQuotedKeysAndFiles) {
  ParameterPath p = parse_parameter_path("events[0].notice", {"t.yaml", 3, 3});
  EXPECT_EQ(p.document, InputDocument::Scenario);
  ASSERT_EQ(p.steps.size(), 3u);
  EXPECT_EQ(p.steps[0].key, "events");
  EXPECT_EQ(p.steps[1].index, 0);
  EXPECT_EQ(p.steps[2].key, "notice");
  p = parse_parameter_path("events[2]", {"t.yaml", 3, 3});
  EXPECT_EQ(p.steps[1].index, 2);
  p = parse_parameter_path("platform.providers.aws[\"p4de.24xlarge\"].price", {"t.yaml", 3, 3});
  EXPECT_EQ(p.document, InputDocument::Platform);
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[2].key, "p4de.24xlarge");
  EXPECT_EQ(parse_parameter_path("workload.jobs.a.mfu", {"t.yaml", 1, 1}).document, InputDocument::Workload);
  for (const char* bad : {"", "a..b", "[0].a", "a[x]", "a[-1]", "a[0", "a.", "platform", "schema_version"})
    EXPECT_THROW(parse_parameter_path(bad, {"t.yaml", 1, 1}), InputError) << bad;
}

TEST(SweepRange, StepsCountsUnitsAndRounding) {
  SweepSpec s = parse("parameters:\n  a: {from: 0d, to: 28d, step: 7d}\n  b: {from: $0.1/h, to: $0.3/h, step: "
                      "$0.1/h}\n  c: {from: 1, to: 1000, count: 4, scale: log}\n");
  EXPECT_EQ(s.parameters[0].values, (std::vector<std::string>{"0d", "7d", "14d", "21d", "28d"}));
  EXPECT_EQ(s.parameters[1].values, (std::vector<std::string>{"$0.1/h", "$0.2/h", "$0.3/h"}));
  EXPECT_EQ(s.parameters[2].values, (std::vector<std::string>{"1", "10", "100", "1000"}));
  EXPECT_THROW(parse("parameters:\n  a: {from: 1h, to: 1d, step: 1h}\n"), InputError);
  EXPECT_THROW(parse("parameters:\n  a: {from: 2h, to: 1h, step: 1h}\n"), InputError);
  EXPECT_THROW(parse("parameters:\n  a: {from: 1h, to: 2h, step: 0h}\n"), InputError);
  EXPECT_THROW(parse("parameters:\n  a: {from: 1h, to: 2h, step: 1h, count: 3}\n"), InputError);
  EXPECT_THROW(parse("parameters:\n  a: []\n"), InputError);
  EXPECT_THROW(parse("parameters:\n  a: [[1h]]\n"), InputError);
  EXPECT_THROW(parse("parameters: {}\n"), InputError);
  EXPECT_THROW(parse("seeds: 0\nparameters:\n  a: [1]\n"), InputError);
  EXPECT_THROW(parse("samples: 3\nparameters:\n  a: [1]\n"), InputError); // not a sampled design
}

TEST(SweepDesign, GridZipAndSamples) {
  SweepSpec g = parse("parameters:\n  a: [1, 2]\n  b: [x, y, z]\n");
  auto pts = expand_design(g);
  ASSERT_EQ(pts.size(), 6u);
  EXPECT_EQ(pts[0].values, (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(pts[1].values, (std::vector<std::string>{"1", "y"})); // the last parameter varies fastest
  EXPECT_EQ(pts[5].values, (std::vector<std::string>{"2", "z"}));
  SweepSpec z = parse("design: zip\nparameters:\n  a: [1, 2]\n  b: [x, y]\n");
  pts = expand_design(z);
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[1].values, (std::vector<std::string>{"2", "y"}));

  SweepSpec lhs = parse("design: latin_hypercube\nsamples: 10\nparameters:\n  a: {from: 0, to: 1}\n  b: "
                        "{from: 10s, to: 20s}\n");
  pts = expand_design(lhs);
  ASSERT_EQ(pts.size(), 10u);
  std::set<int> a_strata, b_strata;
  for (const auto& p : pts) {
    a_strata.insert(static_cast<int>(std::stod(p.values[0]) * 10));
    b_strata.insert(static_cast<int>(std::stod(p.values[1]) - 10));
    EXPECT_EQ(p.values[1].back(), 's');
  }
  EXPECT_EQ(a_strata.size(), 10u) << "one sample in each tenth";
  EXPECT_EQ(b_strata.size(), 10u);
  EXPECT_EQ(expand_design(lhs)[3].values, pts[3].values) << "seeded";
  SweepSpec other = parse("design: latin_hypercube\nsamples: 10\nsample_seed: 2\nparameters:\n  a: {from: 0, "
                          "to: 1}\n  b: {from: 10s, to: 20s}\n");
  EXPECT_NE(expand_design(other)[3].values, pts[3].values);
  SweepSpec rnd = parse("design: random\nsamples: 50\nparameters:\n  a: [p, q]\n");
  std::set<std::string> seen;
  for (const auto& p : expand_design(rnd)) seen.insert(p.values[0]);
  EXPECT_EQ(seen.size(), 2u);
}

TEST(SweepValues, InSiUnits) {
  EXPECT_DOUBLE_EQ(si_number("7d"), 7 * 86400.0);
  EXPECT_DOUBLE_EQ(si_number("25k"), 25000.0);
  EXPECT_DOUBLE_EQ(si_number("34%"), 0.34);
  EXPECT_DOUBLE_EQ(si_number("$98/h"), 98.0);
  EXPECT_DOUBLE_EQ(si_number("100Gbps"), 12.5e9);
  EXPECT_TRUE(std::isnan(si_number("migrate")));
}
