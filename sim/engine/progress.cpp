#include "engine/progress.hpp"

#include "core/units.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace riftsim {

void ProgressLine::update(double simulated_s, const std::string& what) {
  if (!enabled_) return;
  auto now = Clock::now();
  if (now - start_ < std::chrono::seconds(2) || now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  printed_ = true;
  std::fprintf(stderr, "\r\033[Kriftsim: simulated day %.1f  %s", simulated_s / kSecondsPerDay, what.c_str());
  std::fflush(stderr);
}

void ProgressLine::finish() {
  if (printed_) std::fprintf(stderr, "\r\033[K");
  printed_ = false;
}

} // namespace riftsim
