#pragma once
// The timeline of a run: discrete events (events.csv) and spans of activity (trace.json). The engine
// appends to it as things happen; output renders it. Kinds are types; names are for output only.
#include <string>
#include <vector>

namespace riftsim {

enum class EventKind {
  Start,           // a job started training
  Checkpoint,      // a checkpoint was saved (progress = fraction of the work it holds)
  Notice,          // a provider announced a cutoff
  Cutoff,          // a provider stopped supplying compute
  Restore,         // a provider supplies compute again
  Throttle,        // a provider took part of the tenant's nodes away
  Price,           // a provider changed its price
  Grant,           // a provider granted the tenant capacity on a cluster
  LinkDown,        // a WAN link went down
  LinkUp,          // a WAN link came back
  HostsLost,       // a job lost its hosts; work since its last checkpoint is gone
  Halt,            // a job stopped on purpose to move, its progress saved
  Decision,        // a response strategy decided (detail says what)
  TransferStart,   // a WAN copy started
  TransferEnd,     // a WAN copy finished
  CapacityGranted, // the target's nodes were delivered
  Ported,          // the software was ported and validated on the target
  Resume,          // a job resumed training
  Finish,          // a job finished training
  Stranded,        // a job had nowhere to go
  NoProgress,      // a job was given up: failures came faster than it could save a checkpoint
  NodeFailure,     // a node under the job failed (ordinary failure, not a provider event)
  Restarted,       // the job restarted after a node failure
  JobFailure,      // the whole job failed (software, collective library, storage), not a node
  Preempted,       // the scheduler made the job give its GPUs to a higher priority; it is queued again
};
const char* event_name(EventKind k);

struct EventRecord {
  double time = 0;
  EventKind kind = EventKind::Start;
  std::string job; // empty for provider-wide events
  std::string provider;
  std::string cluster;  // cluster id, or region id for transfers and storage
  double progress = -1; // fraction of the job's work saved, where it applies; -1 otherwise
  std::string detail;
};

enum class SpanKind {
  Compute,         // training whose work was kept
  LostCompute,     // training whose work was lost before a checkpoint saved it
  Checkpoint,      // writing a periodic checkpoint (training stalled)
  FinalCheckpoint, // writing the checkpoint that saves progress before a move
  Detection,       // from an event to a decision
  Provisioning,    // waiting for the target's nodes
  Porting,         // porting and validating on the target
  Transfer,        // a WAN copy
  Restart,         // reading the checkpoint back
  CutOff,          // a provider's compute is cut off (provider track)
  Tenure,          // a job holding nodes at a provider (provider track)
  FailureRestart,  // restarting after a node failure
  WaitingForSpares,
  Waiting, // holding a checkpoint until the provider restores capacity
  Warmup,  // re-sharding and ramping up on a new layout
  Queued,  // preempted: waiting in the queue, its progress saved, until the scheduler restarts it
};
const char* span_name(SpanKind k);

struct Span {
  bool provider_track = false; // false: the track of job `track`; true: of provider `track`
  std::string track;
  SpanKind kind = SpanKind::Compute;
  double start = 0;
  double end = 0;
  std::string detail;
};

struct RunLog {
  std::vector<EventRecord> events;
  std::vector<Span> spans;
  // False when nobody will read the timeline (replications after the first, baselines): a run with
  // failures logs ~25,000 records, and results never depend on them.
  bool recording = true;

  void event(double time, EventKind kind, std::string job, std::string provider, std::string cluster,
             std::string detail = {}, double progress = -1) {
    if (!recording) return;
    events.push_back(
        {time, kind, std::move(job), std::move(provider), std::move(cluster), progress, std::move(detail)});
  }
  void span(bool provider_track, std::string track, SpanKind kind, double start, double end,
            std::string detail = {}) {
    if (recording && end > start)
      spans.push_back({provider_track, std::move(track), kind, start, end, std::move(detail)});
  }
};

} // namespace riftsim
