#include "output/replications.hpp"

#include "accounting/stats.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "output/text_table.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

namespace riftsim {
namespace {

/// Every numeric field of a job's summary, by its dotted path ("cost_usd.compute"); lists (tenures,
/// transfers, ...) are per-run details and are left out. Null fields (a stranded job's time lost) are
/// absent.
void numeric_fields(const ojson& node, const std::string& prefix, std::map<std::string, double>& out) {
  if (node.is_number()) {
    out[prefix] = node.get<double>();
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items())
      numeric_fields(value, prefix.empty() ? key : prefix + "." + key, out);
  }
}

ojson describe_json(const std::vector<double>& values, int missing) {
  Stats st = describe(values);
  return {{"n", st.n},       {"mean", st.mean},         {"stddev", st.stddev},       {"median", st.median},
          {"p95", st.p95},   {"ci95_low", st.ci95_low}, {"ci95_high", st.ci95_high}, {"missing", missing},
          {"values", values}};
}

} // namespace

ojson replications_json(const std::vector<ojson>& summaries, const std::vector<std::uint64_t>& seeds) {
  ojson jobs = ojson::object();
  for (const auto& [name, first] : summaries.at(0).at("jobs").items()) {
    // The union of the fields over the seeds: a field null in some (stranded) is missing there.
    std::vector<std::map<std::string, double>> per_seed(summaries.size());
    std::set<std::string> fields;
    for (size_t i = 0; i < summaries.size(); ++i) {
      numeric_fields(summaries[i].at("jobs").at(name), "", per_seed[i]);
      for (const auto& [field, v] : per_seed[i]) fields.insert(field);
    }
    ojson metrics = ojson::object();
    for (const auto& field : fields) {
      std::vector<double> values;
      int missing = 0;
      for (const auto& seed : per_seed) {
        auto it = seed.find(field);
        if (it != seed.end())
          values.push_back(it->second);
        else
          ++missing;
      }
      metrics[field] = describe_json(values, missing);
    }
    jobs[name] = metrics;
  }
  return {{"schema_version", kReplicationsSchemaVersion},
          {"scenario", summaries.at(0).at("scenario").at("name")},
          {"replications", summaries.size()},
          {"seeds", seeds},
          {"jobs", jobs}};
}

std::string replications_text(const ojson& r) {
  // The headline metrics; replications.json has every field.
  static const std::vector<std::pair<const char*, const char*>> kShown = {
      {"wall_time_s", "wall time"},      {"time_lost_s", "time lost"},  {"disruption_s", "disruption"},
      {"hardware_effect_s", "hardware"}, {"goodput", "goodput"},        {"cost_usd.total", "cost"},
      {"energy_kwh", "energy"},          {"failures", "node failures"}, {"job_failures", "job failures"},
      {"interruptions", "interruptions"}};
  std::string out =
      fmt::format("\n{} replications (seeds {}..{}): mean, its 95% confidence interval, median, "
                  "95th percentile\n",
                  r.at("replications").get<int>(), r.at("seeds").front().get<std::uint64_t>(),
                  r.at("seeds").back().get<std::uint64_t>());
  for (const auto& [name, metrics] : r.at("jobs").items()) {
    TextTable table({"job " + name, "mean", "95% CI", "median", "p95"});
    for (const auto& [metric, label] : kShown) {
      if (!metrics.contains(metric)) continue;
      const ojson& s = metrics.at(metric);
      if (s.at("n").get<int>() == 0) continue;
      std::string m = metric;
      // Counts cannot be negative: the interval of their mean is shown from 0 (replications.json keeps
      // Student's t as computed).
      bool count = m == "failures" || m == "job_failures" || m == "interruptions";
      double low = count ? std::max(0.0, s.at("ci95_low").get<double>()) : s.at("ci95_low").get<double>();
      // One unit for the whole row (not 58.3 min beside 2.1 h): the one its largest value takes.
      double largest = 0;
      for (double v : {s.at("mean").get<double>(), low, s.at("ci95_high").get<double>(),
                       s.at("median").get<double>(), s.at("p95").get<double>()})
        largest = std::max(largest, std::fabs(v));
      if (largest == 0 && m != "cost_usd.total") continue; // nothing in any seed (no node failure, ...)
      const DurationUnit unit = duration_unit_for(Seconds(largest));
      auto show = [&m, count, unit, largest](double v) {
        if (m.ends_with("_s")) return format_duration_in(Seconds(v), unit);
        if (m.starts_with("cost_usd")) return format_usd_as(Usd(v), Usd(largest));
        if (m == "energy_kwh") return format_si_as(v * 1e3, largest * 1e3, "Wh"); // as a single run prints it
        if (count) // whole counts as counts (2,724, 1); a mean of a few events keeps its decimal (1.5)
          return largest >= 100 || v == std::floor(v)
                     ? grouped(static_cast<size_t>(std::llround(std::max(0.0, v))))
                     : fmt::format("{:.1f}", v);
        return fmt::format("{:.3f}", v); // goodput, a fraction
      };
      table.add_row({"  " + std::string(label), show(s.at("mean")),
                     fmt::format("[{}, {}]", show(low), show(s.at("ci95_high"))), show(s.at("median")),
                     show(s.at("p95"))});
    }
    out += table.render();
  }
  return out;
}

} // namespace riftsim
