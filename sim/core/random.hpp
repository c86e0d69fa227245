#pragma once
// Seeded randomness that gives the same numbers on every platform and library version: a 64-bit
// Mersenne Twister (specified by the standard) turned into draws by our own inverse-CDF formulas,
// since the standard's distributions may differ between library implementations.
#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace riftsim {

class Random {
public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  /// Weibull with shape k and the given mean (scale = mean / Γ(1 + 1/k)).
  double weibull(double shape, double mean) {
    double scale = mean / std::tgamma(1 + 1 / shape);
    return scale * std::pow(-std::log1p(-uniform()), 1 / shape);
  }
  /// Standard normal (Box-Muller, one of the pair).
  double normal() {
    double u1 = 1.0 - uniform(); // (0, 1]
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

private:
  std::mt19937_64 engine_;
};

/// A stable 64-bit hash (FNV-1a) to derive independent streams from one seed, e.g. one per cluster.
inline std::uint64_t stream_seed(std::uint64_t seed, std::string_view name) {
  std::uint64_t h = 1469598103934665603ull ^ (seed * 0x9E3779B97F4A7C15ull);
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace riftsim
