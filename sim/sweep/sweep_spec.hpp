#pragma once
// A sweep file (docs/sweeps.md): a scenario, parameters named by their path in its inputs, a design that
// turns the parameters' values into points, and the seeds every point runs with (the same seeds at every
// point: common random numbers).
#include "core/input_error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

/// Which input file a parameter's path starts in.
enum class InputDocument { Scenario, Platform, Workload };
const char* document_name(InputDocument d);

/// One step of a path: a mapping key, or an index into a list.
struct PathStep {
  std::string key;
  long index = -1; // >= 0: a list index, and `key` is empty
};

/// `events[0].notice`, `workload.jobs.gpt4.mfu`, `platform.providers.aws.regions["us-east-1"].pue`.
struct ParameterPath {
  InputDocument document = InputDocument::Scenario;
  std::vector<PathStep> steps;
  std::string text; // as written in the sweep file
};
/// Parses a path; a path that is not one is an InputError at `pos`.
ParameterPath parse_parameter_path(const std::string& text, const SourcePos& pos);

/// `{from: 0d, to: 28d, step: 7d}`: numbers written with the same unit (prefix and suffix, "$", "/h",
/// "d"), which the loaders then read as they read every value.
struct ValueRange {
  std::string prefix, suffix;
  double from = 0, to = 0;
  double step = 0;    // 0 = none
  int count = 0;      // evenly spaced values from `from` to `to`; 0 = none
  bool whole = false; // values rounded to whole numbers
  bool log = false;   // sampled uniformly in log space (latin_hypercube, random)
  std::string text(double number) const;
  /// The listed values the range stands for (with a step or a count); empty if it has neither.
  std::vector<std::string> values() const;
};

struct SweepParameter {
  ParameterPath path;
  SourcePos pos;                   // the parameter's key in the sweep file
  std::vector<std::string> values; // listed, or a range's steps
  std::optional<ValueRange> range; // continuous, for latin_hypercube and random
  std::string base;                // the value in the inputs ("" where they give none)
};

enum class Design { Grid, Zip, LatinHypercube, Random, OneAtATime };
const char* design_name(Design d);

struct SweepSpec {
  std::string file;
  std::string name;
  std::string scenario; // resolved against the sweep file's folder
  SourcePos scenario_pos;
  Design design = Design::Grid;
  SourcePos design_pos;
  int samples = 0; // latin_hypercube, random
  std::uint64_t sample_seed = 1;
  std::vector<std::uint64_t> seeds;
  std::vector<SweepParameter> parameters;
  SourcePos parameters_pos;
};

/// A point: one value (text, as in the input files) per parameter, in the order of `parameters`.
struct SweepPoint {
  size_t index = 0;
  std::vector<std::string> values;
};

/// The most points a sweep may have, and the most simulations (points x seeds x responses).
constexpr size_t kMaxSweepPoints = 100000;
constexpr size_t kMaxSweepRuns = 10000000;

SweepSpec parse_sweep(const std::string& text, const std::string& file);
SweepSpec load_sweep(const std::string& path);
/// The points of the design, in order. one_at_a_time needs each parameter's `base`.
std::vector<SweepPoint> expand_design(const SweepSpec& spec);
/// Refuses a sweep of more than kMaxSweepRuns simulations: `points` x its seeds x (`variants` + 1, the
/// responses and the baseline). `riftsim validate` and `riftsim sweep` say the same.
void check_run_count(const SweepSpec& spec, size_t points, size_t variants);

} // namespace riftsim
