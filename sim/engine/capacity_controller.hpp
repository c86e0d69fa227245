#pragma once
// The capacity controller: one actor, one typed receive loop, the only owner of the tenant's capacity
// (as WRENCH's batch compute service owns its hosts, and Batsim's server its machines while an external
// component decides). It receives every provider event, job arrival, stop, release and end, spare
// request and repair; it asks the policies — the scheduler for the queue, each job's response strategy
// for its losses — and commits their decisions whole (allocations, reservations held from a decision
// until delivery) before it receives the next message, checking its invariants after each. Per-job
// actors carry decisions out: the job runner trains, a response executor moves.
#include "engine/actors.hpp"
#include "engine/messages.hpp"
#include "policy/scheduler.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace riftsim {

class CapacityController {
public:
  CapacityController(BuiltPlatform& platform, std::vector<JobRuntime*> jobs, const ScenarioSpec& scenario,
                     bool with_events, RunLog& log);
  /// Every reservation in force in this run (each once, however many jobs' responses name it).
  const std::vector<ReservationSpec>& reservations() const { return reservations_; }
  /// For the utilization sampler (engine/utilization.cpp): nodes of `c` delivered to the tenant now, and
  /// the jobs waiting in the queue with the GPUs they ask for.
  int delivered_now(const ClusterRuntime& c) const { return delivered_nodes(c); }
  std::pair<int, long long> queue_length() const;
  /// The actor's body: runs until every job is done.
  void operator()();
  void post(ControllerMsg m) { inbox_.push(std::move(m)); }

private:
  /// A loss the job responds to: a provider event (or its notice), a move of its own accord.
  struct Incident {
    int id = 0;
    CutoffEvent event; // scope and deadline (infinite for a move of its own accord)
    bool with_notice = false;
    bool hit = false;      // the job lost nodes: it decides once it has stopped
    bool detected = false; // its detection delay has passed
    double t_event = 0;
    double t_decided = 0;
    std::optional<ResponseDecision> prepared; // decided at a throttle's notice, carried out at the throttle
    const ThrottleEvent* announced = nullptr; // a throttle's notice: decide against what it will leave
    std::optional<StoppedMsg> stopped;
    bool home_back = false; // restored before the job had stopped: it resumes at home once it has
  };
  enum class State { Pending, Queued, Running, Responding, Waiting, Stranded, Done };
  struct Control {
    JobRuntime* job = nullptr;
    State state = State::Pending;
    std::optional<Incident> incident;
    std::unique_ptr<Inbox<ExecutorMsg>> executor; // while an executor carries out a decision
    bool started = false;
    bool preempting = false;
    std::optional<StoppedMsg> preempted; // it stopped for a preemption and waits in the queue
    int spares_wanted = 0;               // failed nodes not yet replaced (the runner waits)
  };

  // The loop's handlers, one per message type.
  void on(const SubmittedMsg& m);
  void on(const ProviderEventMsg& m);
  void on(const EventsOverMsg& m);
  void on(const DetectedMsg& m);
  void on(const StoppedMsg& m);
  void on(ReleasedMsg& m);
  void on(const FinishedMsg& m);
  void on(const ExecutedMsg& m);
  void on(const SparesWantedMsg& m);
  void on(const RepairedMsg& m);
  void on(const StandbyNodeFailedMsg& m);
  void on(const DeliveredMsg& m);
  void on(const AllocateMsg& m);

  // Provider events.
  void cutoff(const CutoffEvent& e);
  void restore(const RestoreEvent& e);
  void throttle(const ThrottleEvent& e);
  void price(const PriceEvent& e);
  void grant(const GrantEvent& e);
  void notice(const ProviderEvent& e);

  // Decisions.
  void open_incident(Control& c, const CutoffEvent& event, bool with_notice, bool hit,
                     const ThrottleEvent* announced = nullptr);
  void decide(Control& c);
  /// Commits decision `d` for `c` (its allocations and reservations) and starts its executor; false if
  /// what it needs is no longer there.
  bool commit(Control& c, const ResponseDecision& d);
  void start_executor(Control& c, Execution e);
  /// Looks again at a job that waits for capacity (stranded), after a grant or a restore.
  void redecide(Control& c);
  void resume_home(Control& c);
  void grow_back(Control& c);
  void abort(Control& c);

  // Scheduling jobs that wait to start.
  void schedule();
  void start(Control& c, const ClusterSpec& where);
  void restart(Control& c, ClusterRuntime& where);
  /// Estimated wall time of `job` on `cluster` with `gpus` GPUs from `done` FLOPs on (the step speed,
  /// without failures): what the scheduler backfills and places by.
  Seconds estimate(const JobSpec& job, const ClusterSpec& cluster, long long gpus, double done) const;
  /// Reserved nodes of `c` that are the tenant's now (bought in advance, no lead time, no quota), and
  /// those that ever were (nodes taken on them stay the tenant's when the term ends).
  int reserved_nodes(const ClusterRuntime& c) const;
  int reserved_nodes_ever(const ClusterRuntime& c) const;
  std::vector<ReservationSpec> reservations_; // the scenario's, and those of the responses in force

  // Capacity.
  Allocation take(ClusterRuntime& cluster, long long gpus, Control& c, double since,
                  const Allocation* transfer = nullptr);
  void ask_for_capacity(ClusterRuntime& cluster);
  int delivered_nodes(const ClusterRuntime& c) const;
  int held_nodes(const ClusterRuntime& c) const;
  long long free_gpus_for_start(const ClusterRuntime& c) const;
  WorldView world_view(const Control& c, const ThrottleEvent* announced = nullptr) const;
  JobView job_view(const Control& c) const;
  void serve_spares(ClusterRuntime& cluster);
  void check_invariants() const;
  // check_invariants: each cluster's holdings_version when its hosts in use were last counted.
  mutable std::map<const ClusterRuntime*, std::uint64_t> recounted_;
  // What the invariants read changes only with a cluster's holdings, a grant or a job's state: counted
  // here, so that the checks of every job's hosts and every project's GPUs run only after a message that
  // changed one (after every message, they grew as jobs times messages: 2 % of a 5,000-job run).
  void set_state(Control& c, State s) {
    c.state = s;
    ++changes_;
  }
  std::uint64_t changes_ = 0;
  mutable std::uint64_t checked_changes_ = ~std::uint64_t{0};

  void post_at(double time, ControllerMsg m);
  Control& control(JobRuntime* job);
  bool all_done() const;

  BuiltPlatform& platform_;
  std::vector<Control> jobs_;
  // Indices into jobs_ of the jobs submitted and not done, in jobs_' order: what the scheduler and the
  // invariant checks look at after every message (all jobs made them quadratic in a year's jobs).
  std::set<size_t> live_;
  size_t done_ = 0; // jobs done
  const ScenarioSpec& scenario_;
  bool with_events_;
  RunLog& log_;
  std::unique_ptr<Scheduler> scheduler_;
  Inbox<ControllerMsg> inbox_;
  bool events_over_ = false;
  int next_incident_ = 0;
  int next_allocation_ = 0;
  // Failed nodes waiting for a spare, per cluster, in order.
  std::map<ClusterRuntime*, std::vector<JobRuntime*>> spare_waiters_;
};

} // namespace riftsim
