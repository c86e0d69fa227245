#pragma once
// The inputs of each point of a sweep: the scenario, platform and workload files read once, and for each
// point those the point changes parsed again with its values put in at their paths. A value the loaders
// or the cross-file checks refuse is reported at the sweep file, at the parameter that set it.
#include "config/loaders.hpp"
#include "sweep/sweep_spec.hpp"

#include <array>
#include <cstdint>
#include <yaml-cpp/yaml.h>

namespace riftsim {

class SweepInputs {
public:
  /// Reads the scenario and the files it names, and fills each parameter's `base` (the value the inputs
  /// give at its path). A path that does not reach a value (or a mapping to add its key to) is an
  /// InputError at the parameter.
  explicit SweepInputs(SweepSpec& spec);

  /// The inputs with the point's values in force, checked as `riftsim run` checks them (check_inputs
  /// and check_start_allocations). Throws InputError at the sweep file.
  Inputs point(const SweepPoint& p) const;
  /// The inputs as the files give them.
  const Inputs& base() const { return base_; }
  /// A hash of the three files' texts: a resumed sweep must run on the same inputs.
  std::uint64_t inputs_hash() const { return hash_; }

private:
  const SweepSpec& spec_;
  Inputs base_;
  ScenarioSpec scenario_as_written_; // before every_job gives its placement to the workload's jobs
  std::array<std::string, 3> file_;  // per InputDocument
  std::array<YAML::Node, 3> tree_;   // the parsed files
  std::uint64_t hash_ = 0;
};

/// The value of a text in SI units (seconds, bytes, bytes/s, FLOP, FLOP/s, W, USD, USD/h, ...), for the
/// numeric columns of results: the first of riftsim's unit parsers that reads it; NaN if none does.
double si_number(const std::string& text);

} // namespace riftsim
