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

/// SimGrid 3.32's energy plugin brings a host's energy count up to now on every state change of every CPU
/// action (each Exec's suspend, resume, end, and each sleep's end), and finds the host by building a list
/// of the action's resources with a dynamic_cast each: ~740 instructions a call, a fifth of a year-long
/// portfolio (docs/simgrid-notes.md). In riftsim a host's load changes only when an Exec starts or a host
/// goes off, where the plugin's other hooks bring the energy up to now (an Exec's start, a host's state
/// change: they stay), and when the adapter suspends, resumes or cancels an Exec, where the adapter does
/// it first, as the plugin did; so this takes the plugin off that signal alone. An Exec that ran out of work
/// would end unannounced: the job runner sizes them never to (and debug builds compare every Exec's amount
/// left with the runner's count after each segment). Call once, after the platform is built.
/// Returns false, leaving the plugin as it is, where the signal is not found (other SimGrid versions, or
/// another slot on it): slower, the same results.
bool take_over_energy_updates();

/// SimGrid 3.32's VM model is told of every activity's suspend and resume, to count a VM's running
/// Execs, and looks with two dynamic_casts whether the activity runs on a VM: ~6 % of a portfolio.
/// riftsim creates no VM, so this takes those two hooks off (a VM created afterwards ends the run).
/// Call once, after the platform is built. Returns false, touching nothing, where they are not found.
bool take_off_vm_hooks();

/// Cancels the Execs still running, each host's energy brought up to now first.
void cancel_execs(const std::vector<sg4::ExecPtr>& execs);

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
/// job's hosts rather than one per host. Each host's energy count is brought up to now first, at the load
/// it had (take_over_energy_updates). Works around SimGrid < 3.36 never clearing an activity's suspended
/// flag on resume (docs/simgrid-notes.md).
void set_suspended(const std::vector<sg4::ExecPtr>& execs, bool suspend);

/// Each Exec's remaining amount, read in one simcall (`Exec::get_remaining()` is a simcall each). A
/// failed Exec (its host went off) reports the amount it started with, also when it failed while
/// suspended: its state stays STARTED until someone waits on it (docs/simgrid-notes.md).
std::vector<double> remaining(const std::vector<sg4::ExecPtr>& execs);

} // namespace riftsim::sg
