#include "engine/watchdog.hpp"

#include "engine/sg_compat.hpp"

#include <fmt/format.h>

namespace riftsim {

void Watchdog::tick(const char* where) {
  double now = simgrid::s4u::Engine::get_clock();
  if (now != instant_) {
    instant_ = now;
    ticks_ = 0;
    return;
  }
  if (++ticks_ <= kMaxTicksPerInstant) return;
  std::string why =
      fmt::format("the simulation stopped making progress at t = {:.3f} s: {} went round {} times "
                  "without the simulated clock moving (a bug, or inputs that make a step take no time)",
                  now, where, ticks_);
  fail(why);
}

void Watchdog::fail(const std::string& reason) {
  reason_ = reason;
  // Ending every actor lets Engine::run() return; simulate() reports the reason.
  simgrid::s4u::Actor::kill_all();
  simgrid::s4u::this_actor::exit();
  throw std::logic_error("unreachable: this_actor::exit() returned");
}

Watchdog& watchdog() {
  static Watchdog w;
  return w;
}

} // namespace riftsim
