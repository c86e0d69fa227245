#include "engine/sg_compat.hpp"

#include <dlfcn.h>
#include <simgrid/kernel/resource/Action.hpp>
#include <simgrid/plugins/energy.h>
#include <simgrid/simix.hpp>
#include <xbt/asserts.h>
#include <xbt/signal.hpp>

namespace simgrid::kernel::resource {
class CpuAction; // SimGrid's CPU model action; its header is not installed
} // namespace simgrid::kernel::resource

namespace riftsim::sg {

#if SIMGRID_VERSION < 33600
namespace {
// SimGrid before 3.36 never clears `Activity::suspended_` in resume(), so a second suspend() does nothing
// and the activity runs on (fixed upstream in 2024: "Fix bug when suspend() after resume() didn't work").
// The flag is private; an explicit instantiation may name a private member ([temp.spec.general]), which
// is how this reaches it to clear it after a resume. Only for the versions with the bug.
bool sg4::Activity::*suspended_flag();
template <bool sg4::Activity::*Flag> struct SuspendedFlagAccess {
  friend bool sg4::Activity::*suspended_flag() { return Flag; }
};
template struct SuspendedFlagAccess<&sg4::Activity::suspended_>;
} // namespace
#endif

#if SIMGRID_VERSION >= 33200 && SIMGRID_VERSION < 33300
namespace {
// The signals fired on every activity's suspend and resume are private; reached as the flag above is.
using ActivitySignal = simgrid::xbt::signal<void(sg4::Activity const&)>;
ActivitySignal* on_suspended_signal();
ActivitySignal* on_resumed_signal();
template <ActivitySignal* Suspended, ActivitySignal* Resumed> struct ActivitySignalsAccess {
  friend ActivitySignal* on_suspended_signal() { return Suspended; }
  friend ActivitySignal* on_resumed_signal() { return Resumed; }
};
template struct ActivitySignalsAccess<&sg4::Activity::on_suspended, &sg4::Activity::on_resumed>;
} // namespace
#endif

std::vector<double> remaining(const std::vector<sg4::ExecPtr>& execs) {
  return simgrid::kernel::actor::simcall_answered([&execs] {
    std::vector<double> left;
    left.reserve(execs.size());
    for (const sg4::ExecPtr& e : execs) left.push_back(e->get_remaining()); // no simcall of its own here
    return left;
  });
}

bool take_over_energy_updates() {
#if SIMGRID_VERSION >= 33200 && SIMGRID_VERSION < 33300
  // CpuAction::on_state_change is a public static member of a class whose header SimGrid does not
  // install: found by its symbol. In 3.32 only the energy plugin connects to it, and tracing when it is
  // on: exactly one slot, the plugin's, is taken off; with any other, nothing is touched.
  using CpuStateSignal = simgrid::xbt::signal<void(simgrid::kernel::resource::CpuAction const&,
                                                   simgrid::kernel::resource::Action::State)>;
  auto* signal = static_cast<CpuStateSignal*>(
      dlsym(RTLD_DEFAULT, "_ZN7simgrid6kernel8resource9CpuAction15on_state_changeE"));
  if (signal == nullptr || signal->get_slot_count() != 1) return false;
  signal->disconnect_slots();
  return true;
#else
  return false; // not looked at in other versions: the plugin keeps its signal
#endif
}

bool take_off_vm_hooks() {
#if SIMGRID_VERSION >= 33200 && SIMGRID_VERSION < 33300
  // In 3.32 only the VM model connects to them (src/kernel/resource/VirtualMachineImpl.cpp): one slot each.
  ActivitySignal* suspended = on_suspended_signal();
  ActivitySignal* resumed = on_resumed_signal();
  if (suspended->get_slot_count() != 1 || resumed->get_slot_count() != 1) return false;
  suspended->disconnect_slots();
  resumed->disconnect_slots();
  sg4::VirtualMachine::on_creation_cb([](const sg4::VirtualMachine& vm) {
    xbt_die("riftsim took the VM model off activities' suspends and resumes, yet VM %s was created",
            vm.get_cname());
  });
  return true;
#else
  return false;
#endif
}

namespace {
/// Brings the host's energy count up to now, at the load it had (a simcall in an actor; nothing in the
/// maestro).
void count_energy_until_now(sg4::Host* host) {
  sg_host_get_consumed_energy(host);
}
} // namespace

void cancel_execs(const std::vector<sg4::ExecPtr>& execs) {
  for (const sg4::ExecPtr& e : execs) {
    if (!e || e->get_state() != sg4::Activity::State::STARTED) continue;
    try {
      if (e->test()) continue; // it ended: nothing to cancel (docs/simgrid-notes.md)
    } catch (const simgrid::Exception&) {
      continue; // it failed (its host went off): nothing left to cancel
    }
    // One simcall, as a cancel alone: an extra one would let other actors run in between.
    simgrid::kernel::actor::simcall_answered([&e] {
      count_energy_until_now(e->get_host());
      e->cancel();
    });
  }
}

void set_suspended(const std::vector<sg4::ExecPtr>& execs, bool suspend) {
  simgrid::kernel::actor::simcall_answered([&execs, suspend] {
    for (const sg4::ExecPtr& e : execs) {
      if (e->get_state() != sg4::Activity::State::STARTED) continue;
      count_energy_until_now(e->get_host());
      if (suspend) {
        e->suspend();
      } else if (e->is_suspended()) {
        e->resume();
#if SIMGRID_VERSION < 33600
        (*e).*suspended_flag() = false;
#endif
      }
    }
  });
}

} // namespace riftsim::sg
