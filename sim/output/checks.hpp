#pragma once
// Result checks for CI: the scenario's expectations, and comparison against golden results.
#include "model/expectation.hpp"
#include "output/result_json.hpp"

#include <set>
#include <string>
#include <vector>

namespace riftsim {

struct ExpectationResult {
  const Expectation* expectation = nullptr;
  bool passed = false;
  bool found = false; // the field exists and is a number
  double actual = 0;
};

std::vector<ExpectationResult> check_expectations(const std::vector<Expectation>& expectations,
                                                  const ojson& summary);
ojson expectations_json(const std::vector<ExpectationResult>& results);

/// The numeric fields of a job in summary.json, as dotted paths under `jobs.<job>.` ("time_lost_s",
/// "cost_usd.total", ...): read from a summary written for a made-up finished job, so that they are the
/// writer's own and cannot drift from it.
const std::set<std::string>& job_summary_fields();
/// Refuses (InputError at the expectation) an expectation on a job field summary.json does not have,
/// with the closest field name: `validate` and `run` find a typo before anything runs.
void check_expectation_fields(const std::vector<Expectation>& expectations);

/// One difference between a result and its golden copy, e.g. "summary.json: jobs.x.time_lost_s: 3 != 4".
struct Difference {
  std::string file;
  std::string where;
  std::string message;
};

/// Compares two JSON documents field by field; numbers within a relative tolerance.
void diff_json(const ojson& result, const ojson& golden, double rtol, const std::string& file,
               std::vector<Difference>& out);
/// Compares two trace.json documents: their events matched by identity (phase, category, name, track name
/// and occurrence on that track), not by position in the list.
void diff_trace(const ojson& result, const ojson& golden, double rtol, const std::string& file,
                std::vector<Difference>& out);
/// Compares two CSV texts cell by cell; cells that are numbers on both sides within rtol.
void diff_csv(const std::string& result, const std::string& golden, double rtol, const std::string& file,
              std::vector<Difference>& out);

/// JUnit XML with one test case per compared file.
std::string junit_xml(const std::vector<std::string>& files, const std::vector<Difference>& diffs);

} // namespace riftsim
