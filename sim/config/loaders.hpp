#pragma once
// Reading the three input files into the plain model. Every function throws InputError (with the
// file, line and column) on anything it cannot accept; nothing half-loaded ever escapes.
#include "model/platform.hpp"
#include "model/scenario.hpp"
#include "model/workload.hpp"

#include <string>

namespace riftsim {

PlatformSpec load_platform(const std::string& path);
WorkloadSpec load_workload(const std::string& path);
ScenarioSpec load_scenario(const std::string& path); // platform/workload paths resolved against its folder

// The same from text, for tests; `name` stands for the file name in messages.
PlatformSpec parse_platform(const std::string& text, const std::string& name);
WorkloadSpec parse_workload(const std::string& text, const std::string& name);
ScenarioSpec parse_scenario(const std::string& text, const std::string& name);

/// Everything one run needs, loaded and checked against each other.
struct Inputs {
  PlatformSpec platform;
  WorkloadSpec workload;
  ScenarioSpec scenario;
};

Inputs load_inputs(const std::string& scenario_path);
/// Gives each workload job the scenario does not list by name the scenario's `every_job` placement.
void place_every_job(Inputs& in);
/// Cross-file checks: placements name real jobs and clusters, jobs fit, targets are reachable.
void check_inputs(const Inputs& in);

/// How many responses are compared side by side (the longest list among the jobs; 1 if none).
size_t response_variants(const ScenarioSpec& s);
/// Puts each job's k-th listed response in force (or its last, if it lists fewer).
void select_response_variant(ScenarioSpec& s, size_t k);
/// The name of variant k: the names of the responses in force, joined by '+' where they differ.
std::string response_variant_name(const ScenarioSpec& s, size_t k);

/// Kind of a YAML input file, from its top-level keys (for `riftsim validate`).
enum class FileKind { Platform, Workload, Scenario };
FileKind detect_kind(const std::string& path);

} // namespace riftsim
