#pragma once
// The capacity planner's outputs (docs/outputs.md): jobs.csv (one row per job), utilization.csv (per
// cluster per bucket), queue.csv (per bucket), and the portfolio section of summary.json.
#include "accounting/run_result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace riftsim {

using ojson = nlohmann::ordered_json;

/// One row per job, from the run's summary.json (so that both say the same).
std::string jobs_csv(const ojson& summary);
std::string utilization_csv(const RunResult& run);
std::string queue_csv(const RunResult& run);
/// The whole portfolio: makespan, waits, slowdowns, deadlines, cost per provider and project,
/// reservations, utilization per cluster. `jobs` is summary.json's jobs object.
ojson portfolio_json(const RunResult& run, const ojson& jobs);
/// The portfolio in a few lines, for the terminal.
std::string portfolio_text(const ojson& portfolio);
/// Responses side by side at the portfolio's scale: one row per response (summary.json's portfolio).
std::string portfolio_comparison_text(const std::vector<std::pair<std::string, ojson>>& runs);

} // namespace riftsim
