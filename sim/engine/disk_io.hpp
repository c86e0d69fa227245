#pragma once
// A read or write on a regional store's disk. SimGrid 3.32 keeps every Io in the activity list of the
// actor that started it (IoImpl::post never takes it out, unlike ExecImpl::post), and that list is
// scanned at every later Exec completion of that actor: months of checkpoints made a run quadratic
// (a 90-day run with 15-minute checkpoints took 5 s instead of 0.3 s). So Ios are started and awaited
// by a pool of worker actors that run nothing else, each retiring after a few thousand Ios so that the
// Ios it keeps are freed (docs/simgrid-notes.md).
// An Io is never cancelled (cancelling one that has just ended crashed 3.32): an interrupted write is
// abandoned, and finishes in the background, still using the store's bandwidth.
#include "engine/sg_compat.hpp"

#include <functional>
#include <memory>

namespace riftsim {

namespace sg4 = simgrid::s4u;

class DiskIo {
public:
  DiskIo() = default;
  /// What runs at the instant the operation ends, in the worker's context: `counts` is false when it
  /// was abandoned meanwhile (its result no longer counts, and whoever started it may be gone).
  using OnDone = std::function<void(bool counts)>;
  /// Starts the operation now on a worker actor living on `where` (a host that stays on); `on_done`
  /// runs when it ends, e.g. to commit a checkpoint or wake the actor waiting for it.
  static DiskIo start(sg4::Disk* disk, sg_size_t bytes, sg4::Io::OpType op, sg4::Host* where,
                      OnDone on_done = {});

  bool active() const { return state_ != nullptr; }
  bool running() const { return state_ && !state_->done && !state_->abandoned; }
  bool succeeded() const { return state_ && state_->done && !state_->abandoned; }
  /// Blocks the calling actor until the operation ended (not interruptible).
  void join();
  /// Its result no longer counts.
  void abandon() {
    if (state_) state_->abandoned = true;
  }
  void reset() { state_.reset(); }

  struct State {
    bool done = false;
    bool abandoned = false;
    // Made only by join(): most waiters are woken through on_done, and two kernel objects per
    // checkpoint add up over 10,000 checkpoints.
    sg4::MutexPtr mutex;
    sg4::ConditionVariablePtr ended;
  };

private:
  std::shared_ptr<State> state_;
};

} // namespace riftsim
