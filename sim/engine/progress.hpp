#pragma once
// A progress line on stderr for long runs, driven by the job runners' own checkpoints so that it adds
// no simulation events (results must not depend on whether a terminal is watching).
#include <chrono>
#include <string>

namespace riftsim {

class ProgressLine {
public:
  explicit ProgressLine(bool enabled) : enabled_(enabled), start_(Clock::now()), last_(start_) {}
  bool enabled() const { return enabled_; }
  /// Called often; prints at most four times a second, and only once the run has taken 2 s.
  void update(double simulated_s, const std::string& what);
  /// Ends the line if anything was printed.
  void finish();

private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool printed_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
};

} // namespace riftsim
