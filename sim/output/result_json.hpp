#pragma once
// JSON forms of results. run_result_* is the private exchange format between a `riftsim simulate`
// child and its parent; summary_json is the public, documented output (docs/outputs.md).
#include "accounting/run_result.hpp"
#include "output/atomic_files.hpp" // write_file_atomically, for the callers of these

#include <nlohmann/json.hpp>
#include <string>

namespace riftsim {

using ojson = nlohmann::ordered_json;

inline constexpr int kSummarySchemaVersion = 3;

ojson run_result_to_json(const RunResult& r);
RunResult run_result_from_json(const ojson& j);

struct ScenarioInfo {
  std::string name;
  std::string description;
  std::string file;
  std::string platform;
  std::string workload;
};

/// The summary of a run: per job, the run with events next to its baseline without them.
ojson summary_json(const ScenarioInfo& scenario, const RunResult& with_events, const RunResult& baseline);

} // namespace riftsim
