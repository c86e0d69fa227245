#include "output/replications.hpp"

#include "accounting/stats.hpp"
#include "core/units.hpp"

#include <fmt/format.h>

namespace riftsim {
namespace {

// metric name in replications.json, and where it is in a job of summary.json
const std::vector<std::pair<const char*, std::vector<const char*>>> kMetrics = {
    {"wall_time_s", {"wall_time_s"}},    {"time_lost_s", {"time_lost_s"}}, {"goodput", {"goodput"}},
    {"cost_usd", {"cost_usd", "total"}}, {"energy_kwh", {"energy_kwh"}},   {"failures", {"failures"}}};

const ojson* find(const ojson& job, const std::vector<const char*>& path) {
  const ojson* n = &job;
  for (const char* k : path) {
    if (!n->is_object() || !n->contains(k)) return nullptr;
    n = &(*n)[k];
  }
  return n->is_number() ? n : nullptr;
}

} // namespace

ojson replications_json(const std::vector<ojson>& summaries, const std::vector<std::uint64_t>& seeds) {
  ojson jobs = ojson::object();
  for (const auto& [name, first] : summaries.at(0).at("jobs").items()) {
    ojson metrics = ojson::object();
    for (const auto& [metric, path] : kMetrics) {
      std::vector<double> values;
      int stranded = 0;
      for (const auto& s : summaries) {
        const ojson* v = find(s.at("jobs").at(name), path);
        if (v)
          values.push_back(v->get<double>());
        else
          ++stranded;
      }
      Stats st = describe(values);
      metrics[metric] = {
          {"n", st.n},       {"mean", st.mean},         {"stddev", st.stddev},       {"median", st.median},
          {"p95", st.p95},   {"ci95_low", st.ci95_low}, {"ci95_high", st.ci95_high}, {"missing", stranded},
          {"values", values}};
    }
    jobs[name] = metrics;
  }
  return {{"schema_version", 1},
          {"scenario", summaries.at(0).at("scenario").at("name")},
          {"replications", summaries.size()},
          {"seeds", seeds},
          {"jobs", jobs}};
}

std::string replications_text(const ojson& r) {
  std::string out = fmt::format("\n{} replications (seeds {}..{}): mean [95% CI], median, p95\n",
                                r.at("replications").get<int>(), r.at("seeds").front().get<std::uint64_t>(),
                                r.at("seeds").back().get<std::uint64_t>());
  for (const auto& [name, metrics] : r.at("jobs").items()) {
    out += fmt::format("  job {}\n", name);
    for (const auto& [metric, s] : metrics.items()) {
      if (s.at("n").get<int>() == 0) continue;
      auto show = [&](double v) {
        if (metric.ends_with("_s")) return format_duration(Seconds(v));
        if (metric == "cost_usd") return format_usd(Usd(v));
        return fmt::format("{:.4g}", v);
      };
      out += fmt::format("    {:<12} {:>10} [{}, {}]  median {}  p95 {}\n", metric, show(s.at("mean")),
                         show(s.at("ci95_low")), show(s.at("ci95_high")), show(s.at("median")),
                         show(s.at("p95")));
    }
  }
  return out;
}

} // namespace riftsim
