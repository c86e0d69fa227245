#include "accounting/ledger.hpp"

#include <algorithm>

namespace riftsim {

const char* part_name(LostPart p) {
  switch (p) {
  case LostPart::Recompute:
    return "recompute";
  case LostPart::FinalCheckpoint:
    return "final_checkpoint";
  case LostPart::Detection:
    return "detection";
  case LostPart::Waiting:
    return "waiting";
  case LostPart::Transfer:
    return "transfer";
  case LostPart::Provisioning:
    return "provisioning";
  case LostPart::Porting:
    return "porting";
  case LostPart::Restart:
    return "restart";
  case LostPart::Warmup:
    return "warmup";
  case LostPart::GradientSync:
    return "gradient_sync";
  case LostPart::Slowdown:
    return "slowdown";
  }
  return "?";
}

Seconds JobLedger::accounted() const {
  Seconds s = compute + checkpoint + failure_badput() + requeued;
  for (auto v : lost_) s += v;
  return s;
}

Usd JobLedger::compute_cost() const {
  Usd total;
  for (const auto& t : tenures) total += t.cost();
  return total;
}

Usd JobLedger::egress_cost() const {
  Usd total = sync_egress;
  for (const auto& t : transfers) total += t.egress;
  return total;
}

Usd JobLedger::interconnect_cost() const {
  Usd total;
  for (const auto& p : ports) total += p.cost();
  return total;
}

Usd JobLedger::storage_cost() const {
  Usd total;
  for (const auto& s : storage) total += s.cost();
  return total;
}

Usd JobLedger::total_cost() const {
  return compute_cost() + egress_cost() + interconnect_cost() + storage_cost();
}

void JobLedger::keep_data(const std::string& region, Bytes bytes, UsdPerGBMonth price, Seconds from) {
  for (const auto& s : storage)
    if (s.region == region) return;
  storage.push_back({region, bytes, price, from, from});
}

void JobLedger::close_leases(Seconds end) {
  for (auto& p : ports) p.end = std::max(p.end, end);
  for (auto& s : storage) s.end = std::max(s.end, end);
}

Joules JobLedger::energy() const {
  Joules total;
  for (const auto& t : tenures) total += t.energy;
  return total;
}

Joules JobLedger::facility_energy() const {
  Joules total;
  for (const auto& t : tenures) total += t.energy * t.pue;
  return total;
}

double JobLedger::co2_tonnes() const {
  double grams = 0;
  for (const auto& t : tenures) grams += kwh(t.energy * t.pue) * t.carbon_g_per_kwh;
  return grams / 1e6;
}

double JobLedger::gpu_hours() const {
  double total = 0;
  for (const auto& t : tenures) total += t.gpu_hours();
  return total;
}

void charge_critical_path(const std::vector<Milestone>& steps, size_t last, double window_start,
                          JobLedger& ledger) {
  size_t cur = last;
  while (true) {
    const Milestone& m = steps.at(cur);
    double from = m.start;
    std::optional<size_t> critical_dep;
    for (size_t d : m.deps)
      if (!critical_dep || steps.at(d).end > from) {
        from = steps.at(d).end;
        critical_dep = d;
      }
    double charged = m.end - std::max(from, window_start);
    if (m.part && charged > 0) ledger.add_lost(*m.part, Seconds(charged));
    if (!critical_dep || from <= window_start) break;
    cur = *critical_dep;
  }
}

} // namespace riftsim
