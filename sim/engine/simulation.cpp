#include "config/loaders.hpp"
#include "core/text.hpp"
#include "engine/actors.hpp"
#include "engine/capacity_controller.hpp"
#include "engine/sim_log.hpp"
#include "engine/utilization_sampler.hpp"
#include "engine/watchdog.hpp"

#include <algorithm>
#include <deque>
#include <simgrid/plugins/energy.h>
#include <spdlog/spdlog.h>

namespace riftsim {

RunResult simulate(const Inputs& in, const SimOptions& opt, int* argc, char** argv) {
  int local_argc = 1;
  char arg0[] = "riftsim";
  char* local_argv[] = {arg0, nullptr};
  if (!argc) {
    argc = &local_argc;
    argv = local_argv;
  }
  quiet_simgrid_logging(*argc, argv);
  // The user's own --cfg=network/... wins over riftsim's network model. Look before the engine strips
  // SimGrid's flags from argv.
  bool user_network = false;
  for (int i = 1; i < *argc; ++i)
    user_network = user_network || std::string(argv[i]).rfind("--cfg=network/", 0) == 0;
  sg4::Engine engine(argc, argv);
  setup_sim_logging(opt.log_level);
  if (!user_network) configure_network_model();
  sg_host_energy_plugin_init();
  BuiltPlatform platform = build_platform(in.platform);
  // Two of SimGrid 3.32's hooks on every Exec's suspend and resume cost a quarter of a portfolio's run;
  // riftsim does their work more cheaply, or needs none of it (engine/sg_compat.hpp).
  sg::take_over_energy_updates();
  sg::take_off_vm_hooks();

  RunLog log;
  log.recording = opt.timeline;
  ProgressLine progress(opt.progress);
  static const TrainingSpeed kMfuOnly; // every job gives its `mfu`: nothing derived
  const TrainingSpeed* speed = opt.speed ? opt.speed.get() : &kMfuOnly;
  std::deque<JobRuntime> jobs; // deque: actors hold references, which must not move
  std::vector<JobRuntime*> job_ptrs;
  for (const auto& pl : in.scenario.placements) {
    JobRuntime& j = jobs.emplace_back();
    j.spec = in.workload.find_job(pl.job);
    j.strategy = make_strategy(pl.response, in.platform);
    j.response = &pl.response;
    j.platform = &platform;
    j.current = &platform.cluster(pl.cluster); // where it asks to run; the controller places it
    j.home = j.current;
    for (const auto& name : pl.candidates) j.candidates.push_back(&platform.cluster(name));
    // The response may open more clusters to the scheduler (a burst); the baseline keeps to the placement's.
    if (opt.with_events)
      for (const auto& name : pl.response.candidates)
        if (ClusterRuntime* c = &platform.cluster(name);
            std::find(j.candidates.begin(), j.candidates.end(), c) == j.candidates.end())
          j.candidates.push_back(c);
    if (j.candidates.empty()) j.candidates.push_back(j.current);
    j.checkpoint_region = j.current->region;
    j.dataset_region = j.current->region;
    j.id = static_cast<int>(jobs.size()) - 1;
    j.speed = speed;
    j.active_gpus = j.spec->gpus;
    j.log = &log;
    j.control = platform.control;
    j.progress_line = &progress;
    job_ptrs.push_back(&j);
  }
  // The one owner of capacity; every job, event and failure goes through it.
  CapacityController controller(platform, job_ptrs, in.scenario, opt.with_events, log);
  for (JobRuntime* j : job_ptrs) j->controller = &controller;
  sg::spawn("capacity-controller", platform.control, [&controller] { controller(); });
  for (JobRuntime* j : job_ptrs) sg::spawn(j->spec->name + "-runner", platform.control, JobRunner(*j));
  bool job_failures = false;
  for (const auto& [id, c] : platform.clusters)
    job_failures = job_failures || (c.spec->failures && c.spec->failures->job_mtbf);
  if (in.scenario.failures && job_failures)
    for (JobRuntime* j : job_ptrs)
      sg::spawn(j->spec->name + "-job-failures", platform.control, JobFailureInjector(*j, opt.seed, log))
          ->daemonize();
  for (auto& [id, c] : platform.clusters)
    if (c.spec->failures && in.scenario.failures)
      sg::spawn("failures-" + id, platform.control, FailureInjector(c, job_ptrs, opt.seed, log, controller))
          ->daemonize();
  if (opt.with_events && !in.scenario.events.empty())
    sg::spawn("provider-timeline", platform.control, ProviderTimeline(in.scenario.events, controller))
        ->daemonize();

  // A run whose jobs crawl (failures or interruptions all but as fast as the checkpoints, nodes that never
  // come back) can pass every check up front and still simulate for ever: stopped at a horizon.
  const double horizon = in.scenario.limits.simulated_years * kSecondsPerYear;
  sg::spawn("horizon", platform.control, [horizon, years = in.scenario.limits.simulated_years] {
    sg4::this_actor::sleep_until(horizon);
    watchdog().fail(fmt::format("the run passed {} simulated without its jobs finishing: they make "
                                "almost no progress (failures or interruptions nearly as frequent as "
                                "checkpoints, or nodes that are not repaired); raise it with 'limits: "
                                "{{simulated_years: N}}' in the scenario",
                                count_of(static_cast<size_t>(years), "year")));
  })->daemonize();

  UtilizationSampler sampler(platform, controller, job_ptrs, opt.utilization_bucket);
  sg::spawn("utilization-sampler", platform.control, [&sampler] { sampler(); })->daemonize();

  engine.run();
  progress.finish();
  sampler.finish(sg4::Engine::get_clock());
  if (!watchdog().reason().empty()) throw SimulationStuck(watchdog().reason());

  RunResult r;
  r.scenario = in.scenario.name;
  r.seed = opt.seed;
  r.with_events = opt.with_events;
  r.simulated_end = Seconds(sg4::Engine::get_clock());
  // A cut-off provider stays cut off until a restore of the same scope, or to the end of the run.
  for (size_t i = 0; i < log.events.size(); ++i) {
    const EventRecord& e = log.events[i];
    if (e.kind != EventKind::Cutoff) continue;
    double end = r.simulated_end.raw();
    for (size_t k = i + 1; k < log.events.size(); ++k)
      if (log.events[k].kind == EventKind::Restore && log.events[k].provider == e.provider &&
          log.events[k].cluster == e.cluster) {
        end = log.events[k].time;
        break;
      }
    log.span(true, e.provider, SpanKind::CutOff, e.time, end, e.cluster.empty() ? "all regions" : e.cluster);
  }
  std::stable_sort(log.events.begin(), log.events.end(),
                   [](const EventRecord& a, const EventRecord& b) { return a.time < b.time; });
  r.log = std::move(log);
  r.utilization = std::move(sampler.utilization);
  r.queue = std::move(sampler.queue);
  for (JobRuntime* j : job_ptrs) {
    JobResult jr;
    jr.name = j->spec->name;
    jr.status = j->status;
    jr.submit = j->spec->submit;
    jr.priority = j->spec->priority;
    jr.project = j->spec->project;
    jr.deadline = j->spec->deadline;
    jr.gpus = j->spec->gpus;
    jr.started = j->ever_started;
    jr.status_detail = j->status_detail;
    jr.start = Seconds(j->start);
    jr.end = Seconds(j->end);
    jr.ledger = j->ledger;
    jr.ledger.close_leases(Seconds(j->finished ? j->end : r.simulated_end.raw()));
    r.jobs.push_back(std::move(jr));
  }
  // Reservations: billed for their term, used or not; what jobs ran on them they do not pay twice.
  std::vector<const Tenure*> tenures;
  for (const JobResult& jr : r.jobs)
    for (const Tenure& t : jr.ledger.tenures) tenures.push_back(&t);
  for (const ReservationSpec& spec : controller.reservations()) {
    ReservationUse u;
    u.name = spec.name;
    u.cluster = spec.cluster;
    u.provider = in.platform.find_cluster(spec.cluster)->provider;
    u.nodes = spec.nodes;
    u.from = spec.from;
    u.to = spec.to;
    u.price = spec.price;
    account_reservation(u, tenures);
    r.reservations.push_back(u);
  }
  return r;
}

} // namespace riftsim
