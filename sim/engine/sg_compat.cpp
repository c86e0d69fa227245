#include "engine/sg_compat.hpp"

#include <simgrid/plugins/energy.h>
#include <simgrid/simix.hpp>

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

std::vector<double> remaining(const std::vector<sg4::ExecPtr>& execs) {
  return simgrid::kernel::actor::simcall_answered([&execs] {
    std::vector<double> left;
    left.reserve(execs.size());
    for (const sg4::ExecPtr& e : execs) left.push_back(e->get_remaining()); // no simcall of its own here
    return left;
  });
}

void set_suspended(const std::vector<sg4::ExecPtr>& execs, bool suspend) {
  simgrid::kernel::actor::simcall_answered([&execs, suspend] {
    for (const sg4::ExecPtr& e : execs) {
      if (e->get_state() != sg4::Activity::State::STARTED) continue;
#if SIMGRID_VERSION < 33200 || SIMGRID_VERSION >= 33300
      sg_host_get_consumed_energy(e->get_host()); // not checked that the plugin updates on a suspend there
#endif
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
