#pragma once
// Reading the three input files into the plain model. Every function throws InputError (with the
// file, line and column) on anything it cannot accept; nothing half-loaded ever escapes.
#include "config/input_files.hpp"
#include "model/platform.hpp"
#include "model/scenario.hpp"
#include "model/workload.hpp"

#include <string>

namespace riftsim {

PlatformSpec load_platform(const std::string& path);
WorkloadSpec load_workload(const std::string& path);
ScenarioSpec load_scenario(const std::string& path); // platform/workload paths resolved against its folder

// The same from text, for tests and fuzz targets; `name` stands for the file name in messages. The
// platform reads the files it names (catalogs, failure traces) through `read` (default: the file system).
PlatformSpec parse_platform(const std::string& text, const std::string& name, const FileReader& read = {});
WorkloadSpec parse_workload(const std::string& text, const std::string& name);
/// Reads no other file: the platform and workload paths are only resolved.
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
/// Cross-file checks: placements name real jobs and clusters, jobs fit, targets are reachable, and what
/// the run would simulate stays within the scenario's limits (check_limits).
void check_inputs(const Inputs& in);
/// Estimates what one run of the inputs would simulate (hosts, nodes, segments, activities, years of
/// compute) and refuses it above `in.scenario.limits`, at the input that asks for too much.
void check_limits(const Inputs& in);
/// A job takes whole hosts of its cluster, in order, until it has its GPUs, and a hedge also its standby's,
/// as the engine allocates (a simulated host goes to one job): refuses, for every response variant, a job
/// that could never start, and a hedge whose standby does not fit next to the jobs that start on its
/// cluster. Jobs that fit one at a time but not together wait in the scheduler's queue (not refused). Not
/// part of check_inputs: a scenario may list jobs only to explain their steps (`--explain-step`); `run` and
/// `validate` call it.
void check_start_allocations(const Inputs& in);
/// The platform alone against the host and node limits (for `platform export`, which writes every host).
void check_platform_limits(const PlatformSpec& p, const RunLimits& limits);

/// A name that becomes a folder of the results (a scenario's, a response's): letters, digits, '.', '_',
/// '-', '+', not starting with '.' or '-', at most 100 characters, not ending like a result file.
void check_folder_name(const std::string& name, const SourcePos& pos, const std::string& what);

/// How many responses are compared side by side (the longest list among the jobs; 1 if none).
size_t response_variants(const ScenarioSpec& s);
/// Puts each job's k-th listed response in force (or its last, if it lists fewer).
void select_response_variant(ScenarioSpec& s, size_t k);
/// The name of variant k: the names of the responses in force, joined by '+' where they differ.
std::string response_variant_name(const ScenarioSpec& s, size_t k);

/// Kind of a YAML input file, from its top-level keys (for `riftsim validate`).
enum class FileKind { Platform, Workload, Scenario, Sweep, AcceleratorCatalog, InstanceCatalog };
FileKind detect_kind(const std::string& path);

} // namespace riftsim
