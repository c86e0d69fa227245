#pragma once
// results.csv: the tidy table of a run, its replications, its responses or a sweep: one row per
// simulation (point x seed x response) and job, with every numeric field of the job's summary.json as a
// column (docs/outputs.md). And the statistics per point of a sweep for results.json.
#include "output/result_json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace riftsim {

/// One simulation's summary.json with the values of the columns that come before the job's
/// (a sweep's point and parameters, the seed, the response).
struct TidyRun {
  std::vector<std::string> labels;
  const ojson* summary = nullptr;
};

/// The CSV text: `label_columns`, then job, status, then every numeric field of a job's summary by its
/// dotted path (`cost_usd.compute`) in the order it first appears; a field a row lacks (a stranded
/// job's time lost) is empty. Lists (tenures, transfers) are left out.
std::string results_csv(const std::vector<std::string>& label_columns, const std::vector<TidyRun>& runs);

/// A label column's text for a number: the shortest text that reads back as the same double; empty for
/// NaN.
std::string csv_number(double v);

/// Statistics of each job's numeric fields over `summaries` (one per seed): per field n, mean, stddev,
/// median, p95, ci95_low, ci95_high, missing (as replications.json, without the values).
ojson job_statistics(const std::vector<const ojson*>& summaries);

} // namespace riftsim
