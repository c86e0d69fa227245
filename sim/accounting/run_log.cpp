#include "accounting/run_log.hpp"

namespace riftsim {

const char* event_name(EventKind k) {
  switch (k) {
  case EventKind::Start:
    return "start";
  case EventKind::Checkpoint:
    return "checkpoint";
  case EventKind::Notice:
    return "notice";
  case EventKind::Price:
    return "price";
  case EventKind::Grant:
    return "grant";
  case EventKind::LinkDown:
    return "link_down";
  case EventKind::LinkUp:
    return "link_up";
  case EventKind::Throttle:
    return "throttle";
  case EventKind::Restore:
    return "restore";
  case EventKind::Cutoff:
    return "cutoff";
  case EventKind::HostsLost:
    return "hosts_lost";
  case EventKind::Halt:
    return "halt";
  case EventKind::Decision:
    return "decision";
  case EventKind::TransferStart:
    return "transfer_start";
  case EventKind::TransferEnd:
    return "transfer_end";
  case EventKind::CapacityGranted:
    return "capacity_granted";
  case EventKind::Ported:
    return "ported";
  case EventKind::Resume:
    return "resume";
  case EventKind::Finish:
    return "finish";
  case EventKind::Stranded:
    return "stranded";
  case EventKind::NoProgress:
    return "no_progress";
  case EventKind::NodeFailure:
    return "node_failure";
  case EventKind::Restarted:
    return "restarted";
  case EventKind::JobFailure:
    return "job_failure";
  case EventKind::Preempted:
    return "preempted";
  }
  return "?";
}

const char* span_name(SpanKind k) {
  switch (k) {
  case SpanKind::Compute:
    return "compute";
  case SpanKind::LostCompute:
    return "lost compute";
  case SpanKind::Checkpoint:
    return "checkpoint";
  case SpanKind::FinalCheckpoint:
    return "final checkpoint";
  case SpanKind::Detection:
    return "detection";
  case SpanKind::Provisioning:
    return "provisioning";
  case SpanKind::Porting:
    return "porting";
  case SpanKind::Transfer:
    return "transfer";
  case SpanKind::Restart:
    return "restart";
  case SpanKind::CutOff:
    return "cut off";
  case SpanKind::Tenure:
    return "tenure";
  case SpanKind::FailureRestart:
    return "failure restart";
  case SpanKind::Waiting:
    return "waiting for capacity";
  case SpanKind::Warmup:
    return "warm-up";
  case SpanKind::Queued:
    return "queued (preempted)";
  case SpanKind::WaitingForSpares:
    return "waiting for spares";
  }
  return "?";
}

} // namespace riftsim
