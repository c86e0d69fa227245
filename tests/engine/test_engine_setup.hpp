// A SimGrid engine for an engine test. SimGrid holds one engine per process, so each TEST runs in its own
// process (gtest_discover_tests, tests/CMakeLists.txt) and makes its engine with this.
#pragma once

#include <memory>
#include <simgrid/s4u/Engine.hpp>

namespace riftsim {

/// A fresh engine with no command-line options (SimGrid keeps a pointer to argc and argv: static).
inline std::unique_ptr<simgrid::s4u::Engine> make_test_engine() {
  static int argc = 1;
  static char arg0[] = "test";
  static char* argv[] = {arg0, nullptr};
  return std::make_unique<simgrid::s4u::Engine>(&argc, argv);
}

} // namespace riftsim
