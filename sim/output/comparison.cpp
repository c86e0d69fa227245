#include "output/comparison.hpp"

#include "core/units.hpp"
#include "output/text_table.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <set>

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
                      {"disruption_s", j.at("disruption_s")},
                      {"hardware_effect_s", j.at("hardware_effect_s")},
                      {"time_lost_breakdown_s", j.at("time_lost_breakdown_s")},
                      {"cost_usd", j.at("cost_usd")},
                      {"energy_kwh", j.at("energy_kwh")},
                      {"clusters", j.at("clusters")}});
  ojson portfolio = ojson::object();
  for (const auto& [label, summary] : runs)
    if (summary.contains("portfolio")) portfolio[label] = summary.at("portfolio");
  return {{"schema_version", 3}, {"rows", rows}, {"portfolio", portfolio}};
}

std::string comparison_text(const ojson& c) {
  const ojson& rows = c.at("rows");
  // A column of durations: every value in the unit its largest value calls for.
  auto duration_column = [&](const std::function<const ojson*(const ojson&)>& get) {
    double largest = 0;
    for (const auto& row : rows)
      if (const ojson* v = get(row); v && v->is_number())
        largest = std::max(largest, std::fabs(v->get<double>()));
    DurationUnit unit = duration_unit_for(Seconds(largest));
    std::vector<std::string> cells;
    for (const auto& row : rows) {
      const ojson* v = get(row);
      cells.push_back(v && v->is_number() ? format_duration_in(Seconds(v->get<double>()), unit) : "—");
    }
    return cells;
  };
  auto field = [](const char* key) {
    return [key](const ojson& row) -> const ojson* { return row.contains(key) ? &row.at(key) : nullptr; };
  };
  // Parts that are not negligible in at least one row get a column, in the breakdown's own order
  // (every summary lists every part), whichever row has them first.
  std::vector<std::string> order;
  std::set<std::string> shown;
  for (const auto& row : rows)
    if (row.at("time_lost_breakdown_s").is_object())
      for (const auto& [part, v] : row.at("time_lost_breakdown_s").items()) {
        if (std::find(order.begin(), order.end(), part) == order.end()) order.push_back(part);
        if (std::fabs(v.get<double>()) >= 1) shown.insert(part);
      }
  std::vector<std::string> parts;
  for (const auto& part : order)
    if (shown.count(part)) parts.push_back(part);

  std::vector<std::string> headers = {"run · job", "wall", "lost", "disruption"};
  std::vector<std::vector<std::string>> columns;
  std::vector<std::string> labels;
  for (const auto& row : rows) {
    std::string label = row.at("run").get<std::string>() + " · " + row.at("job").get<std::string>();
    if (row.at("status") != "finished") label += " (" + row.at("status").get<std::string>() + ")";
    labels.push_back(label);
  }
  columns.push_back(labels);
  columns.push_back(duration_column(field("wall_time_s")));
  columns.push_back(duration_column(field("time_lost_s")));
  columns.push_back(duration_column(field("disruption_s")));
  for (const auto& p : parts) {
    headers.push_back(p);
    columns.push_back(duration_column([&p](const ojson& row) -> const ojson* {
      const ojson& b = row.at("time_lost_breakdown_s");
      return b.is_object() && b.contains(p) ? &b.at(p) : nullptr;
    }));
  }
  // Money and energy columns: every value in the scale of the column's largest ($0.0k beside $706.1k).
  auto scaled_column = [&](const std::function<double(const ojson&)>& get,
                           const std::function<std::string(double, double)>& format) {
    double largest = 0;
    for (const auto& row : rows) largest = std::max(largest, std::fabs(get(row)));
    std::vector<std::string> cells;
    for (const auto& row : rows) cells.push_back(format(get(row), largest));
    return cells;
  };
  auto money = [](double v, double largest) { return format_usd_as(Usd(v), Usd(largest)); };
  for (const char* part : {"compute", "egress", "total"}) {
    headers.push_back(std::string(part) + " $");
    columns.push_back(
        scaled_column([part](const ojson& row) { return row.at("cost_usd").at(part).get<double>(); }, money));
  }
  headers.push_back("energy");
  columns.push_back(scaled_column([](const ojson& row) { return row.at("energy_kwh").get<double>() * 1000; },
                                  [](double v, double largest) { return format_si_as(v, largest, "Wh"); }));

  TextTable table(headers);
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> cells;
    for (const auto& col : columns) cells.push_back(col[r]);
    table.add_row(cells);
  }
  return table.render();
}

} // namespace riftsim
