#pragma once
// events.csv and trace.json: the run's timeline, for spreadsheets and for trace viewers (Perfetto,
// chrome://tracing). Both documented in docs/outputs.md.
#include "accounting/run_log.hpp"
#include "output/result_json.hpp"

#include <string>

namespace riftsim {

/// One row per event, ordered by time: time_s,job,provider,cluster,event,progress,detail
std::string events_csv(const RunLog& log);

/// Chrome/Perfetto trace: one process "jobs" with a thread per job, one "providers" with a thread per
/// provider; spans as complete events ("X"), events as instants ("i"). Times in microseconds.
ojson trace_json(const RunLog& log, const std::string& scenario);

} // namespace riftsim
