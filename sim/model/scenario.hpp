#pragma once
// What the scenario file describes: which platform and workload, where each job starts, how it
// responds to provider events, and the timed provider events themselves.
#include "core/input_error.hpp"
#include "core/units.hpp"
#include "model/expectation.hpp"
#include "model/limits.hpp"
#include "model/platform.hpp"

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace riftsim {

/// Scope of a provider event: a whole provider ("azure") or one region ("azure/eastus").
struct ProviderScope {
  std::string provider;
  std::string region; // empty = every region of the provider
  bool covers_region(const std::string& region_id, const std::string& region_provider) const {
    return region_provider == provider && (region.empty() || region == region_id);
  }
  std::string str() const { return region.empty() ? provider : region; }
  bool operator==(const ProviderScope&) const = default;
};

/// The provider stops supplying compute to the tenant at `at`; `notice` before that, the tenant is told.
struct CutoffEvent {
  ProviderScope scope;
  Seconds at;
  Seconds notice;
};

/// The provider supplies compute again where it had cut it off.
struct RestoreEvent {
  ProviderScope scope;
  Seconds at;
};

/// The provider keeps only `to` (a fraction) of the tenant's nodes in the scope; jobs on the nodes taken
/// away lose them, as in a cutoff.
struct ThrottleEvent {
  ProviderScope scope;
  Seconds at;
  double to = 1.0;
  Seconds notice; // how long before, the tenant is told (0: no notice)
};

/// The provider changes its price for the scope: node-hours from `at` on cost `factor` times the list price.
struct PriceEvent {
  ProviderScope scope;
  Seconds at;
  double factor = 1.0;
  Seconds notice; // how long before, the tenant is told (0: no notice)
};

/// Another provider grants the tenant capacity on `cluster` at `at`: its nodes arrive from then on as
/// `capacity` says, after `lead_time`. Jobs stranded for want of capacity look again.
struct GrantEvent {
  std::string cluster; // cluster id
  Seconds at;
  Seconds lead_time;
  std::optional<CapacitySpec> capacity; // default: the cluster's own capacity model
};

/// A WAN link goes down (`up` false) or comes back. Copies on it stop and go on over another path
/// joining the same regions if one is up, else when it comes back.
struct LinkEvent {
  std::string link; // link name
  Seconds at;
  bool up = false;
};

using ProviderEvent =
    std::variant<CutoffEvent, RestoreEvent, ThrottleEvent, PriceEvent, GrantEvent, LinkEvent>;

struct TimedEvent {
  ProviderEvent event;
  SourcePos pos;
};

/// A reserved commitment bought in advance: `nodes` of `cluster` are the tenant's from `from` to `to`,
/// billed at `price` per node-hour whether used or not; jobs on them pay nothing more.
struct ReservationSpec {
  std::string cluster;
  int nodes = 0;
  Seconds from;
  Seconds to;
  UsdPerHour price; // per node-hour
  std::string name; // for output
  SourcePos pos;
};

/// Parallel streams per WAN copy when a response does not say (each is capped by a link's per-flow rate;
/// Skyplane's benchmark ran 8 gateways, docs/sources.md).
constexpr int kDefaultStreams = 8;

/// How a job responds when its capacity goes away. `strategy` names a ResponseStrategy
/// implementation (see policy/); the remaining fields are that strategy's parameters.
struct ResponseSpec {
  std::string name;                    // a label for side-by-side runs (default: the strategy)
  std::string strategy = "migrate";    // migrate | wait | shrink | hedge | split
  std::string standby;                 // hedge: the cluster kept warm, checkpoints replicated to it
  std::string rule = "preference";     // migrate: preference | earliest_finish | lowest_cost
  std::optional<Usd> budget;           // migrate: skip targets whose estimated cost is above
  bool exit_waiver = false;            // migrate: leaving the provider is free (its 2024 exit program)
  std::optional<double> price_limit;   // migrate: move on its own when the price exceeds this x the list
  std::vector<std::string> targets;    // cluster ids in order of preference (migrate, split)
  std::vector<SourcePos> targets_pos;  // where each target is named
  SourcePos standby_pos;               // where the standby is named
  std::vector<SourcePos> paths_pos;    // where each path is named
  int sync_every = 1;                  // split: optimizer steps between two cross-site gradient exchanges
  double gradient_bytes_per_param = 2; // split: bytes of one parameter's gradient on the wire (bf16)
  Seconds detection;                   // from the event to a decision being made
  Seconds porting;                     // port and validate the software on the target, once nodes are there
  std::vector<std::string> paths;      // links the job's copies take where they join the two regions
  int streams = kDefaultStreams;       // parallel streams per copy (each capped by the link's per_flow)
  Seconds warmup;                      // after restarting on a new layout: re-shard, compile, ramp up
  // Commitments bought as part of this response (a reservation at another provider, as a hedge),
  // shared by every job whose response names the same one; billed in its runs only.
  std::vector<ReservationSpec> reservations;
  // Clusters this response lets the scheduler start (and restart) the job on too, after its placement's
  // candidates: bursting to another provider is a response as much as moving is.
  std::vector<std::string> candidates;
  SourcePos pos;
};

struct PlacementSpec {
  std::string job;
  std::string cluster;                    // cluster id: where it asks to run first (its home)
  std::vector<std::string> candidates;    // every cluster it may start on, home first (the scheduler picks)
  ResponseSpec response;                  // the one in force for this run
  std::vector<ResponseSpec> alternatives; // all those listed, when several are compared side by side
  SourcePos pos;
};

/// How jobs waiting to start are scheduled (policy/scheduler.hpp).
struct SchedulerSpec {
  std::string policy = "fifo";          // fifo | easy | priority
  std::string placement = "home_first"; // home_first | cheapest | earliest_start
  SourcePos pos;
};

struct ScenarioSpec {
  std::string file;
  std::string name;
  std::string description;
  std::string platform_file; // resolved path
  std::string workload_file; // resolved path
  std::vector<PlacementSpec> placements;
  // `every_job:`: the placement of each workload job the scenario does not list by name (a portfolio).
  std::optional<PlacementSpec> every_job;
  SchedulerSpec scheduler;
  std::map<std::string, long long> project_quota; // GPUs a project may hold at once
  std::vector<ReservationSpec> reservations;      // bought in advance, in every run
  std::vector<TimedEvent> events;
  std::vector<Expectation> expectations; // checked against summary.json after the run
  bool failures = true;                  // false: the platform's node-failure models are switched off
  RunLimits limits;                      // what one run may simulate at most (`limits:`)
  SourcePos platform_pos, workload_pos;  // where the scenario names its platform and workload files
};

} // namespace riftsim
