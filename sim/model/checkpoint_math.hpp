#pragma once
// Checkpoint-interval formulas, used for `checkpoint_interval: auto` and to validate the simulation.
//   δ = time to write a checkpoint, M = the job's mean time between failures, R = restart time,
//   τ = compute time between checkpoints, T_s = failure-free compute time.
#include "core/units.hpp"

#include <cmath>

namespace riftsim {

/// Young (1974): τ = sqrt(2 δ M).
inline Seconds young_interval(Seconds delta, Seconds mtbf) {
  return Seconds(std::sqrt(2 * delta.raw() * mtbf.raw()));
}

/// Daly (FGCS 2006), higher-order estimate of the optimum:
/// τ = sqrt(2δM)·[1 + ⅓·sqrt(δ/2M) + ⅑·(δ/2M)] − δ for δ < 2M, else τ = M.
inline Seconds daly_interval(Seconds delta, Seconds mtbf) {
  double d = delta.raw(), m = mtbf.raw();
  if (d >= 2 * m) return mtbf;
  double x = d / (2 * m);
  return Seconds(std::sqrt(2 * d * m) * (1 + std::sqrt(x) / 3 + x / 9) - d);
}

/// Daly's first-order model of the expected wall time: every failure costs the restart plus, on average,
/// half a compute-and-checkpoint cycle, and failures arrive at rate 1/M over the wall time:
///   T_w = T_s·(1 + δ/τ) / (1 − (R + (τ + δ)/2) / M).
inline Seconds daly_first_order_wall(Seconds solve, Seconds tau, Seconds delta, Seconds restart,
                                     Seconds mtbf) {
  double denom = 1 - (restart.raw() + (tau.raw() + delta.raw()) / 2) / mtbf.raw();
  return Seconds(solve.raw() * (1 + delta.raw() / tau.raw()) / denom);
}

/// The same first-order model with asynchronous checkpoints: training never stalls (δ ≤ τ), but a
/// checkpoint only counts once written, δ after its snapshot. A failure x into a segment (uniform over
/// τ) loses x if the last write had completed (x ≥ δ), else x + τ (the snapshot before it is the last one
/// saved): on average τ/2 + δ. So
///   T_w = T_s / (1 − (R + τ/2 + δ) / M).
inline Seconds daly_first_order_wall_async(Seconds solve, Seconds tau, Seconds delta, Seconds restart,
                                           Seconds mtbf) {
  double denom = 1 - (restart.raw() + tau.raw() / 2 + delta.raw()) / mtbf.raw();
  return Seconds(solve.raw() / denom);
}

} // namespace riftsim
