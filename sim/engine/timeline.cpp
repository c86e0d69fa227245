#include "engine/actors.hpp"
#include "engine/wan_transfer.hpp"

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
    switch (a.kind) {
    case Action::Kind::Notice:
      notice(a.event->event);
      break;
    case Action::Kind::Cutoff:
      cutoff(std::get<CutoffEvent>(a.event->event));
      break;
    case Action::Kind::Restore:
      restore(std::get<RestoreEvent>(a.event->event));
      break;
    case Action::Kind::Throttle:
      throttle(std::get<ThrottleEvent>(a.event->event));
      break;
    case Action::Kind::Price:
      price(std::get<PriceEvent>(a.event->event));
      break;
    case Action::Kind::Grant:
      grant(std::get<GrantEvent>(a.event->event));
      break;
    case Action::Kind::Link:
      link(std::get<LinkEvent>(a.event->event));
      break;
    }
  }
  // Jobs stranded for want of capacity stop hoping.
  for (JobRuntime* j : jobs_)
    if (!j->finished) j->to_orchestrator.push(EventsOverMsg{});
}

void ProviderTimeline::notice(const ProviderEvent& event) {
  auto tell = [&](const ProviderScope& scope, Seconds in, const std::string& what, auto msg) {
    spdlog::warn("{} gives notice: {} in {}", scope.str(), what, format_duration(in));
    log_.event(sg4::Engine::get_clock(), EventKind::Notice, "", scope.provider, scope.region,
               what + " in " + format_duration(in));
    for (JobRuntime* j : jobs_)
      if (!j->finished) j->to_orchestrator.push(msg);
  };
  if (const auto* c = std::get_if<CutoffEvent>(&event))
    tell(c->scope, c->notice, "cutoff", NoticeMsg{*c});
  else if (const auto* t = std::get_if<ThrottleEvent>(&event))
    tell(t->scope, t->notice, fmt::format("throttle to {:.0f}%", 100 * t->to), ThrottleNoticeMsg{*t});
  else if (const auto* p = std::get_if<PriceEvent>(&event))
    tell(p->scope, p->notice, fmt::format("price at {:.2f}x the list price", p->factor), PriceNoticeMsg{*p});
}

void ProviderTimeline::grant(const GrantEvent& e) {
  ClusterRuntime& c = platform_.cluster(e.cluster);
  c.granted_at = e.at.raw();
  c.grant_lead = e.lead_time;
  c.grant_capacity = e.capacity ? *e.capacity : c.spec->capacity;
  if (!e.capacity && c.grant_capacity.quota == 0) // a cluster that gives nothing unless granted: all of it
    c.grant_capacity = {c.spec->nodes, c.spec->nodes, 0, Seconds(0)};
  spdlog::warn("{} grants the tenant {} nodes on {} (first in {})", c.spec->provider, c.grant_capacity.quota,
               e.cluster, format_duration(e.lead_time));
  log_.event(e.at.raw(), EventKind::Grant, "", c.spec->provider, e.cluster,
             fmt::format("{} nodes, first after {}", c.grant_capacity.quota, format_duration(e.lead_time)));
  for (JobRuntime* j : jobs_)
    if (!j->finished) j->to_orchestrator.push(GrantMsg{e});
}

void ProviderTimeline::link(const LinkEvent& e) {
  WanPathRuntime& p = platform_.paths.at(e.link);
  spdlog::warn("WAN link {} goes {}", e.link, e.up ? "up" : "down");
  log_.event(e.at.raw(), e.up ? EventKind::LinkUp : EventKind::LinkDown, "", "", e.link,
             p.spec->region_a + " <-> " + p.spec->region_b);
  set_path_up(platform_, p, e.up);
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
    if (!e.scope.covers_region(c.spec->region, c.spec->provider)) continue;
    c.cut_off = false;
    c.nodes_up = c.host_nodes;
    for (sg4::Host* h : c.hosts)
      if (!h->is_on()) h->turn_on();
  }
  for (JobRuntime* j : jobs_)
    if (!j->finished) j->to_orchestrator.push(RestoreMsg{e});
}

void ProviderTimeline::price(const PriceEvent& e) {
  spdlog::warn("{} prices the tenant's nodes at {:.2f}x the list price", e.scope.str(), e.factor);
  log_.event(e.at.raw(), EventKind::Price, "", e.scope.provider, e.scope.region,
             fmt::format("{:.2f}x the list price", e.factor));
  double now = sg4::Engine::get_clock();
  // Book the hours so far at the old price, then bill the rest at the new one.
  for (JobRuntime* j : jobs_)
    if (!j->finished && !j->alloc.empty() &&
        e.scope.covers_region(j->alloc.cluster->spec->region, j->alloc.cluster->spec->provider))
      split_tenure(j->alloc, now, j->ledger, log_, j->spec->name);
  for (auto& [id, c] : platform_.clusters)
    if (e.scope.covers_region(c.spec->region, c.spec->provider)) c.price_factor = e.factor;
  for (JobRuntime* j : jobs_)
    if (!j->finished) j->to_orchestrator.push(PriceMsg{e});
}

void ProviderTimeline::throttle(const ThrottleEvent& e) {
  spdlog::warn("{} throttles the tenant to {:.0f}% of its nodes", e.scope.str(), 100 * e.to);
  log_.event(e.at.raw(), EventKind::Throttle, "", e.scope.provider, e.scope.region,
             fmt::format("capacity cut to {:.0f}%", 100 * e.to));
  for (auto& [id, c] : platform_.clusters) {
    if (!e.scope.covers_region(c.spec->region, c.spec->provider)) continue;
    // Exactly the share, in whole nodes, whatever the grouping of nodes into simulated hosts: nodes are
    // taken from the end of the cluster; a host left with none goes off, one left with some stays on.
    c.nodes_up = c.nodes_up_after_throttle(e.to);
    for (size_t i = 0; i < c.hosts.size(); ++i)
      if (c.nodes_up[i] == 0 && c.hosts[i]->is_on()) c.hosts[i]->turn_off();
  }
  // Only jobs that lost nodes respond; for them it is a cutoff of part of their capacity.
  CutoffEvent as_cutoff{e.scope, e.at, Seconds(0)};
  for (JobRuntime* j : jobs_) {
    if (j->finished || !j->affected_by(e.scope)) continue;
    bool hit = false;
    for (const HostShare& s : j->alloc.shares)
      hit = hit || j->alloc.cluster->gpus_left(s.index, s.nodes) < s.gpus;
    if (!hit) continue;
    j->hosts_lost();
    j->to_orchestrator.push(CutoffMsg{as_cutoff});
  }
}

} // namespace riftsim
