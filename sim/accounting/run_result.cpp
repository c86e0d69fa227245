#include "accounting/run_result.hpp"

namespace riftsim {

const char* status_name(JobStatus s) {
  switch (s) {
  case JobStatus::Finished:
    return "finished";
  case JobStatus::Stranded:
    return "stranded";
  case JobStatus::NoProgress:
    return "no_progress";
  }
  return "?";
}

std::optional<JobStatus> status_from_name(const std::string& name) {
  for (JobStatus s : {JobStatus::Finished, JobStatus::Stranded, JobStatus::NoProgress})
    if (name == status_name(s)) return s;
  return std::nullopt;
}

const JobResult* RunResult::find(const std::string& job) const {
  for (const auto& j : jobs)
    if (j.name == job) return &j;
  return nullptr;
}

} // namespace riftsim
