#pragma once
// The tenant's capacity on the clusters: who holds which hosts, what is delivered, and the primitives
// that mark and unmark them. Only the capacity controller (engine/capacity_controller.cpp) calls the
// functions that change capacity; they never call SimGrid between checking and marking, so a decision
// is committed whole before any other actor runs. Reading energy (a SimGrid call, which may let other
// actors run) happens outside them: before a release, after an allocation.
#include "accounting/ledger.hpp"
#include "accounting/run_log.hpp"
#include "engine/platform_builder.hpp"
#include "model/training_speed.hpp"

#include <optional>
#include <string>
#include <vector>

namespace riftsim {

/// Part of one simulated host held by a job.
struct HostShare {
  sg4::Host* host = nullptr;
  size_t index = 0;   // of the host in its cluster
  int nodes = 0;      // nodes of the host the job uses
  int host_nodes = 0; // nodes the host stands for
  long long gpus = 0;
  double energy_start = 0; // joules the host had consumed when the job's tenure started
};

/// Hosts held by one job on one cluster. From `since` on (the delivery) they are the tenant's and
/// billed; before, they are reserved for the job (a decision made, the capacity not yet delivered).
struct Allocation {
  int id = -1; // unique in the run: a host is owned by one allocation at a time
  ClusterRuntime* cluster = nullptr;
  std::vector<HostShare> shares;
  long long gpus = 0;
  double since = 0;
  std::optional<TenureStep> step{}; // the training step run on it (reported with its tenure)
  bool empty() const { return cluster == nullptr; }
  int nodes() const;
};

/// Marks hosts of `cluster` for `gpus` GPUs, owned by a new allocation `id` of job `job_id`, first those
/// `transfer` (an allocation of the same job) holds, then free ones; nullopt (and nothing marked) if
/// they do not suffice. Pure bookkeeping: no SimGrid call.
std::optional<Allocation> take_hosts(ClusterRuntime& cluster, long long gpus, int job_id, int id,
                                     double since, const Allocation* transfer = nullptr);
/// Whether `cluster` cannot give `gpus` GPUs with `room` usable.
bool cut_off_or_short(const ClusterRuntime& cluster, long long room, long long gpus);
/// Unmarks the hosts `a` still owns (some may have passed to a newer allocation of the job).
void free_hosts(const Allocation& a);
/// Gives up the nodes of `a` beyond `gpus` GPUs (a node lost for want of a spare), at the end of its
/// widest host.
void drop_nodes(Allocation& a, int nodes);

/// Per share: the joules its host has consumed so far (SimGrid's energy plugin; may yield).
std::vector<double> read_energy(const Allocation& a);
/// Starts the tenure's energy count now: the hosts sat idle since `a.since`, so that idle energy is
/// taken out of the starting value and the tenure counts it, as SimGrid's model accrued it.
void start_energy_count(Allocation& a, const std::vector<double>& energy_now, double now);
/// The tenure of `a` from `a.since` to `now`: node-hours at the current price, and the energy its nodes
/// drew (the host's, less the idle power of nodes of the host the job did not use).
Tenure tenure_of(const Allocation& a, const std::vector<double>& energy_now, double now);
/// What holding `a`'s nodes from `from` to `to` costs at the cluster's current price.
Usd held_cost(const Allocation& a, double from, double to);
/// Tenures for nodes held idle on `cluster` while its capacity ramped up to what the job asked for: one
/// per step (node-hours at the current price, idle power).
std::vector<Tenure> ramp_tenures(const ClusterRuntime& cluster, const std::vector<CapacitySpec::Held>& held);

} // namespace riftsim
