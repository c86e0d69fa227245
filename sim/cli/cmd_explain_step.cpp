// `riftsim run SCENARIO --explain-step JOB CLUSTER`: one training step of a job on a cluster, part by part,
// with the collectives simulated on that cluster's fabric.
#include "cli/commands.hpp"
#include "cli/step_table.hpp"

#include <fmt/format.h>
#include <ostream>

namespace riftsim {

namespace {

const char* topology_name(ClusterSpec::Topology t) {
  switch (t) {
  case ClusterSpec::Topology::FatTree:
    return "fat-tree";
  case ClusterSpec::Topology::RailOptimized:
    return "rail-optimized";
  case ClusterSpec::Topology::Star:
    return "star";
  }
  return "?";
}

std::string part(const char* name, Seconds s, Seconds step) {
  return fmt::format("  {:<12}{:>12.4f} s  {:5.1f} %\n", name, s.raw(), 100 * s.raw() / step.raw());
}

} // namespace

int explain_step(const Inputs& in, const std::string& job_name, const std::string& cluster_id, int parallel,
                 std::ostream& out) {
  SourcePos where{in.scenario.file, 1, 1};
  const JobSpec* job = in.workload.find_job(job_name);
  if (!job) throw InputError(where, "--explain-step: job '" + job_name + "' is not in " + in.workload.file);
  const ClusterSpec* cluster = in.platform.find_cluster(cluster_id);
  if (!cluster)
    throw InputError(where, "--explain-step: cluster '" + cluster_id + "' is not in " + in.platform.file);
  if (!job->derives_speed()) {
    out << fmt::format("{} gives mfu: {} — its speed is {} GPUs × {} × {} on {}; the fabric is ignored "
                       "(leave mfu out to derive it from the platform)\n",
                       job->name, job->mfu, job->gpus, format_si(cluster->gpu_peak.raw(), "FLOPS"), job->mfu,
                       cluster->id);
    return kExitOk;
  }
  const PlacementSpec* placement = nullptr;
  for (const auto& pl : in.scenario.placements)
    if (pl.job == job->name) placement = &pl;
  Layout full = job_layout(*job, *in.platform.find_cluster(placement->cluster));
  if (auto problem = layout_problem(*job, full, *cluster))
    throw InputError(where, "--explain-step: " + *problem);
  if (job->gpus > cluster->total_gpus())
    throw InputError(where, fmt::format("--explain-step: {} has {} GPUs, job '{}' needs {}", cluster->id,
                                        cluster->total_gpus(), job->name, job->gpus));
  StepKey key{job->name, cluster->id, layout_at(full, job->gpus).dp};
  auto speed = derive_training_speed(in, parallel, {key});
  StepBreakdown b = speed->step(*job, *cluster, job->gpus);
  StepPlan plan = plan_step(*job, full, *cluster, job->gpus);
  const PhaseCosts& costs = speed->table().costs.at(key);

  ModelShape m = job_shape(*job);
  out << fmt::format("{} on {}: {} GPUs, {} nodes of {} × {} ({}), {} per node, {} scale-up per GPU\n",
                     job->name, cluster->id, job->gpus, plan.nodes, cluster->gpus_per_node,
                     cluster->accelerator.empty() ? cluster->instance : cluster->accelerator,
                     format_si(cluster->gpu_peak.raw(), "FLOPS"), format_bandwidth(cluster->node_network),
                     format_si(cluster->scale_up_bandwidth.raw(), "B/s"));
  out << fmt::format("fabric: {}, oversubscription {:g}\n", topology_name(cluster->topology),
                     cluster->oversubscription);
  out << fmt::format(
      "model: {} layers, hidden {}, {} heads, sequence {}{}, {:.3g} parameters ({:.3g} active)\n", m.layers,
      m.hidden, m.heads, m.seq_len,
      m.moe() ? fmt::format(", {} experts (top {})", m.experts, m.experts_per_token) : "",
      job->params > 0 ? job->params : m.params(),
      job->active_params > 0 ? job->active_params : (job->params > 0 ? job->params : m.active_params()));
  out << fmt::format("layout: {}{}; {} micro-batches per step, global batch {} sequences\n", b.layout.str(),
                     job->parallelism.given ? "" : " (default rule)", b.microbatches, b.layout.global_batch);
  out << fmt::format("step {:.4f} s\n", b.step.raw());
  out << part("compute", b.compute, b.step) << part("exposed TP", b.exposed_tp, b.step)
      << part("exposed EP", b.exposed_ep, b.step) << part("PP p2p", b.pp_p2p, b.step)
      << part("PP bubble", b.pp_bubble, b.step) << part("exposed DP", b.exposed_dp, b.step);
  out << fmt::format("useful work {:.4g} FLOPs per step (6 × active parameters × tokens): {:.4g} FLOP/s, "
                     "derived MFU {:.4f}\n",
                     b.useful_per_step.raw(), b.rate.raw(), b.mfu);
  out << "collectives, one occurrence each, simulated on the fabric:\n";
  for (const PhasePlan& p : plan.phases) {
    double per_mb = p.per_microbatch, per_step = p.per_step_reduce + p.per_step_gather;
    std::string simulated =
        p.window > 0 ? fmt::format(" (the first {} nodes simulated: {} flows)", p.window, p.flows.size())
                     : "";
    out << fmt::format("  {:<20}{:>12.6f} s  {} flows of up to {}{}{}, × {:g} per {}\n", phase_name(p.phase),
                       costs.at(p.phase), p.job_flows, format_bytes(Bytes(p.max_flow_bytes())),
                       p.rounds > 1 ? fmt::format(" in {} rounds", p.rounds) : "", simulated,
                       per_mb > 0 ? per_mb : per_step, per_mb > 0 ? "micro-batch" : "step");
  }
  return kExitOk;
}

} // namespace riftsim
