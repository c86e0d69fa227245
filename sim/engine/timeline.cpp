#include "engine/actors.hpp"
#include "engine/capacity_controller.hpp"

#include <algorithm>
#include <cmath>
#include <spdlog/spdlog.h>

namespace riftsim {

namespace {

/// One thing the timeline does at one time: a notice, a cutoff or a restore.
struct Action {
  enum class Kind { Notice, Cutoff, Restore, Throttle, Price, Grant, Link } kind;
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
    } else if (const auto* t = std::get_if<ThrottleEvent>(&te.event)) {
      if (t->notice.raw() > 0) actions.push_back({Action::Kind::Notice, (t->at - t->notice).raw(), &te});
      actions.push_back({Action::Kind::Throttle, t->at.raw(), &te});
    } else if (const auto* p = std::get_if<PriceEvent>(&te.event)) {
      if (p->notice.raw() > 0) actions.push_back({Action::Kind::Notice, (p->at - p->notice).raw(), &te});
      actions.push_back({Action::Kind::Price, p->at.raw(), &te});
    } else if (const auto* g = std::get_if<GrantEvent>(&te.event)) {
      actions.push_back({Action::Kind::Grant, g->at.raw(), &te});
    } else if (const auto* l = std::get_if<LinkEvent>(&te.event)) {
      actions.push_back({Action::Kind::Link, l->at.raw(), &te});
    }
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.time < b.time; });
  return actions;
}

} // namespace

void ProviderTimeline::operator()() {
  for (const auto& a : plan(events_)) {
    sg4::this_actor::sleep_until(a.time);
    controller_.post(ProviderEventMsg{a.event, a.kind == Action::Kind::Notice});
  }
  controller_.post(EventsOverMsg{});
}

} // namespace riftsim
