#include "output/summary_text.hpp"

#include "core/text.hpp"
#include "core/units.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace riftsim {
namespace {

std::string days(double s) {
  return format_duration(Seconds(s));
}

std::string signed_duration(double s) {
  if (std::fabs(s) < 0.05) return "0.0 s"; // a unit beside the others', not a bare 0
  std::string text(1, s > 0 ? '+' : '-');
  text += format_duration(Seconds(std::fabs(s)));
  return text;
}

} // namespace

std::string summary_text(const ojson& sum) {
  std::string out;
  const auto& sc = sum.at("scenario");
  out += fmt::format("riftsim · {}", sc.at("name").get<std::string>());
  // One response of several (the others are side by side after it): which one.
  if (sum.contains("variant") && sum.at("variant").is_string())
    out += fmt::format(" · response {}", sum.at("variant").get<std::string>());
  out += "\n";
  if (!sc.at("description").get<std::string>().empty())
    out += fmt::format("  {}\n", sc.at("description").get<std::string>());
  for (const auto& [name, j] : sum.at("jobs").items()) {
    out += "\n";
    std::string route;
    for (const auto& c : j.at("clusters")) route += (route.empty() ? "" : " → ") + c.get<std::string>();
    if (j.at("status") != "finished") {
      std::string status = j.at("status");
      for (auto& ch : status) ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(ch));
      out += fmt::format("job {}: {} after {} — {}\n  ran on: {}\n", name, status,
                         days(j.at("end_s").get<double>() - j.at("start_s").get<double>()),
                         j.at("status_detail").get<std::string>(), route);
      continue;
    }
    double wall = j.at("wall_time_s");
    if (j.at("time_lost_s").is_null()) {
      out += fmt::format("job {}: finished in {}\n  ran on: {}\n", name, days(wall), route);
      continue;
    }
    double base = j.at("baseline_wall_time_s");
    double lost = j.at("time_lost_s");
    out += fmt::format("job {}: finished in {} — {} without provider events: {} {}\n", name, days(wall),
                       days(base), days(std::fabs(lost)), lost >= 0 ? "lost" : "gained");
    // Moving to other GPUs can hide a long disruption behind faster hardware: say which is which.
    double hardware = j.at("hardware_effect_s");
    if (std::fabs(hardware) >= 0.05)
      out += fmt::format("  = {} of disruption (at the home cluster's speed) {} {} {} on {} hardware\n",
                         days(j.at("disruption_s").get<double>()), hardware < 0 ? "−" : "+",
                         days(std::fabs(hardware)), hardware < 0 ? "gained" : "lost",
                         hardware < 0 ? "faster" : "slower");
    out += fmt::format("  ran on: {}\n", route);
    out += "  where the time went (vs. the baseline):\n";
    for (const auto& [part, v] : j.at("time_lost_breakdown_s").items()) {
      double s = v.get<double>();
      if (std::fabs(s) < 0.05) continue;
      std::string note;
      if (part == "hardware")
        note = s < 0 ? "  (faster hardware elsewhere: GPUs, or their fabric)"
                     : "  (slower hardware elsewhere: GPUs, or their fabric)";
      if (part == "slowdown") note = "  (the rest: fewer GPUs, checkpoints)";
      out += fmt::format("    {:<18}{:>12}{}\n", part, signed_duration(s), note);
    }
    out += fmt::format("    {:<18}{:>12}\n", "total", signed_duration(lost));
    const auto& cost = j.at("cost_usd");
    out += fmt::format("  cost: {} compute", format_usd(Usd(cost.at("compute"))));
    if (double idle = cost.at("idle"); idle > 0)
      out += fmt::format(" (of which {} idle)", format_usd(Usd(idle)));
    out += fmt::format(" + {} egress", format_usd(Usd(cost.at("egress"))));
    if (double ic = cost.at("interconnect"); ic > 0)
      out += fmt::format(" + {} interconnect", format_usd(Usd(ic)));
    if (double st = cost.at("storage"); st > 0) out += fmt::format(" + {} storage", format_usd(Usd(st)));
    out += fmt::format(" = {}", format_usd(Usd(cost.at("total"))));
    if (!j.at("baseline_cost_usd").is_null())
      out += fmt::format("  (baseline {})", format_usd(Usd(j.at("baseline_cost_usd").at("total"))));
    out += "\n";
    out += fmt::format("  {} GPU-hours, {} of IT energy ({} with PUE, {} CO2eq), {}\n",
                       format_count(j.at("gpu_hours")),
                       format_si(j.at("energy_kwh").get<double>() * 1000.0, "Wh"),
                       format_si(j.at("facility_energy_kwh").get<double>() * 1000.0, "Wh"),
                       format_si(j.at("co2_tonnes").get<double>(), "t"),
                       count_of(j.at("interruptions").get<size_t>(), "interruption"));
    for (const auto& t : j.at("transfers"))
      out += fmt::format("  moved the {} ({}) {} → {} in {}\n", t.at("what").get<std::string>(),
                         format_bytes(Bytes(t.at("bytes"))), t.at("from_region").get<std::string>(),
                         t.at("to_region").get<std::string>(),
                         days(t.at("end_s").get<double>() - t.at("start_s").get<double>()));
  }
  return out;
}

} // namespace riftsim
