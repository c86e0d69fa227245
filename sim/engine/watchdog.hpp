#pragma once
// No run may spin. SimGrid's clock only moves when every actor waits; an actor that loops without
// waiting (a zero-length segment, a wait that returns at once) keeps the simulation at one instant for
// ever. Loops that should advance the clock tick the watchdog; past kMaxTicksPerInstant ticks at one
// simulated instant it stops the whole simulation, and simulate() throws SimulationStuck (exit 3).
#include <stdexcept>
#include <string>

namespace riftsim {

class SimulationStuck : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class Watchdog {
public:
  /// More than any legitimate burst of work at one instant (every job of a portfolio deciding at once).
  static constexpr long kMaxTicksPerInstant = 1'000'000;
  /// Called from a loop of an actor at `where`; may end the calling actor and every other.
  void tick(const char* where);
  /// Stops the simulation now from inside an actor (a broken invariant): every actor ends, and
  /// simulate() throws SimulationStuck with `reason`. Exceptions must not leave an actor (SimGrid
  /// aborts the process), so actors that find a bug call this instead.
  [[noreturn]] void fail(const std::string& reason);
  /// Why the simulation was stopped, empty if it was not.
  const std::string& reason() const { return reason_; }

private:
  double instant_ = -1;
  long ticks_ = 0;
  std::string reason_;
};

/// The process's watchdog (one simulation per process).
Watchdog& watchdog();

} // namespace riftsim
