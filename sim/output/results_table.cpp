#include "output/results_table.hpp"

#include "accounting/stats.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>

namespace riftsim {
namespace {

/// Every numeric field under `node` by its dotted path, in document order.
void numeric_fields(const ojson& node, const std::string& prefix,
                    std::vector<std::pair<std::string, double>>& out) {
  if (node.is_number()) {
    out.emplace_back(prefix, node.get<double>());
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items())
      numeric_fields(value, prefix.empty() ? key : prefix + "." + key, out);
  }
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

} // namespace

std::string csv_number(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{}", v);
}

std::string results_csv(const std::vector<std::string>& label_columns, const std::vector<TidyRun>& runs) {
  struct Row {
    const TidyRun* run;
    std::string job, status;
    std::map<std::string, double> values;
  };
  std::vector<Row> rows;
  std::vector<std::string> metrics;
  std::map<std::string, size_t> seen;
  for (const auto& run : runs) {
    for (const auto& [name, job] : run.summary->at("jobs").items()) {
      Row row{&run, name, job.value("status", ""), {}};
      std::vector<std::pair<std::string, double>> fields;
      numeric_fields(job, "", fields);
      for (const auto& [field, v] : fields) {
        if (seen.emplace(field, metrics.size()).second) metrics.push_back(field);
        row.values[field] = v;
      }
      rows.push_back(std::move(row));
    }
  }
  std::string out;
  for (const auto& c : label_columns) out += csv_field(c) + ",";
  out += "job,status";
  for (const auto& m : metrics) {
    out += ',';
    out += csv_field(m);
  }
  out += "\n";
  for (const auto& row : rows) {
    for (const auto& l : row.run->labels) out += csv_field(l) + ",";
    out += csv_field(row.job);
    out += ',';
    out += csv_field(row.status);
    for (const auto& m : metrics) {
      auto it = row.values.find(m);
      out += ',';
      if (it != row.values.end()) out += csv_number(it->second);
    }
    out += "\n";
  }
  return out;
}

ojson job_statistics(const std::vector<const ojson*>& summaries) {
  ojson jobs = ojson::object();
  if (summaries.empty()) return jobs;
  for (const auto& [name, first] : summaries.front()->at("jobs").items()) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> values;
    for (const ojson* s : summaries) {
      std::vector<std::pair<std::string, double>> fields;
      numeric_fields(s->at("jobs").at(name), "", fields);
      for (const auto& [field, v] : fields) {
        auto [it, fresh] = values.try_emplace(field);
        if (fresh) order.push_back(field);
        it->second.push_back(v);
      }
    }
    ojson metrics = ojson::object();
    for (const auto& field : order) {
      const auto& v = values[field];
      Stats st = describe(v);
      metrics[field] = {{"n", st.n},
                        {"mean", st.mean},
                        {"stddev", st.stddev},
                        {"median", st.median},
                        {"p95", st.p95},
                        {"ci95_low", st.ci95_low},
                        {"ci95_high", st.ci95_high},
                        {"missing", static_cast<int>(summaries.size() - v.size())}};
    }
    jobs[name] = std::move(metrics);
  }
  return jobs;
}

} // namespace riftsim
