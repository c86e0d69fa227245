#include "accounting/stats.hpp"
#include "core/random.hpp"
#include "core/units.hpp"
#include "model/checkpoint_math.hpp"
#include "output/replications.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

TEST(Stats, MeanMedianP95AndStudentInterval) {
  Stats s = describe({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_DOUBLE_EQ(s.median, 3);
  EXPECT_DOUBLE_EQ(s.p95, 4.8);
  EXPECT_NEAR(s.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(s.ci95_high - s.mean, 2.776 * std::sqrt(2.5) / std::sqrt(5.0), 1e-9);
  EXPECT_NEAR(t975(1000), 1.9623, 1e-3);
  EXPECT_NEAR(t975(40), 2.021, 1e-3);
}

TEST(Random, SameSeedSameStreamAndTheRightMeans) {
  Random a(7), b(7);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.uniform(), b.uniform());
  Random r(1);
  double sum_exp = 0, sum_weib = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    sum_exp += r.exponential(10);
    sum_weib += r.weibull(0.7, 10);
  }
  EXPECT_NEAR(sum_exp / n, 10, 0.1);
  EXPECT_NEAR(sum_weib / n, 10, 0.15);
  EXPECT_NE(stream_seed(1, "a/b/c"), stream_seed(1, "a/b/d"));
}

TEST(CheckpointMath, YoungAndDalyIntervals) {
  // δ = 60 s, M = 10 h: Young sqrt(2·60·36000) = 2078.5 s; Daly's correction is small at δ/M this low.
  EXPECT_NEAR(young_interval(Seconds(60), Seconds(36000)).raw(), 2078.46, 0.01);
  double daly = daly_interval(Seconds(60), Seconds(36000)).raw();
  EXPECT_GT(daly, 2078.46 - 60);
  EXPECT_LT(daly, 2078.46 + 30);
  EXPECT_DOUBLE_EQ(daly_interval(Seconds(100), Seconds(40)).raw(), 40); // δ ≥ 2M
  // With no failures (M → ∞) the first-order wall time is compute plus checkpoints.
  EXPECT_NEAR(
      daly_first_order_wall(Seconds(36000), Seconds(3600), Seconds(10), Seconds(0), Seconds(1e30)).raw(),
      36100, 1e-6);
}

// A row of replication statistics reads in one unit, the one its largest value takes: not "58.3 min"
// beside "2.1 h", nor "950 kWh" beside "1.2 MWh".
TEST(Stats, AReplicationRowShowsAllItsValuesInOneUnit) {
  auto row = [](double mean, double low, double high, double median, double p95) {
    return ojson{{"n", 10},           {"mean", mean},     {"ci95_low", low},
                 {"ci95_high", high}, {"median", median}, {"p95", p95}};
  };
  ojson r = {{"replications", 10},
             {"seeds", {1, 10}},
             {"jobs",
              {{"gpt4",
                {{"time_lost_s", row(3500, 3000, 4000, 3400, 7560)},
                 {"energy_kwh", row(950, 900, 1000, 940, 1200)}}}}}};
  std::string text = replications_text(r);
  // A table: a column each for the mean, its interval, the median and the 95th percentile, right-aligned.
  EXPECT_NE(text.find("job gpt4         mean                95% CI    median       p95\n"
                      "  time lost     1.0 h        [0.8 h, 1.1 h]     0.9 h     2.1 h\n"
                      "  energy     0.95 MWh  [0.90 MWh, 1.00 MWh]  0.94 MWh  1.20 MWh\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(format_si_as(3e8, 4e9, "Wh"), "0.30 GWh");
  EXPECT_EQ(format_si_as(47e9, 47e9, "Wh"), "47.0 GWh"); // not "47 GWh" beside "41.9 GWh"
  EXPECT_EQ(format_si(523e9, "Wh"), "523 GWh");
}
