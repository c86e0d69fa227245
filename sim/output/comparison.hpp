#pragma once
// Side by side: several runs of one scenario (one per response strategy), or any result directories.
#include "output/result_json.hpp"

#include <string>
#include <vector>

namespace riftsim {

/// comparison.json: per run (its label) and job, the headline numbers of its summary.json.
ojson comparison_json(const std::vector<std::pair<std::string, ojson>>& runs);
/// One table: wall time, time lost by part, cost by part, energy; a row per run and job.
std::string comparison_text(const ojson& comparison);

} // namespace riftsim
