#include "accounting/capacity_use.hpp"

#include <algorithm>
#include <map>

namespace riftsim {

void account_reservation(ReservationUse& r, const std::vector<const Tenure*>& tenures) {
  // Sweep the tenures' starts and ends on the reservation's cluster: between two changes, the nodes
  // held (and their on-demand price per hour) are constant.
  std::map<double, std::pair<double, double>> change; // time: (d nodes, d nodes x price)
  for (const Tenure* t : tenures) {
    if (t->cluster != r.cluster) continue;
    double a = std::max(t->start.raw(), r.from.raw()), b = std::min(t->end.raw(), r.to.raw());
    if (!(b > a)) continue;
    change[a].first += t->nodes;
    change[a].second += t->nodes * t->node_price.raw();
    change[b].first -= t->nodes;
    change[b].second -= t->nodes * t->node_price.raw();
  }
  double held = 0, held_price = 0, last = 0, covered = 0, used = 0;
  for (const auto& [time, d] : change) {
    if (held > 1e-9) {
      double hours = (time - last) / kSecondsPerHour;
      double n = std::min(held, static_cast<double>(r.nodes));
      used += n * hours;
      covered += n * (held_price / held) * hours;
    }
    held += d.first;
    held_price += d.second;
    last = time;
  }
  r.covered = Usd(covered);
  r.used_node_hours = used;
}

} // namespace riftsim
