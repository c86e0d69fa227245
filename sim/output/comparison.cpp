#include "output/comparison.hpp"

#include "core/units.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace riftsim {

ojson comparison_json(const std::vector<std::pair<std::string, ojson>>& runs) {
  ojson rows = ojson::array();
  for (const auto& [label, summary] : runs)
    for (const auto& [job, j] : summary.at("jobs").items())
      rows.push_back({{"run", label},
                      {"job", job},
                      {"status", j.at("status")},
                      {"wall_time_s", j.at("wall_time_s")},
                      {"baseline_wall_time_s", j.at("baseline_wall_time_s")},
                      {"time_lost_s", j.at("time_lost_s")},
                      {"time_lost_breakdown_s", j.at("time_lost_breakdown_s")},
                      {"cost_usd", j.at("cost_usd")},
                      {"energy_kwh", j.at("energy_kwh")},
                      {"clusters", j.at("clusters")}});
  return {{"schema_version", 1}, {"rows", rows}};
}

std::string comparison_text(const ojson& c) {
  // Parts that are non-zero in at least one row get a column.
  std::vector<std::string> parts;
  for (const auto& row : c.at("rows"))
    if (row.at("time_lost_breakdown_s").is_object())
      for (const auto& [part, v] : row.at("time_lost_breakdown_s").items())
        if (std::fabs(v.get<double>()) >= 1 && std::find(parts.begin(), parts.end(), part) == parts.end())
          parts.push_back(part);
  std::string out = fmt::format("\n{:<28} {:>9} {:>9}", "run · job", "wall", "lost");
  for (const auto& p : parts) out += fmt::format(" {:>10}", p.substr(0, 10));
  out += fmt::format(" {:>9} {:>9} {:>9} {:>9}\n", "compute", "egress", "total $", "energy");
  for (const auto& row : c.at("rows")) {
    std::string label = row.at("run").get<std::string>() + " · " + row.at("job").get<std::string>();
    auto days = [](const ojson& v) {
      if (v.is_null()) return std::string("—");
      double s = v.get<double>();
      if (std::fabs(s) < 0.05) return std::string("0");
      std::string text = s < 0 ? "-" : "";
      text += format_duration(Seconds(std::fabs(s)));
      return text;
    };
    out += fmt::format("{:<28} {:>9} {:>9}", label.substr(0, 28),
                       row.at("status") == "finished" ? days(row.at("wall_time_s")) : std::string("stranded"),
                       days(row.at("time_lost_s")));
    for (const auto& p : parts) {
      const ojson& b = row.at("time_lost_breakdown_s");
      out += fmt::format(" {:>10}", b.is_object() && b.contains(p) ? days(b.at(p)) : std::string("—"));
    }
    const ojson& cost = row.at("cost_usd");
    out += fmt::format(" {:>9} {:>9} {:>9} {:>9}\n", format_usd(Usd(cost.at("compute"))),
                       format_usd(Usd(cost.at("egress"))), format_usd(Usd(cost.at("total"))),
                       format_si(row.at("energy_kwh").get<double>() * 1000, "Wh"));
  }
  return out;
}

} // namespace riftsim
