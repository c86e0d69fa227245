#pragma once
#include <string>

namespace riftsim {

/// Sets up spdlog for a simulation: every line carries the simulated time and the actor's name.
/// `level` is one of spdlog's names (trace, debug, info, warn, error, critical, off).
void setup_sim_logging(const std::string& level);

/// Quiets SimGrid's own XBT logging unless the user asked for it with --log=... on the command line.
void quiet_simgrid_logging(int argc, char** argv);

} // namespace riftsim
