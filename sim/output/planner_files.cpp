#include "output/planner_files.hpp"

#include "accounting/stats.hpp"
#include "core/units.hpp"
#include "output/text_table.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace riftsim {
namespace {

/// A CSV cell: names are quoted when they hold a comma or a quote (RFC 4180).
std::string cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string num(const ojson& v, const char* fmt_ = "{:.3f}") {
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_string()) return cell(v.get<std::string>());
  return fmt::format(fmt::runtime(fmt_), v.get<double>());
}

} // namespace

std::string jobs_csv(const ojson& summary) {
  std::ostringstream out;
  out << "job,project,priority,gpus,submit_s,start_s,end_s,wait_s,run_s,status,deadline_s,missed_deadline,"
         "clusters,preemptions,interruptions,time_lost_s,disruption_s,hardware_effect_s,failures_s,"
         "gpu_hours,cost_usd,energy_kwh\n";
  for (const auto& [name, j] : summary.at("jobs").items()) {
    std::string clusters;
    for (const auto& c : j.at("clusters")) {
      if (!clusters.empty()) clusters += ';';
      clusters += c.get<std::string>();
    }
    const ojson& parts = j.at("time_lost_breakdown_s");
    out << cell(name) << ',' << cell(j.at("project").get<std::string>()) << ',' << j.at("priority").get<int>()
        << ',' << j.at("gpus").get<long long>() << ',' << num(j.at("submit_s")) << ',' << num(j.at("start_s"))
        << ',' << num(j.at("end_s")) << ',' << num(j.at("wait_s")) << ',' << num(j.at("wall_time_s")) << ','
        << j.at("status").get<std::string>() << ',' << num(j.at("deadline_s")) << ','
        << num(j.at("missed_deadline")) << ',' << cell(clusters) << ',' << j.at("preemptions").get<int>()
        << ',' << j.at("interruptions").get<int>() << ',' << num(j.at("time_lost_s")) << ','
        << num(j.at("disruption_s")) << ',' << num(j.at("hardware_effect_s")) << ','
        << (parts.is_null() ? "" : num(parts.at("failures"))) << ',' << num(j.at("gpu_hours")) << ','
        << num(j.at("cost_usd").at("total"), "{:.2f}") << ',' << num(j.at("energy_kwh")) << '\n';
  }
  return out.str();
}

std::string utilization_csv(const RunResult& run) {
  std::ostringstream out;
  out << "cluster,provider,start_s,end_s,nodes,delivered_nodes,busy_nodes,idle_nodes,reserved_nodes,down_"
         "nodes,"
         "power_kw\n";
  for (const auto& u : run.utilization)
    out << cell(u.cluster) << ',' << cell(u.provider) << ','
        << fmt::format("{:.0f},{:.0f}", u.start, u.start + u.length) << ',' << u.nodes
        << fmt::format(",{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f}\n", u.delivered, u.busy,
                       std::max(0.0, u.delivered - u.busy), u.reserved, u.down, u.power_w / 1000);
  return out.str();
}

std::string queue_csv(const RunResult& run) {
  std::ostringstream out;
  out << "start_s,end_s,mean_queued_jobs,mean_queued_gpus,max_queued_jobs\n";
  for (const auto& q : run.queue)
    out << fmt::format("{:.0f},{:.0f},{:.3f},{:.1f},{}\n", q.start, q.start + q.length, q.mean_jobs,
                       q.mean_gpus, q.max_jobs);
  return out.str();
}

ojson portfolio_json(const RunResult& run, const ojson& jobs) {
  int finished = 0, missed = 0;
  std::map<std::string, int> status_count;
  std::vector<double> waits, slowdowns;
  std::vector<std::string> missing;
  double first_submit = INFINITY, last_end = 0, gpu_hours = 0, lost = 0, disruption = 0;
  std::map<std::string, double> by_provider, by_project;
  double total = 0;
  for (const JobResult& jr : run.jobs) {
    const ojson& j = jobs.at(jr.name);
    status_count[status_name(jr.status)]++;
    first_submit = std::min(first_submit, jr.submit.raw());
    last_end = std::max(last_end, jr.end.raw());
    waits.push_back(jr.wait().raw());
    if (jr.status == JobStatus::Finished) {
      finished++;
      // Bounded slowdown (Feitelson et al., JSSPP 1997): time in the system over run time, run times
      // under 10 s counted as 10 s.
      double run_s = std::max(10.0, jr.wall().raw());
      slowdowns.push_back(std::max(1.0, (jr.end - jr.submit).raw() / run_s));
    }
    if (jr.missed_deadline()) {
      missed++;
      if (missing.size() < 20) missing.push_back(jr.name);
    }
    gpu_hours += jr.ledger.gpu_hours();
    if (!j.at("time_lost_s").is_null()) {
      lost += j.at("time_lost_s").get<double>();
      disruption += j.at("disruption_s").get<double>();
    }
    for (const Tenure& t : jr.ledger.tenures) by_provider[t.provider] += t.cost().raw();
    double cost = jr.ledger.total_cost().raw();
    by_project[jr.project.empty() ? "(none)" : jr.project] += cost;
    total += cost;
  }
  ojson reservations = ojson::array();
  double reserved_cost = 0, covered = 0;
  for (const ReservationUse& r : run.reservations) {
    reservations.push_back({{"name", r.name},
                            {"cluster", r.cluster},
                            {"nodes", r.nodes},
                            {"from_s", r.from.raw()},
                            {"to_s", r.to.raw()},
                            {"price_usd_per_node_hour", r.price.raw()},
                            {"cost_usd", r.cost().raw()},
                            {"covered_usd", r.covered.raw()},
                            {"used_node_hours", r.used_node_hours},
                            {"utilization", r.utilization()}});
    reserved_cost += r.cost().raw();
    covered += r.covered.raw();
    by_provider[r.provider] += r.cost().raw() - r.covered.raw();
  }
  ojson util = ojson::object();
  std::map<std::string, std::array<double, 4>> acc; // delivered, busy, node-seconds, power x s
  for (const UtilizationRow& u : run.utilization) {
    auto& a = acc[u.cluster];
    a[0] += u.delivered * u.length;
    a[1] += u.busy * u.length;
    a[2] += u.nodes * u.length;
    a[3] += u.power_w * u.length;
  }
  double horizon = run.simulated_end.raw();
  for (const auto& [cluster, a] : acc)
    util[cluster] = {{"mean_delivered_nodes", horizon > 0 ? a[0] / horizon : 0},
                     {"mean_busy_nodes", horizon > 0 ? a[1] / horizon : 0},
                     {"busy_of_delivered", a[0] > 0 ? a[1] / a[0] : 0},
                     {"busy_of_nodes", a[2] > 0 ? a[1] / a[2] : 0},
                     {"mean_power_kw", horizon > 0 ? a[3] / horizon / 1000 : 0}};
  Stats w = describe(waits), s = describe(slowdowns);
  ojson statuses = ojson::object();
  for (const auto& [k, v] : status_count) statuses[k] = v;
  return {{"jobs", run.jobs.size()},
          {"status", statuses},
          {"makespan_s", finished > 0 || !run.jobs.empty() ? last_end - first_submit : 0},
          {"wait_s", {{"mean", w.mean}, {"median", w.median}, {"p95", w.p95}}},
          {"bounded_slowdown", {{"mean", s.mean}, {"median", s.median}, {"p95", s.p95}}},
          {"missed_deadlines", missed},
          {"jobs_missing_deadlines", missing},
          {"time_lost_s", lost},
          {"disruption_s", disruption},
          {"gpu_hours", gpu_hours},
          {"cost_usd",
           {{"total", total + reserved_cost - covered},
            {"jobs", total},
            {"reservations", reserved_cost},
            {"reservations_covered", covered},
            {"by_provider", by_provider},
            {"by_project", by_project}}},
          {"reservations", reservations},
          {"utilization", util}};
}

std::string portfolio_text(const ojson& p) {
  std::ostringstream out;
  auto days = [](double s) { return format_duration(Seconds(s)); };
  std::string statuses;
  for (const auto& [k, v] : p.at("status").items())
    statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", v.get<int>(), k);
  out << fmt::format("\nportfolio: {} jobs ({}), makespan {}\n", p.at("jobs").get<int>(), statuses,
                     days(p.at("makespan_s")));
  out << fmt::format("  wait: mean {}, p95 {}; bounded slowdown: mean {:.2f}, p95 {:.2f}\n",
                     days(p.at("wait_s").at("mean")), days(p.at("wait_s").at("p95")),
                     p.at("bounded_slowdown").at("mean").get<double>(),
                     p.at("bounded_slowdown").at("p95").get<double>());
  out << fmt::format("  deadlines missed: {}; time lost to provider events: {} over all jobs\n",
                     p.at("missed_deadlines").get<int>(), days(p.at("time_lost_s")));
  const ojson& c = p.at("cost_usd");
  out << fmt::format("  cost: {} in all", format_usd(Usd(c.at("total"))));
  for (const auto& [prov, v] : c.at("by_provider").items())
    out << fmt::format(", {} {}", prov, format_usd(Usd(v.get<double>())));
  out << "\n";
  if (c.at("reservations").get<double>() > 0)
    out << fmt::format("  reservations: {} bought, {} of on-demand use covered\n",
                       format_usd(Usd(c.at("reservations"))), format_usd(Usd(c.at("reservations_covered"))));
  for (const auto& [cluster, u] : p.at("utilization").items()) {
    if (u.at("mean_delivered_nodes").get<double>() <= 0) continue;
    out << fmt::format("  {}: {:.0f} nodes delivered on average, {:.0f}% busy\n", cluster,
                       u.at("mean_delivered_nodes").get<double>(),
                       100 * u.at("busy_of_delivered").get<double>());
  }
  return out.str();
}

std::string portfolio_comparison_text(const std::vector<std::pair<std::string, ojson>>& runs) {
  std::set<std::string> providers;
  for (const auto& [name, summary] : runs)
    for (const auto& [prov, v] : summary.at("portfolio").at("cost_usd").at("by_provider").items())
      providers.insert(prov);
  std::vector<std::string> headers = {"response", "finished",         "not finished", "makespan", "mean wait",
                                      "p95 wait", "deadlines missed", "time lost",    "total $"};
  for (const auto& p : providers) headers.push_back(fmt::format("{} $", p));
  headers.push_back("reserved $");
  // Each money column in the scale of its largest value.
  std::map<std::string, double> largest;
  auto note_largest = [&largest](const std::string& column, const ojson& v) {
    largest[column] = std::max(largest[column], std::fabs(v.get<double>()));
  };
  for (const auto& [name, summary] : runs) {
    const ojson& cost = summary.at("portfolio").at("cost_usd");
    note_largest("total", cost.at("total"));
    note_largest("reservations", cost.at("reservations"));
    for (const auto& [prov, v] : cost.at("by_provider").items()) note_largest("provider " + prov, v);
  }
  auto money = [&largest](const std::string& column, const ojson& v) {
    return format_usd_as(Usd(v), Usd(largest[column]));
  };
  // Each duration column in the unit its largest value calls for (days for a year, hours for a day).
  auto duration_unit = [&runs](const std::function<const ojson&(const ojson&)>& get) {
    double longest = 0;
    for (const auto& run : runs)
      longest = std::max(longest, std::fabs(get(run.second.at("portfolio")).get<double>()));
    return duration_unit_for(Seconds(longest));
  };
  const DurationUnit makespan_unit =
      duration_unit([](const ojson& p) -> const ojson& { return p.at("makespan_s"); });
  const DurationUnit wait_unit =
      std::max(duration_unit([](const ojson& p) -> const ojson& { return p.at("wait_s").at("mean"); }),
               duration_unit([](const ojson& p) -> const ojson& { return p.at("wait_s").at("p95"); }));
  const DurationUnit lost_unit =
      duration_unit([](const ojson& p) -> const ojson& { return p.at("time_lost_s"); });
  TextTable table(headers);
  for (const auto& [name, summary] : runs) {
    const ojson& p = summary.at("portfolio");
    int finished = p.at("status").contains("finished") ? p.at("status").at("finished").get<int>() : 0;
    const ojson& cost = p.at("cost_usd");
    std::vector<std::string> row = {name,
                                    std::to_string(finished),
                                    std::to_string(p.at("jobs").get<int>() - finished),
                                    format_duration_in(Seconds(p.at("makespan_s")), makespan_unit),
                                    format_duration_in(Seconds(p.at("wait_s").at("mean")), wait_unit),
                                    format_duration_in(Seconds(p.at("wait_s").at("p95")), wait_unit),
                                    std::to_string(p.at("missed_deadlines").get<int>()),
                                    format_duration_in(Seconds(p.at("time_lost_s")), lost_unit),
                                    money("total", cost.at("total"))};
    for (const auto& prov : providers)
      row.push_back(cost.at("by_provider").contains(prov)
                        ? money("provider " + prov, cost.at("by_provider").at(prov))
                        : "—");
    row.push_back(money("reservations", cost.at("reservations")));
    table.add_row(row);
  }
  std::string text = table.render();
  text += "time lost: summed over the jobs, against the same portfolio undisturbed; reserved: bought whether "
          "used (the use it covered is taken off its provider's column)\n";
  return text;
}

} // namespace riftsim
