#pragma once
// The SimGrid half of the step model (model/training_speed.hpp): one occurrence of each communication phase
// of a planned step, simulated on the cluster's own fabric. A step platform is detailed (one host per node,
// one host per GPU inside a node) where the campaign's platform groups nodes into a few hosts, so it runs in
// an engine of its own: a forked child per step (cli/step_table.cpp), before the campaign's engine exists.
#include "model/training_speed.hpp"

namespace riftsim {

/// Simulates `plan`'s phases on `cluster`: between nodes over its fabric (fat-tree with its oversubscription,
/// or a star; one host per node, the NIC at the node's scale-out bandwidth), and inside one node over its
/// scale-up links (one host per GPU on a switch). Creates this process's SimGrid engine: call at most once
/// per process, and in no process that has another engine.
PhaseCosts simulate_step_phases(const ClusterSpec& cluster, const StepPlan& plan);

/// Latency of one scale-up link (GPU to switch) and of one scale-out link (NIC to switch, switch to switch):
/// estimates of the order NCCL's small-message tests show, documented in docs/model-training.md.
constexpr double kScaleUpLinkLatency = 1e-6;
constexpr double kFabricLinkLatency = 1e-6;

} // namespace riftsim
