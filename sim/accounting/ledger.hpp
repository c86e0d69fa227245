#pragma once
// Per-job accounting: where the wall time went, which resources were held and what moved over the
// WAN. Pure bookkeeping (no SimGrid): the engine reports into it, output reads it.
#include "core/units.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace riftsim {

/// The parts of time lost to provider events. They are types, not strings; names are for output only.
enum class LostPart {
  Recompute,
  FinalCheckpoint,
  Detection,
  Waiting, // holding a checkpoint until the provider restores capacity
  Transfer,
  Provisioning,
  Porting,
  Restart,
  Warmup,       // re-sharding, compiling and ramping up on a new layout before steps count
  GradientSync, // split: steps waiting for the gradient exchange between sites over the WAN
  Slowdown
};
inline constexpr std::array kLostParts = {
    LostPart::Recompute, LostPart::FinalCheckpoint, LostPart::Detection, LostPart::Waiting,
    LostPart::Transfer,  LostPart::Provisioning,    LostPart::Porting,   LostPart::Restart,
    LostPart::Warmup,    LostPart::GradientSync,    LostPart::Slowdown};
// lost_ is indexed by the enum: every part must be listed, in order.
static_assert(static_cast<size_t>(LostPart::Slowdown) + 1 == kLostParts.size());
const char* part_name(LostPart p);

/// The training step a job ran at during a tenure (docs/model-training.md). Not derived: the job gave
/// its `mfu`, and only that is known.
struct TenureStep {
  bool derived = false;
  std::string layout; // "tp 8 × pp 16 × dp 192 (ep 16), micro-batch 1"
  int tp = 0, pp = 0, dp = 0, ep = 0, microbatch = 0;
  long long microbatches = 0; // per pipeline per step
  Seconds step;
  Seconds compute, exposed_tp, exposed_ep, pp_p2p, pp_bubble, exposed_dp;
  double mfu = 0;
};

/// Nodes held by the job on one cluster, from delivery (or start) to release.
struct Tenure {
  std::string cluster; // cluster id
  std::string provider;
  long long gpus = 0;
  double nodes = 0;
  UsdPerHour node_price;
  Seconds start;
  Seconds end;
  Joules energy;                    // IT energy of the job's nodes, from SimGrid's host energy plugin
  double pue = 1.0;                 // of the region: facility energy = IT energy x PUE
  double carbon_g_per_kwh = 0;      // of the region's grid
  std::optional<TenureStep> step{}; // the step trained at (the last one, if the width changed during it)
  Usd cost() const { return node_price * (end - start) * nodes; }
  double gpu_hours() const { return static_cast<double>(gpus) * (end - start).raw() / kSecondsPerHour; }
};

struct TransferRecord {
  std::string what; // "checkpoint" or "dataset"
  std::string from_region;
  std::string to_region;
  std::string path; // the WAN link it took
  int streams = 1;
  Bytes bytes;
  Seconds start;
  Seconds end;
  Usd egress;
};

/// A dedicated interconnect's ports, held for the job while it runs (named in its response's paths).
struct PortLease {
  std::string link;
  UsdPerHour price;
  Seconds start;
  Seconds end;
  Usd cost() const { return price * (end - start); }
};

/// The job's data kept in a region's store: its dataset and latest checkpoint, from when they land
/// there to the end of the job.
struct StorageLease {
  std::string region;
  Bytes bytes;
  UsdPerGBMonth price;
  Seconds start;
  Seconds end;
  Usd cost() const { return storage_cost(price, bytes, end - start); }
};

class JobLedger {
public:
  Seconds compute; // compute whose work was kept
  // The same kept work on the home cluster's GPUs at the same widths: compute - compute_at_home is the
  // hardware effect of running elsewhere (negative on faster GPUs).
  Seconds compute_at_home;
  Seconds
      checkpoint_at_home; // the periodic checkpoint stalls, scaled likewise (their number follows compute)
  /// Time the kept work (and its periodic checkpoints) took beyond what it would have taken on the home
  /// cluster's hardware at the same widths; negative on faster hardware.
  Seconds hardware_effect() const { return compute - compute_at_home + checkpoint - checkpoint_at_home; }
  Seconds checkpoint; // periodic checkpoint stalls
  // Ordinary node failures (not provider events): badput by cause.
  Seconds failure_recompute;  // work lost since the last checkpoint
  Seconds restart;            // detection + restart overhead + reading the checkpoint back
  Seconds waiting_for_spares; // no healthy spare node to replace a failed one
  int failures = 0;           // node failures that hit the job
  int job_failures = 0;       // failures of the whole job (software, collective library, storage)
  int interruptions = 0;
  // The scheduler's part: preemptions, and the time from each stop for one to training again (the
  // queue and reading the checkpoint back). The wait before the first start is outside [start, end].
  int preemptions = 0;
  Seconds requeued;
  std::vector<Tenure> tenures;
  std::vector<TransferRecord> transfers;
  std::vector<PortLease> ports;
  // Node-hours paid for nodes held but not training (delivered nodes during porting and warm-up, a
  // hedge's standby until it is used): part of the compute cost, shown on its own.
  Usd idle_cost;
  // split: the gradients exchanged between sites, in both directions, and their egress
  Bytes sync_bytes;
  Usd sync_egress;
  std::vector<StorageLease> storage;
  std::vector<std::string> clusters; // in the order the job ran on them

  /// Starts a storage lease in `region` unless the job already keeps its data there.
  void keep_data(const std::string& region, Bytes bytes, UsdPerGBMonth price, Seconds from);
  /// Ends every open lease (ports and storage) at the end of the job.
  void close_leases(Seconds end);

  void add_lost(LostPart p, Seconds s) { lost_[static_cast<size_t>(p)] += s; }
  Seconds lost(LostPart p) const { return lost_[static_cast<size_t>(p)]; }
  /// Everything the job's wall time was spent on; equals end - start for a finished job.
  Seconds accounted() const;
  /// Time lost to node failures: the failure part of the badput.
  Seconds failure_badput() const { return failure_recompute + restart + waiting_for_spares; }

  Usd compute_cost() const;
  Usd egress_cost() const;
  Usd interconnect_cost() const;
  Usd storage_cost() const;
  Usd total_cost() const;
  Joules energy() const;
  Joules facility_energy() const; // with each region's PUE
  double co2_tonnes() const;      // facility energy x grid carbon intensity
  double gpu_hours() const;

private:
  std::array<Seconds, kLostParts.size()> lost_{};
};

/// One step of a migration: it ends at `end` and could not start before all of `deps` ended.
/// Steps with no deps start at `start`. A step with no part (the job stopping) costs nothing itself.
struct Milestone {
  std::optional<LostPart> part;
  double start = 0;
  double end = 0;
  std::vector<size_t> deps;
};

/// Charges the wall time from `window_start` to the end of `last` along the critical path: the last
/// step is charged from its latest dependency to its own end, then that dependency likewise. Steps
/// hidden behind a longer one cost nothing, so each part is what you would save if it took no time.
void charge_critical_path(const std::vector<Milestone>& steps, size_t last, double window_start,
                          JobLedger& ledger);

} // namespace riftsim
