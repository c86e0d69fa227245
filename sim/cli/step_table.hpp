#pragma once
// Deriving step tables before a campaign: each (job, cluster, data-parallel width) a scenario may put a job
// at is simulated once, in a forked child of its own (one SimGrid engine per process), and the campaign's
// simulations, forked afterwards, read every step time through the TrainingSpeed they inherit.
#include "config/loaders.hpp"
#include "model/training_speed.hpp"

#include <memory>
#include <vector>

namespace riftsim {

/// The step table of every job that derives its speed from the platform (no `mfu`), and `extra` keys;
/// `parallel` children at a time. Empty (and no child started) when every job gives its `mfu`. Call before
/// any SimGrid engine exists in this process.
std::shared_ptr<const TrainingSpeed> derive_training_speed(const Inputs& in, int parallel,
                                                           const std::vector<StepKey>& extra = {});

} // namespace riftsim
