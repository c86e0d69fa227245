#include "output/timeline_files.hpp"

#include "core/units.hpp"

#include <fmt/format.h>
#include <map>

namespace riftsim {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

constexpr double kMicros = 1e6;
constexpr int kJobsPid = 1;
constexpr int kProvidersPid = 2;

} // namespace

std::string events_csv(const RunLog& log) {
  std::string out = "time_s,job,provider,cluster,event,progress,detail\n";
  for (const auto& e : log.events) {
    std::string progress = e.progress < 0 ? "" : fmt::format("{:.6f}", e.progress);
    out += fmt::format("{:.3f},{},{},{},{},{},{}\n", e.time, csv_field(e.job), csv_field(e.provider),
                       csv_field(e.cluster), event_name(e.kind), progress, csv_field(e.detail));
  }
  return out;
}

ojson trace_json(const RunLog& log, const std::string& scenario) {
  // Thread ids in order of first appearance, so the file is the same for the same run.
  std::map<std::pair<int, std::string>, int> tids;
  auto tid = [&](int pid, const std::string& track) {
    auto key = std::make_pair(pid, track);
    auto it = tids.find(key);
    if (it != tids.end()) return it->second;
    int id = static_cast<int>(tids.size()) + 1;
    tids[key] = id;
    return id;
  };
  ojson events = ojson::array();
  for (const auto& s : log.spans) {
    int pid = s.provider_track ? kProvidersPid : kJobsPid;
    events.push_back(
        {{"name", span_name(s.kind)},
         {"cat", s.provider_track ? "provider" : "job"},
         {"ph", "X"},
         {"pid", pid},
         {"tid", tid(pid, s.track)},
         {"ts", s.start * kMicros},
         {"dur", (s.end - s.start) * kMicros},
         {"args", {{"detail", s.detail}, {"start_day", s.start / kSecondsPerDay}, {"end_day", s.end / kSecondsPerDay}}}});
  }
  for (const auto& e : log.events) {
    bool on_job = !e.job.empty();
    int pid = on_job ? kJobsPid : kProvidersPid;
    ojson args = {{"cluster", e.cluster}, {"detail", e.detail}};
    if (e.progress >= 0) args["progress"] = e.progress;
    events.push_back({{"name", event_name(e.kind)},
                      {"cat", "event"},
                      {"ph", "i"},
                      {"s", "t"},
                      {"pid", pid},
                      {"tid", tid(pid, on_job ? e.job : e.provider)},
                      {"ts", e.time * kMicros},
                      {"args", args}});
  }
  ojson meta = ojson::array();
  meta.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kJobsPid}, {"args", {{"name", "jobs"}}}});
  meta.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", kProvidersPid}, {"args", {{"name", "providers"}}}});
  for (const auto& [key, id] : tids)
    meta.push_back({{"name", "thread_name"},
                    {"ph", "M"},
                    {"pid", key.first},
                    {"tid", id},
                    {"args", {{"name", key.second}}}});
  for (auto& m : meta) events.push_back(m);
  return {{"schema_version", 1},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"scenario", scenario}, {"time_unit", "simulated microseconds"}}},
          {"traceEvents", events}};
}

} // namespace riftsim
