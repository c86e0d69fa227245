#pragma once
// Bounds on what one run may ask of the simulator, so that no input, however large or absurd, makes a
// run spin for hours or take the machine's memory: loading estimates what a run would simulate and
// refuses it above these (docs/file-formats.md, "Limits"). A scenario's `limits:` block changes them.

namespace riftsim {

struct RunLimits {
  double hosts = 100'000;         // simulated hosts over the platform's clusters (each a SimGrid host)
  double nodes = 10'000'000;      // nodes over the platform's clusters (state is kept per node)
  double segments = 1'000'000;    // compute segments (checkpoint intervals) over the jobs
  double activities = 20'000'000; // SimGrid activities: an Exec per host per segment, node failures
  double years = 100;             // a job's compute time without failures or provider events
  double simulated_years = 200;   // the run's simulated clock: past it, the run is stopped (a job crawling)
};

} // namespace riftsim
