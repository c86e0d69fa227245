#pragma once
// What the workload file describes: training jobs, independent of where they run.
#include "core/input_error.hpp"
#include "core/units.hpp"
#include "model/parallelism.hpp"

#include <optional>
#include <string>
#include <vector>

namespace riftsim {

struct JobSpec {
  std::string name;
  Flops work;               // total useful training FLOPs (given, or 6·N·D)
  double params = 0;        // total parameters; 0 when the file gives only FLOPs and a checkpoint size
  double active_params = 0; // mixture of experts: parameters a token goes through; 0 = all of them
  long long gpus = 0;
  double mfu = 0; // model FLOPs utilisation: achieved / peak; 0 = derived from the platform (step model)
  Seconds checkpoint_interval; // compute time between two checkpoints
  Bytes checkpoint_size;
  Bytes dataset_size;                    // 0 = no dataset to move
  bool checkpoint_interval_auto = false; // Young/Daly optimum from the failure rate and checkpoint cost
  bool checkpoint_async = false;         // the write overlaps the next segment instead of stalling it
  Seconds restart_overhead;              // after a node failure: detection, rescheduling, re-initialisation
  double batch_tokens = 0;               // tokens per optimizer step (global batch); 0 = not given
  enum class NoSpare { Wait, Shrink } on_no_spare = NoSpare::Wait;
  // When and how it asks for capacity (a portfolio's jobs arrive over time; docs/model-capacity.md).
  Seconds submit;                  // from the start of the simulation
  int priority = 0;                // higher first (the priority scheduler), may preempt lower
  std::string project;             // the team; project quotas count its GPUs
  std::optional<Seconds> deadline; // from the start of the simulation; reported when missed
  std::optional<ModelShape> model; // `model:` as given (else a default shape from params)
  ParallelismSpec parallelism;     // `parallelism:` as given (else the default layout rule)
  bool derives_speed() const { return mfu <= 0; }
  SourcePos pos;
};

struct WorkloadSpec {
  std::string file;
  std::vector<JobSpec> jobs;
  const JobSpec* find_job(const std::string& name) const;
};

} // namespace riftsim
