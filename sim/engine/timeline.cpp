#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/actors.hpp"

namespace riftsim {

namespace {

/// One thing the timeline does at one time: a notice, a cutoff or a restore.
struct Action {
  enum class Kind { Notice, Cutoff, Restore } kind;
  double time;
  const TimedEvent* event;
};

std::vector<Action> plan(const std::vector<TimedEvent>& events) {
  std::vector<Action> actions;
  for (const auto& te : events) {
    if (const auto* c = std::get_if<CutoffEvent>(&te.event)) {
      if (c->notice.raw() > 0) actions.push_back({Action::Kind::Notice, (c->at - c->notice).raw(), &te});
      actions.push_back({Action::Kind::Cutoff, c->at.raw(), &te});
    } else if (const auto* r = std::get_if<RestoreEvent>(&te.event)) {
      actions.push_back({Action::Kind::Restore, r->at.raw(), &te});
    }
  }
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) { return a.time < b.time; });
  return actions;
}

} // namespace

void ProviderTimeline::operator()() {
  for (const auto& a : plan(events_)) {
    sg4::this_actor::sleep_until(a.time);
    switch (a.kind) {
    case Action::Kind::Notice: {
      const auto& e = std::get<CutoffEvent>(a.event->event);
      spdlog::warn("{} gives notice: compute cut off in {}", e.scope.str(), format_duration(e.notice));
      log_.event(a.time, EventKind::Notice, "", e.scope.provider, e.scope.region,
                 "cutoff in " + format_duration(e.notice));
      for (JobRuntime* j : jobs_) j->to_orchestrator.push(NoticeMsg{e});
      break;
    }
    case Action::Kind::Cutoff: cutoff(std::get<CutoffEvent>(a.event->event)); break;
    case Action::Kind::Restore: restore(std::get<RestoreEvent>(a.event->event)); break;
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

void ProviderTimeline::restore(const RestoreEvent& e) {
  spdlog::warn("{} restores the tenant's compute", e.scope.str());
  log_.event(e.at.raw(), EventKind::Restore, "", e.scope.provider, e.scope.region, "compute restored");
  for (auto& [id, c] : platform_.clusters) {
    if (!e.scope.covers_region(c.spec->region, c.spec->provider) || !c.cut_off) continue;
    c.cut_off = false;
    for (sg4::Host* h : c.hosts)
      if (!h->is_on()) h->turn_on();
  }
  for (JobRuntime* j : jobs_)
    if (!j->finished) j->to_orchestrator.push(RestoreMsg{e});
}

} // namespace riftsim
