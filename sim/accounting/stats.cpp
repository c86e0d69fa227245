#include "accounting/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace riftsim {

double t975(int df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return 0;
  if (df <= 30) return table[df - 1];
  // Cornish-Fisher expansion around the normal quantile; within 1e-3 of the exact value above 30.
  const double z = 1.959964;
  double d = df;
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

Stats describe(std::vector<double> v) {
  Stats s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / s.n;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.stddev = s.n > 1 ? std::sqrt(ss / (s.n - 1)) : 0;
  auto quantile = [&](double q) {
    double pos = q * (s.n - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  };
  s.median = quantile(0.5);
  s.p95 = quantile(0.95);
  double half = s.n > 1 ? t975(s.n - 1) * s.stddev / std::sqrt(static_cast<double>(s.n)) : 0;
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  return s;
}

} // namespace riftsim
