#pragma once
// The messages between the actors of a run: a closed set of types per receiver. An actor receives in
// one loop and treats a message it does not expect as an error.
#include "engine/capacity.hpp"
#include "model/scenario.hpp"

#include <deque>
#include <optional>
#include <variant>

namespace riftsim {

struct JobRuntime;
namespace sg4 = simgrid::s4u;

/// A control-plane message queue between actors (a mailbox would need a network route and a size).
template <class T> class Inbox {
public:
  void push(T item) {
    std::unique_lock lock(*mutex_);
    items_.push_back(std::move(item));
    cv_->notify_all();
  }
  T pop() {
    std::unique_lock lock(*mutex_);
    while (items_.empty()) cv_->wait(lock);
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

private:
  std::deque<T> items_;
  sg4::MutexPtr mutex_ = sg4::Mutex::create();
  sg4::ConditionVariablePtr cv_ = sg4::ConditionVariable::create();
};

// Checkpoint: cut the segment short for a checkpoint now, then go on (a notice of a squeeze).
enum class StopReason { HostsLost, Halt, NodeFailed, Checkpoint };

// ---- To the capacity controller ----
struct SubmittedMsg { // a job arrives (at its submit time)
  JobRuntime* job;
};
struct ProviderEventMsg { // the provider timeline plays an event, or its notice
  const TimedEvent* event;
  bool notice;
};
struct EventsOverMsg {}; // the timeline has played its last event
struct DetectedMsg {     // a job's detection delay after an event has passed
  JobRuntime* job;
  int incident;
};
struct StoppedMsg { // a job stopped training (its hosts are lost, or it halted)
  JobRuntime* job;
  StopReason reason;
  double time;
};
struct ReleasedMsg { // a job gives hosts back; billed: they were delivered and held (book the tenure)
  JobRuntime* job;
  Allocation alloc;
  bool billed = true;
};
struct FinishedMsg { // a job finished, was stranded or given up: it holds nothing any more
  JobRuntime* job;
};
/// What an executor reports when the steps of a decision are carried out.
enum class Outcome { Resumed, Waiting, Finished, GrowBack };
struct ExecutedMsg {
  JobRuntime* job;
  Outcome outcome;
  std::optional<StoppedMsg> stopped{}; // Waiting: how the job stopped
};
struct SparesWantedMsg { // a job lost nodes to failures: spares to replace them
  JobRuntime* job;
  int nodes;
};
struct RepairedMsg { // a failed node is back, as a spare
  ClusterRuntime* cluster;
};
struct StandbyNodeFailedMsg { // a node of an idle standby failed: a spare replaces it
  ClusterRuntime* cluster;
};
struct DeliveredMsg { // capacity the tenant asked for has arrived (or more of it)
  ClusterRuntime* cluster;
};
struct AllocateMsg { // an executor needs `gpus` GPUs on `cluster` for its job, keeping the hosts it has
  JobRuntime* job;
  ClusterRuntime* cluster;
  long long gpus;
};
using ControllerMsg = std::variant<SubmittedMsg, ProviderEventMsg, EventsOverMsg, DetectedMsg, StoppedMsg,
                                   ReleasedMsg, FinishedMsg, ExecutedMsg, SparesWantedMsg, RepairedMsg,
                                   StandbyNodeFailedMsg, DeliveredMsg, AllocateMsg>;

// ---- To the executor carrying out a job's decision ----
struct HomeRestoredMsg {}; // the job's home cluster has its capacity back
struct JobDoneMsg {};      // the job finished meanwhile
struct AllocatedMsg {      // the controller's answer to an AllocateMsg
  std::optional<Allocation> alloc;
};
using ExecutorMsg = std::variant<StoppedMsg, HomeRestoredMsg, JobDoneMsg, AllocatedMsg>;

// ---- To a job's runner ----
struct ResumeMsg {}; // train on the job's allocation (the first start too)
struct AbortMsg {};  // nowhere to go: end as stranded
using RunnerMsg = std::variant<ResumeMsg, AbortMsg>;

} // namespace riftsim
