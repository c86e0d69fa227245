#pragma once
// The few SimGrid calls whose spelling changed between 3.32 (Debian 12) and 4.x. Everything version-
// dependent goes through here, so a newer SimGrid only touches this file.
#include <functional>
#include <simgrid/s4u.hpp>
#include <simgrid/version.h>
#include <string>
#include <vector>

namespace riftsim::sg {

namespace sg4 = simgrid::s4u;

inline sg4::NetZone* new_full_zone(const std::string& name, sg4::NetZone* parent) {
#if SIMGRID_VERSION >= 40000
  if (parent) return parent->add_netzone_full(name);
  return sg4::create_full_zone(name);
#else
  auto* z = sg4::create_full_zone(name);
  if (parent) z->set_parent(parent);
  return z;
#endif
}

inline sg4::NetZone* new_star_zone(const std::string& name, sg4::NetZone* parent) {
#if SIMGRID_VERSION >= 40000
  return parent->add_netzone_star(name);
#else
  auto* z = sg4::create_star_zone(name);
  z->set_parent(parent);
  return z;
#endif
}

inline sg4::ActorPtr spawn(const std::string& name, sg4::Host* host, std::function<void()> code) {
#if SIMGRID_VERSION >= 40100
  return host->add_actor(name, std::move(code));
#else
  return sg4::Actor::create(name, host, std::move(code));
#endif
}

inline sg4::NetZone* new_fat_tree_zone(const std::string& name, sg4::NetZone* parent,
                                       const sg4::FatTreeParams& p, const sg4::ClusterCallbacks& cb,
                                       double bandwidth, double latency = 0) {
  // Still there (deprecated) in 4.1; NetZone::add_netzone_fatTree replaces it.
  return sg4::create_fatTree_zone(name, parent, p, cb, bandwidth, latency,
                                  sg4::Link::SharingPolicy::SPLITDUPLEX);
}

/// Cancels an activity unless it already ended. An activity that ended with nobody waiting still says
/// STARTED, and cancelling it crashed SimGrid 3.32 (docs/simgrid-notes.md); test() brings its state up
/// to date first.
template <class Ptr> void cancel_if_running(Ptr& a) {
  if (!a) return;
  try {
    if (a->get_state() == sg4::Activity::State::STARTED && !a->test()) a->cancel();
  } catch (const simgrid::Exception&) {
    // it failed (its host went off): nothing left to cancel
  }
}

/// Suspends (`suspend` true) or resumes running Execs in one simcall: one context switch for all of a
/// job's hosts rather than one per host. Each host's energy count must be brought up to now first, at the
/// load it had: SimGrid 3.32's energy plugin does it itself (a CPU action's suspend and resume fire its
/// state-change signal); other versions read the energy first. Works around SimGrid < 3.36 never clearing
/// an activity's suspended flag on resume (docs/simgrid-notes.md).
void set_suspended(const std::vector<sg4::ExecPtr>& execs, bool suspend);

/// Each Exec's remaining amount, read in one simcall (`Exec::get_remaining()` is a simcall each). A
/// failed Exec (its host went off) reports the amount it started with, also when it failed while
/// suspended: its state stays STARTED until someone waits on it (docs/simgrid-notes.md).
std::vector<double> remaining(const std::vector<sg4::ExecPtr>& execs);

} // namespace riftsim::sg
