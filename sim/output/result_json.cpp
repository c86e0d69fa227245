#include "output/result_json.hpp"

#include "core/units.hpp"
#include "output/planner_files.hpp"

namespace riftsim {
namespace {

/// The step a tenure trained at: its layout and where the step's time went (docs/outputs.md); null
/// before the job trained there.
ojson tenure_step_json(const std::optional<TenureStep>& s) {
  if (!s) return nullptr;
  if (!s->derived) return {{"derived", false}, {"mfu", s->mfu}};
  return {{"derived", true},
          {"layout",
           {{"text", s->layout},
            {"tensor", s->tp},
            {"pipeline", s->pp},
            {"data", s->dp},
            {"expert", s->ep},
            {"microbatch", s->microbatch},
            {"microbatches", s->microbatches}}},
          {"step_s", s->step.raw()},
          {"parts_s",
           {{"compute", s->compute.raw()},
            {"exposed_tp", s->exposed_tp.raw()},
            {"exposed_ep", s->exposed_ep.raw()},
            {"pp_p2p", s->pp_p2p.raw()},
            {"pp_bubble", s->pp_bubble.raw()},
            {"exposed_dp", s->exposed_dp.raw()}}},
          {"mfu", s->mfu}};
}

std::optional<TenureStep> tenure_step_from(const ojson& j) {
  if (j.is_null()) return std::nullopt;
  TenureStep s;
  s.derived = j.at("derived");
  s.mfu = j.at("mfu");
  if (!s.derived) return s;
  const ojson& l = j.at("layout");
  s.layout = l.at("text");
  s.tp = l.at("tensor");
  s.pp = l.at("pipeline");
  s.dp = l.at("data");
  s.ep = l.at("expert");
  s.microbatch = l.at("microbatch");
  s.microbatches = l.at("microbatches");
  s.step = Seconds(j.at("step_s"));
  const ojson& p = j.at("parts_s");
  s.compute = Seconds(p.at("compute"));
  s.exposed_tp = Seconds(p.at("exposed_tp"));
  s.exposed_ep = Seconds(p.at("exposed_ep"));
  s.pp_p2p = Seconds(p.at("pp_p2p"));
  s.pp_bubble = Seconds(p.at("pp_bubble"));
  s.exposed_dp = Seconds(p.at("exposed_dp"));
  return s;
}

ojson tenure_json(const Tenure& t) {
  return {{"cluster", t.cluster},
          {"provider", t.provider},
          {"gpus", t.gpus},
          {"nodes", t.nodes},
          {"node_price_usd_per_h", t.node_price.raw()},
          {"start_s", t.start.raw()},
          {"end_s", t.end.raw()},
          {"energy_j", t.energy.raw()},
          {"pue", t.pue},
          {"carbon_g_per_kwh", t.carbon_g_per_kwh}};
}

Tenure tenure_from(const ojson& j) {
  Tenure t;
  t.cluster = j.at("cluster");
  t.provider = j.at("provider");
  t.gpus = j.at("gpus");
  t.nodes = j.at("nodes");
  t.node_price = UsdPerHour(j.at("node_price_usd_per_h"));
  t.start = Seconds(j.at("start_s"));
  t.end = Seconds(j.at("end_s"));
  t.energy = Joules(j.at("energy_j"));
  t.pue = j.at("pue");
  t.carbon_g_per_kwh = j.at("carbon_g_per_kwh");
  t.step = tenure_step_from(j.at("step"));
  return t;
}

ojson transfer_json(const TransferRecord& t) {
  return {{"what", t.what},           {"from_region", t.from_region}, {"to_region", t.to_region},
          {"path", t.path},           {"streams", t.streams},         {"bytes", t.bytes.raw()},
          {"start_s", t.start.raw()}, {"end_s", t.end.raw()},         {"egress_usd", t.egress.raw()}};
}

TransferRecord transfer_from(const ojson& j) {
  TransferRecord t;
  t.what = j.at("what");
  t.from_region = j.at("from_region");
  t.to_region = j.at("to_region");
  t.path = j.at("path");
  t.streams = j.at("streams");
  t.bytes = Bytes(j.at("bytes"));
  t.start = Seconds(j.at("start_s"));
  t.end = Seconds(j.at("end_s"));
  t.egress = Usd(j.at("egress_usd"));
  return t;
}

ojson cost_json(const JobLedger& l) {
  return {{"compute", l.compute_cost().raw()}, {"idle", l.idle_cost.raw()},
          {"egress", l.egress_cost().raw()},   {"interconnect", l.interconnect_cost().raw()},
          {"storage", l.storage_cost().raw()}, {"total", l.total_cost().raw()}};
}

ojson port_json(const PortLease& p) {
  return {{"link", p.link}, {"usd_per_h", p.price.raw()}, {"start_s", p.start.raw()}, {"end_s", p.end.raw()}};
}

PortLease port_from(const ojson& j) {
  return {j.at("link"), UsdPerHour(j.at("usd_per_h")), Seconds(j.at("start_s")), Seconds(j.at("end_s"))};
}

ojson storage_json(const StorageLease& s) {
  return {{"region", s.region},
          {"bytes", s.bytes.raw()},
          {"usd_per_gb_month", s.price.raw()},
          {"start_s", s.start.raw()},
          {"end_s", s.end.raw()}};
}

StorageLease storage_from(const ojson& j) {
  return {j.at("region"), Bytes(j.at("bytes")), UsdPerGBMonth(j.at("usd_per_gb_month")),
          Seconds(j.at("start_s")), Seconds(j.at("end_s"))};
}

} // namespace

ojson run_result_to_json(const RunResult& r) {
  ojson jobs = ojson::array();
  for (const auto& jr : r.jobs) {
    const JobLedger& l = jr.ledger;
    ojson lost = ojson::object();
    for (LostPart p : kLostParts) lost[part_name(p)] = l.lost(p).raw();
    ojson tenures = ojson::array(), transfers = ojson::array();
    for (const auto& t : l.tenures) {
      tenures.push_back(tenure_json(t));
      tenures.back()["step"] = tenure_step_json(t.step);
    }
    for (const auto& t : l.transfers) transfers.push_back(transfer_json(t));
    ojson ports = ojson::array(), storage = ojson::array();
    for (const auto& p : l.ports) ports.push_back(port_json(p));
    for (const auto& st : l.storage) storage.push_back(storage_json(st));
    jobs.push_back({{"name", jr.name},
                    {"status", status_name(jr.status)},
                    {"status_detail", jr.status_detail},
                    {"submit_s", jr.submit.raw()},
                    {"priority", jr.priority},
                    {"project", jr.project},
                    {"deadline_s", jr.deadline ? ojson(jr.deadline->raw()) : ojson(nullptr)},
                    {"gpus", jr.gpus},
                    {"started", jr.started},
                    {"preemptions", l.preemptions},
                    {"requeued_s", l.requeued.raw()},
                    {"start_s", jr.start.raw()},
                    {"end_s", jr.end.raw()},
                    {"compute_s", l.compute.raw()},
                    {"compute_at_home_s", l.compute_at_home.raw()},
                    {"checkpoint_s", l.checkpoint.raw()},
                    {"checkpoint_at_home_s", l.checkpoint_at_home.raw()},
                    {"failure_recompute_s", l.failure_recompute.raw()},
                    {"restart_s", l.restart.raw()},
                    {"waiting_for_spares_s", l.waiting_for_spares.raw()},
                    {"failures", l.failures},
                    {"job_failures", l.job_failures},
                    {"lost_s", lost},
                    {"interruptions", l.interruptions},
                    {"clusters", l.clusters},
                    {"tenures", tenures},
                    {"transfers", transfers},
                    {"ports", ports},
                    {"storage", storage},
                    {"sync_bytes", l.sync_bytes.raw()},
                    {"idle_cost_usd", l.idle_cost.raw()},
                    {"sync_egress_usd", l.sync_egress.raw()}});
  }
  ojson events = ojson::array(), spans = ojson::array();
  for (const auto& e : r.log.events)
    events.push_back({e.time, static_cast<int>(e.kind), e.job, e.provider, e.cluster, e.progress, e.detail});
  for (const auto& s : r.log.spans)
    spans.push_back({s.provider_track, s.track, static_cast<int>(s.kind), s.start, s.end, s.detail});
  ojson util = ojson::array(), queue = ojson::array(), reservations = ojson::array();
  for (const auto& u : r.utilization)
    util.push_back({u.cluster, u.provider, u.start, u.length, u.nodes, u.delivered, u.busy, u.reserved,
                    u.down, u.power_w});
  for (const auto& q : r.queue) queue.push_back({q.start, q.length, q.mean_jobs, q.mean_gpus, q.max_jobs});
  for (const auto& v : r.reservations)
    reservations.push_back({v.name, v.cluster, v.provider, v.nodes, v.from.raw(), v.to.raw(), v.price.raw(),
                            v.covered.raw(), v.used_node_hours});
  return {{"scenario", r.scenario},
          {"seed", r.seed},
          {"with_events", r.with_events},
          {"simulated_end_s", r.simulated_end.raw()},
          {"jobs", jobs},
          {"events", events},
          {"spans", spans},
          {"utilization", util},
          {"queue", queue},
          {"reservations", reservations}};
}

RunResult run_result_from_json(const ojson& j) {
  RunResult r;
  r.scenario = j.at("scenario");
  r.seed = j.at("seed");
  r.with_events = j.at("with_events");
  r.simulated_end = Seconds(j.at("simulated_end_s"));
  for (const auto& jj : j.at("jobs")) {
    JobResult jr;
    jr.name = jj.at("name");
    jr.status = status_from_name(jj.at("status").get<std::string>()).value();
    jr.status_detail = jj.at("status_detail");
    jr.start = Seconds(jj.at("start_s"));
    jr.end = Seconds(jj.at("end_s"));
    jr.submit = Seconds(jj.at("submit_s"));
    jr.priority = jj.at("priority");
    jr.project = jj.at("project");
    if (!jj.at("deadline_s").is_null()) jr.deadline = Seconds(jj.at("deadline_s"));
    jr.gpus = jj.at("gpus");
    jr.started = jj.at("started");
    JobLedger& l = jr.ledger;
    l.preemptions = jj.at("preemptions");
    l.requeued = Seconds(jj.at("requeued_s"));
    l.compute = Seconds(jj.at("compute_s"));
    l.compute_at_home = Seconds(jj.at("compute_at_home_s"));
    l.checkpoint = Seconds(jj.at("checkpoint_s"));
    l.checkpoint_at_home = Seconds(jj.at("checkpoint_at_home_s"));
    l.failure_recompute = Seconds(jj.at("failure_recompute_s"));
    l.restart = Seconds(jj.at("restart_s"));
    l.waiting_for_spares = Seconds(jj.at("waiting_for_spares_s"));
    l.failures = jj.at("failures");
    l.job_failures = jj.at("job_failures");
    for (LostPart p : kLostParts) l.add_lost(p, Seconds(jj.at("lost_s").at(part_name(p))));
    l.interruptions = jj.at("interruptions");
    l.clusters = jj.at("clusters").get<std::vector<std::string>>();
    for (const auto& t : jj.at("tenures")) l.tenures.push_back(tenure_from(t));
    for (const auto& t : jj.at("transfers")) l.transfers.push_back(transfer_from(t));
    for (const auto& p : jj.at("ports")) l.ports.push_back(port_from(p));
    for (const auto& st : jj.at("storage")) l.storage.push_back(storage_from(st));
    l.sync_bytes = Bytes(jj.at("sync_bytes"));
    l.idle_cost = Usd(jj.at("idle_cost_usd"));
    l.sync_egress = Usd(jj.at("sync_egress_usd"));
    r.jobs.push_back(std::move(jr));
  }
  for (const auto& e : j.at("events"))
    r.log.events.push_back({e[0], static_cast<EventKind>(e[1].get<int>()), e[2], e[3], e[4], e[5], e[6]});
  for (const auto& s : j.at("spans"))
    r.log.spans.push_back({s[0], s[1], static_cast<SpanKind>(s[2].get<int>()), s[3], s[4], s[5]});
  for (const auto& u : j.at("utilization"))
    r.utilization.push_back({u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9]});
  for (const auto& q : j.at("queue")) r.queue.push_back({q[0], q[1], q[2], q[3], q[4]});
  for (const auto& v : j.at("reservations"))
    r.reservations.push_back(
        {v[0], v[1], v[2], v[3], Seconds(v[4]), Seconds(v[5]), UsdPerHour(v[6]), Usd(v[7]), v[8]});
  return r;
}

ojson summary_json(const ScenarioInfo& s, const RunResult& run, const RunResult& baseline) {
  ojson jobs = ojson::object();
  for (const auto& jr : run.jobs) {
    const JobLedger& l = jr.ledger;
    const JobResult* base = baseline.find(jr.name);
    bool finished = jr.status == JobStatus::Finished;
    bool comparable = finished && base && base->status == JobStatus::Finished;
    ojson j;
    j["name"] = jr.name;
    j["status"] = status_name(jr.status);
    j["status_detail"] = jr.status_detail.empty() ? ojson(nullptr) : ojson(jr.status_detail);
    j["project"] = jr.project;
    j["priority"] = jr.priority;
    j["gpus"] = jr.gpus;
    j["submit_s"] = jr.submit.raw();
    j["wait_s"] = jr.wait().raw();
    j["deadline_s"] = jr.deadline ? ojson(jr.deadline->raw()) : ojson(nullptr);
    j["missed_deadline"] = jr.deadline ? ojson(jr.missed_deadline()) : ojson(nullptr);
    j["preemptions"] = l.preemptions;
    j["requeued_s"] = l.requeued.raw();
    j["start_s"] = jr.start.raw();
    j["end_s"] = jr.end.raw();
    j["wall_time_s"] = finished ? ojson(jr.wall().raw()) : ojson(nullptr);
    j["baseline_wall_time_s"] = base ? ojson(base->wall().raw()) : ojson(nullptr);
    if (comparable) {
      double lost = (jr.wall() - base->wall()).raw();
      // Every part but slowdown is measured; slowdown is what remains: useful compute and periodic
      // checkpoints taking longer (or shorter) than in the baseline, i.e. other hardware.
      double measured = 0;
      ojson parts = ojson::object();
      for (LostPart p : kLostParts) {
        if (p == LostPart::Slowdown) continue;
        parts[part_name(p)] = l.lost(p).raw();
        measured += l.lost(p).raw();
      }
      // Node failures cost time in both runs (common random numbers where on the same hardware); the
      // part is the difference, e.g. failures on the new hardware after a move.
      double failures = (l.failure_badput() - base->ledger.failure_badput()).raw();
      parts["failures"] = failures;
      measured += failures;
      // The kept work took this much longer (shorter: negative) on other GPUs than it would have on the
      // home cluster's at the same width: the hardware effect, apart from the disruption.
      double hardware = l.hardware_effect().raw();
      parts["hardware"] = hardware;
      measured += hardware;
      parts[part_name(LostPart::Slowdown)] = lost - measured;
      j["time_lost_s"] = lost;
      j["disruption_s"] = lost - hardware;
      j["hardware_effect_s"] = hardware;
      j["time_lost_breakdown_s"] = parts;
    } else {
      j["time_lost_s"] = nullptr;
      j["disruption_s"] = nullptr;
      j["hardware_effect_s"] = nullptr;
      j["time_lost_breakdown_s"] = nullptr;
    }
    j["time_s"] = {{"compute", l.compute.raw()}, {"checkpoint", l.checkpoint.raw()}};
    j["goodput"] =
        finished && jr.wall().raw() > 0 ? ojson(l.compute.raw() / jr.wall().raw()) : ojson(nullptr);
    j["badput_s"] = {{"recompute", (l.failure_recompute + l.lost(LostPart::Recompute)).raw()},
                     {"checkpoint", (l.checkpoint + l.lost(LostPart::FinalCheckpoint)).raw()},
                     {"restart", l.restart.raw()},
                     {"waiting_for_spares", l.waiting_for_spares.raw()}};
    j["failures"] = l.failures;
    j["job_failures"] = l.job_failures;
    j["interruptions"] = l.interruptions;
    j["gpu_hours"] = l.gpu_hours();
    j["cost_usd"] = cost_json(l);
    j["baseline_cost_usd"] = base ? cost_json(base->ledger) : ojson(nullptr);
    j["energy_kwh"] = kwh(l.energy());
    j["baseline_energy_kwh"] = base ? ojson(kwh(base->ledger.energy())) : ojson(nullptr);
    j["facility_energy_kwh"] = kwh(l.facility_energy());
    j["co2_tonnes"] = l.co2_tonnes();
    j["clusters"] = l.clusters;
    ojson tenures = ojson::array(), transfers = ojson::array();
    for (const auto& t : l.tenures) {
      ojson tj = tenure_json(t);
      tj["gpu_hours"] = t.gpu_hours();
      tj["cost_usd"] = t.cost().raw();
      tj["energy_kwh"] = kwh(t.energy);
      tj.erase("energy_j");
      tj["step"] = tenure_step_json(t.step);
      tenures.push_back(tj);
    }
    for (const auto& t : l.transfers) transfers.push_back(transfer_json(t));
    j["tenures"] = tenures;
    j["transfers"] = transfers;
    ojson ports = ojson::array(), storage = ojson::array();
    for (const auto& p : l.ports) {
      ojson pj = port_json(p);
      pj["cost_usd"] = p.cost().raw();
      ports.push_back(pj);
    }
    for (const auto& st : l.storage) {
      ojson sj = storage_json(st);
      sj["cost_usd"] = st.cost().raw();
      storage.push_back(sj);
    }
    j["ports"] = ports;
    j["storage"] = storage;
    j["gradient_sync"] = {{"bytes", l.sync_bytes.raw()}, {"egress_usd", l.sync_egress.raw()}};
    jobs[jr.name] = j;
  }
  return {{"schema_version", kSummarySchemaVersion},
          {"scenario",
           {{"name", s.name},
            {"description", s.description},
            {"file", s.file},
            {"platform", s.platform},
            {"workload", s.workload}}},
          {"seed", run.seed},
          {"simulated_end_s", run.simulated_end.raw()},
          {"portfolio", portfolio_json(run, jobs)},
          {"jobs", jobs}};
}

} // namespace riftsim
