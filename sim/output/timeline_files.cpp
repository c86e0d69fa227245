#include "output/timeline_files.hpp"

#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <tuple>
#include <vector>

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

/// Simulated seconds as whole microseconds: viewers read integers, and a span that ends where the next
/// one starts shares that boundary exactly (no overlap from rounding).
long long micros(double seconds) {
  return std::llround(seconds * kMicros);
}

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
  // Spans in the order they start (longer first on a tie, as a viewer nests them), each on the first lane
  // of its track that is free by then: a track whose spans overlap in simulated time (a job copying data
  // while it trains, two jobs' tenures at one provider) gets more lanes, "gpt4", "gpt4 #2", ..., and no
  // lane holds two spans that overlap, which viewers would drop.
  std::vector<const Span*> spans;
  for (const auto& s : log.spans) spans.push_back(&s);
  std::stable_sort(spans.begin(), spans.end(), [](const Span* a, const Span* b) {
    if (micros(a->start) != micros(b->start)) return micros(a->start) < micros(b->start);
    return micros(a->end) > micros(b->end);
  });
  // Thread ids in order of first appearance, so the file is the same for the same run.
  std::vector<std::tuple<int, std::string>> threads; // tid - 1 -> (pid, name)
  std::map<std::pair<int, std::string>, int> tids;
  auto tid = [&](int pid, const std::string& name) {
    auto [it, added] = tids.try_emplace({pid, name}, static_cast<int>(threads.size()) + 1);
    if (added) threads.emplace_back(pid, name);
    return it->second;
  };
  std::map<std::pair<int, std::string>, std::vector<long long>> lane_ends; // per track: when each lane frees
  struct Timed {
    long long ts;
    ojson event;
  };
  std::vector<Timed> timed;
  for (const Span* s : spans) {
    int pid = s->provider_track ? kProvidersPid : kJobsPid;
    long long ts = micros(s->start), end = micros(s->end);
    if (end <= ts) continue; // shorter than a microsecond: nothing to draw
    auto& ends = lane_ends[{pid, s->track}];
    size_t lane = 0;
    while (lane < ends.size() && ends[lane] > ts) ++lane;
    if (lane == ends.size()) ends.push_back(end);
    ends[lane] = end;
    std::string thread = lane == 0 ? s->track : fmt::format("{} #{}", s->track, lane + 1);
    timed.push_back({ts,
                     {{"name", span_name(s->kind)},
                      {"cat", s->provider_track ? "provider" : "job"},
                      {"ph", "X"},
                      {"pid", pid},
                      {"tid", tid(pid, thread)},
                      {"ts", ts},
                      {"dur", end - ts},
                      {"args",
                       {{"detail", s->detail},
                        {"start_day", s->start / kSecondsPerDay},
                        {"end_day", s->end / kSecondsPerDay}}}}});
  }
  for (const auto& e : log.events) {
    bool on_job = !e.job.empty();
    int pid = on_job ? kJobsPid : kProvidersPid;
    ojson args = {{"cluster", e.cluster}, {"detail", e.detail}};
    if (e.progress >= 0) args["progress"] = e.progress;
    timed.push_back({micros(e.time),
                     {{"name", event_name(e.kind)},
                      {"cat", "event"},
                      {"ph", "i"},
                      {"s", "t"},
                      {"pid", pid},
                      {"tid", tid(pid, on_job ? e.job : e.provider)},
                      {"ts", micros(e.time)},
                      {"args", args}}});
  }
  // Sorted by time (spans before instants at one time, each in the order above).
  std::stable_sort(timed.begin(), timed.end(), [](const Timed& a, const Timed& b) { return a.ts < b.ts; });
  ojson events = ojson::array();
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kJobsPid}, {"args", {{"name", "jobs"}}}});
  events.push_back(
      {{"name", "process_name"}, {"ph", "M"}, {"pid", kProvidersPid}, {"args", {{"name", "providers"}}}});
  for (size_t i = 0; i < threads.size(); ++i) {
    const auto& [pid, name] = threads[i];
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", pid},
                      {"tid", static_cast<int>(i) + 1},
                      {"args", {{"name", name}}}});
  }
  for (auto& t : timed) events.push_back(std::move(t.event));
  return {{"schema_version", 2},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"scenario", scenario}, {"time_unit", "simulated microseconds"}}},
          {"traceEvents", events}};
}

} // namespace riftsim
