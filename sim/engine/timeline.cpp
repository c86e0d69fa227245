#include "engine/actors.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

namespace riftsim {

void ProviderTimeline::operator()() {
  struct Action {
    double time;
    bool is_notice;
    const CutoffEvent* event;
  };
  std::vector<Action> actions;
  for (const auto& te : events_) {
    const auto& e = std::get<CutoffEvent>(te.event);
    if (e.notice.raw() > 0) actions.push_back({(e.at - e.notice).raw(), true, &e});
    actions.push_back({e.at.raw(), false, &e});
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.time < b.time; });
  for (const auto& a : actions) {
    sg4::this_actor::sleep_until(a.time);
    if (a.is_notice) {
      spdlog::warn("{} gives notice: compute cut off in {}", a.event->scope.str(),
                   format_duration(a.event->notice));
      log_.event(a.time, EventKind::Notice, "", a.event->scope.provider, a.event->scope.region,
                 "cutoff in " + format_duration(a.event->notice));
      for (JobRuntime* j : jobs_) j->to_orchestrator.push(NoticeMsg{*a.event});
    } else {
      cutoff(*a.event);
    }
  }
}

void ProviderTimeline::cutoff(const CutoffEvent& e) {
  spdlog::warn("{} cuts off the tenant's compute", e.scope.str());
  log_.event(e.at.raw(), EventKind::Cutoff, "", e.scope.provider, e.scope.region, "compute cut off");
  for (auto& [id, c] : platform_.clusters) {
    if (!e.scope.covers_region(c.spec->region, c.spec->provider)) continue;
    c.cut_off = true;
    for (sg4::Host* h : c.hosts)
      if (h->is_on()) h->turn_off();
  }
  for (JobRuntime* j : jobs_) {
    if (j->affected_by(e.scope)) j->hosts_lost();
    if (!j->finished) j->to_orchestrator.push(CutoffMsg{e});
  }
}

} // namespace riftsim
