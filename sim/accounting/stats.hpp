#pragma once
// Summary statistics of replications: mean, median, 95th percentile and a 95% confidence interval of the
// mean (Student's t), as researchers report Monte Carlo results.
#include <vector>

namespace riftsim {

struct Stats {
  int n = 0;
  double mean = 0;
  double stddev = 0; // sample standard deviation (n - 1)
  double median = 0;
  double p95 = 0;      // linear interpolation between order statistics
  double ci95_low = 0; // mean ± t(0.975, n-1) · stddev / sqrt(n); equal to the mean when n = 1
  double ci95_high = 0;
};

Stats describe(std::vector<double> values);

/// Quantile of Student's t distribution at 0.975 for `df` degrees of freedom.
double t975(int df);

} // namespace riftsim
