#pragma once
// replications.json: per job and metric, the statistics over the seeds of a `--replications N` run.
#include "output/result_json.hpp"

#include <cstdint>
#include <vector>

namespace riftsim {

/// 2: every numeric field of summary.json by its dotted path (1 had six metrics, `cost_usd` the total).
inline constexpr int kReplicationsSchemaVersion = 2;

/// `summaries` are the summary.json documents of each seed, in seed order.
ojson replications_json(const std::vector<ojson>& summaries, const std::vector<std::uint64_t>& seeds);
/// A short table of the statistics for the terminal.
std::string replications_text(const ojson& replications);

} // namespace riftsim
