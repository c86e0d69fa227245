#include "model/training_speed.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace riftsim {

namespace {

// Memory-bound traffic of one layer per micro-batch, in bytes per (token × hidden) element, counted kernel
// by kernel for bf16 Megatron-style layers (docs/model-training.md): layer norms, bias + GELU, bias +
// dropout + residual, layout transposes; forward ≈ 54, backward ≈ 108, a full recomputation another 54.
constexpr double kActivationBytesFull = 216;
constexpr double kActivationBytes = 162;
// Unfused attention materialises the s × s scores per head: scale-mask-softmax and dropout forward ≈ 11
// bytes per score, backward ≈ 13, recomputation 11. FlashAttention keeps them on chip: none.
constexpr double kAttentionBytesFull = 35;
constexpr double kAttentionBytes = 24;

using Order = ParallelismSpec::Order;

struct Ranks {
  Layout l;
  int gpn;
  long long rank(int tp, int pp, int dp) const {
    if (l.order == Order::TpDpPp)
      return tp + static_cast<long long>(l.tp) * (dp + static_cast<long long>(l.dp) * pp);
    return tp + static_cast<long long>(l.tp) * (pp + static_cast<long long>(l.pp) * dp);
  }
  int node(long long rank) const { return static_cast<int>(rank / gpn); }
  int node(int tp, int pp, int dp) const { return node(rank(tp, pp, dp)); }
};

/// Flows keyed by (src, dst); `sum` adds bytes of flows sharing a pair, else the largest is kept (flows on
/// separate rails of the same nodes run side by side).
class FlowSet {
public:
  void add(int src, int dst, double bytes, bool sum = true, int round = 0) {
    if (src == dst || bytes <= 0) return;
    double& b = flows_[{round, src, dst}];
    b = sum ? b + bytes : std::max(b, bytes);
  }
  std::vector<Flow> take() const {
    std::vector<Flow> out;
    out.reserve(flows_.size());
    for (const auto& [k, b] : flows_) out.push_back({std::get<1>(k), std::get<2>(k), b, std::get<0>(k)});
    return out;
  }
  bool empty() const { return flows_.empty(); }

private:
  std::map<std::tuple<int, int, int>, double> flows_;
};

/// A phase's traffic often repeats every q nodes: each block of q nodes sends only inside itself, the
/// same flows shifted from block to block (a ring per stage, an expert group of consecutive replicas). With
/// q a multiple of the fabric's leaf, the fabric repeats with it, so the first block sees what every block
/// sees and is the only one simulated; a last, partial block must send a subset of the first's flows.
void fold_to_window(PhasePlan& p, int nodes, int leaf) {
  p.job_flows = p.flows.size();
  if (p.in_node || p.flows.empty()) return;
  int span = 0;
  for (const Flow& f : p.flows) span = std::max(span, std::abs(f.dst - f.src));
  for (int q = leaf * ((span + leaf) / leaf); q <= nodes / 2; q += leaf) {
    bool closed = true;
    for (const Flow& f : p.flows)
      if (f.src / q != f.dst / q) {
        closed = false;
        break;
      }
    if (!closed) continue;
    std::map<std::tuple<int, int, int>, double> first;
    std::vector<size_t> per_block(static_cast<size_t>((nodes + q - 1) / q), 0);
    for (const Flow& f : p.flows) {
      per_block[static_cast<size_t>(f.src / q)]++;
      if (f.src < q) first[{f.src, f.dst, f.round}] = f.bytes;
    }
    bool periodic = true;
    for (size_t b = 0; b + 1 < per_block.size() || (b + 1 == per_block.size() && nodes % q == 0); ++b)
      periodic = periodic && per_block[b] == first.size();
    for (const Flow& f : p.flows) {
      if (!periodic) break;
      auto it = first.find({f.src % q, f.dst % q, f.round});
      periodic = it != first.end() && it->second == f.bytes;
    }
    if (!periodic) continue;
    std::vector<Flow> window;
    for (const Flow& f : p.flows)
      if (f.src < q) window.push_back(f);
    p.flows = std::move(window);
    p.window = q;
    return;
  }
}

/// A ring all-reduce (or reduce-scatter + all-gather) of `grad` bytes per GPU among `members` (ranks in
/// ring order), for every group `groups` lists. Hierarchical: a ring over the group's nodes, each node
/// carrying the whole gradient of its members once reduced inside the node (the first level, on the
/// scale-up links, is returned in `node_ring`); flat: one ring over the ranks, whose hops between nodes
/// each run on one NIC (1/gpn of the node's bandwidth).
struct RingPlan {
  FlowSet fabric;
  int fabric_steps = 0; // ring steps of an all-reduce between nodes, 2 (K − 1)
  FlowSet node_ring;    // the first level inside node 0
  int node_steps = 0;   // 2 (g − 1)
};

RingPlan plan_rings(const std::vector<std::vector<long long>>& groups, const Ranks& r, double grad,
                    ParallelismSpec::DpAlgorithm algo) {
  RingPlan out;
  for (const auto& members : groups) {
    auto size = static_cast<long long>(members.size());
    if (size < 2) continue;
    if (algo == ParallelismSpec::DpAlgorithm::Ring) {
      for (long long i = 0; i < size; ++i)
        out.fabric.add(r.node(members[i]), r.node(members[(i + 1) % size]), r.gpn * grad / size, false);
      out.fabric_steps = static_cast<int>(2 * (size - 1));
      continue;
    }
    std::vector<int> nodes;
    std::vector<long long> first_node_members;
    for (long long m : members) {
      int n = r.node(m);
      if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
      if (n == r.node(members.front())) first_node_members.push_back(m);
    }
    auto k = static_cast<int>(nodes.size());
    auto g = static_cast<int>(first_node_members.size());
    for (int i = 0; k > 1 && i < k; ++i) out.fabric.add(nodes[i], nodes[(i + 1) % k], grad / k);
    if (k > 1) out.fabric_steps = 2 * (k - 1);
    if (g > 1) {
      out.node_steps = 2 * (g - 1);
      if (r.node(members.front()) == 0)
        for (int i = 0; i < g; ++i)
          out.node_ring.add(static_cast<int>(first_node_members[i] % r.gpn),
                            static_cast<int>(first_node_members[(i + 1) % g] % r.gpn), grad / g);
    }
  }
  return out;
}

void add_reduction(StepPlan& plan, Phase phase, FlowSet flows, int steps, bool in_node, bool sharded) {
  if (flows.empty() || steps == 0) return;
  PhasePlan p;
  p.phase = phase;
  p.in_node = in_node;
  p.flows = flows.take();
  // All-reduce = reduce-scatter + all-gather, half the ring steps each. A sharded optimizer reduce-
  // scatters the gradients (hidden behind the backward pass as far as it goes) and gathers the updated
  // parameters after the optimizer step (exposed).
  p.per_step_reduce = sharded ? steps / 2.0 : steps;
  p.per_step_gather = sharded ? steps / 2.0 : 0;
  plan.phases.push_back(std::move(p));
}

} // namespace

const char* phase_name(Phase p) {
  switch (p) {
  case Phase::TensorAllReduce:
    return "tensor_allreduce";
  case Phase::PipelineExchange:
    return "pipeline_exchange";
  case Phase::ExpertAllToAll:
    return "expert_alltoall";
  case Phase::DataReduce:
    return "data_reduce";
  case Phase::DataNodeReduce:
    return "data_node_reduce";
  case Phase::ExpertDataReduce:
    return "expert_data_reduce";
  }
  return "?";
}

double PhasePlan::max_flow_bytes() const {
  double m = 0;
  for (const Flow& f : flows) m = std::max(m, f.bytes);
  return m;
}

StepPlan plan_step(const JobSpec& job, const Layout& full, const ClusterSpec& c, long long gpus,
                   long long total_replicas) {
  StepPlan plan;
  Layout l = layout_at(full, gpus);
  l.dp = std::max(1, l.dp);
  plan.layout = l;
  plan.gpus_per_node = c.gpus_per_node;
  const ModelShape m = job_shape(job);
  const bool full_recompute = m.recompute == ModelShape::Recompute::Full;
  const int T = l.tp, P = l.pp, D = l.dp, E = l.ep, VS = l.virtual_stages;
  const double b = l.microbatch, s = m.seq_len, h = m.hidden;
  plan.microbatches = l.microbatches(total_replicas > 0 ? total_replicas : D);
  const int chunk_layers = (m.layers + P * VS - 1) / (P * VS);
  plan.stage_layers = chunk_layers * VS;
  const long long ranks = l.gpus();
  plan.nodes = static_cast<int>((ranks + c.gpus_per_node - 1) / c.gpus_per_node);

  // Compute of one micro-batch on the slowest stage (the last: its layers and the logits).
  const double fwd_flops = (2 * b * s * m.layer_active_params() + 4 * b * s * s * h) / T;
  const double passes = full_recompute ? 4 : 3; // forward (+ recomputed forward) + backward (2×)
  const double flops = passes * fwd_flops * plan.stage_layers + 6 * b * s * h * m.vocab / T;
  const double gemm_rate = c.gpu_peak.raw() * c.matmul_efficiency * kTrainingGemmShare;
  const double traffic =
      plan.stage_layers *
      ((full_recompute ? kActivationBytesFull : kActivationBytes) * b * s * h +
       (m.flash_attention ? 0.0
                          : (full_recompute ? kAttentionBytesFull : kAttentionBytes) * m.heads * b * s * s)) /
      T;
  plan.compute_mb = Seconds(flops / gemm_rate + traffic / c.memory_bandwidth.raw());
  plan.backward_mb = plan.compute_mb * (full_recompute ? 0.75 : 2.0 / 3.0);
  const double active =
      job.active_params > 0 ? job.active_params : (job.params > 0 ? job.params : m.active_params());
  plan.useful_per_step = Flops(6 * active * static_cast<double>(l.global_batch) * s);

  const Ranks r{l, c.gpus_per_node};
  const double act_bytes = b * s * h * 2; // one micro-batch's activations (bf16)
  const bool sharded = l.optimizer == ParallelismSpec::Optimizer::Sharded;

  if (T > 1) { // tensor-parallel groups are T consecutive ranks: inside a node (checked at load)
    PhasePlan p;
    p.phase = Phase::TensorAllReduce;
    p.in_node = true;
    FlowSet f;
    for (int g = 0; g < c.gpus_per_node / T; ++g)
      for (int i = 0; i < T; ++i) f.add(g * T + i, g * T + (i + 1) % T, act_bytes / T);
    p.flows = f.take();
    // Two all-reduces per layer forward, two backward (Narayanan et al. §3.2), two more when recomputed.
    p.per_microbatch = (full_recompute ? 6 : 4) * plan.stage_layers * 2.0 * (T - 1);
    plan.phases.push_back(std::move(p));
  }
  if (P > 1) { // each TP rank sends its 1/T of the activations to its peer (scatter/gather, §4.1)
    FlowSet f;
    for (int dp = 0; dp < D; ++dp)
      for (int tp = 0; tp < T; ++tp)
        for (int k = 0; k < P; ++k) {
          if (k == P - 1 && VS == 1) break; // interleaved: the last stage's chunks feed the first stage's
          int a = r.node(tp, k, dp), z = r.node(tp, (k + 1) % P, dp);
          f.add(a, z, act_bytes / T);
          f.add(z, a, act_bytes / T);
        }
    if (!f.empty()) {
      PhasePlan p;
      p.phase = Phase::PipelineExchange;
      p.flows = f.take();
      p.per_microbatch = 2.0 * VS; // send-forward-receive-backward and its mirror, per model chunk
      plan.phases.push_back(std::move(p));
    }
  }
  if (m.moe() && E > 1) {
    // Every member of an expert group sends each other member its share of the tokens, in E − 1 rounds of
    // a pairwise exchange (round j: member i to member i + j), the usual all-to-all schedule.
    const double dispatch = (b * s / T) * m.experts_per_token * h * 2 / E;
    FlowSet f;
    for (int k = 0; k < P; ++k)
      for (int tp = 0; tp < T; ++tp)
        for (int g = 0; g < D / E; ++g)
          for (int i = 0; i < E; ++i)
            for (int j = 1; j < E; ++j)
              f.add(r.node(tp, k, g * E + i), r.node(tp, k, g * E + (i + j) % E), dispatch, true, j - 1);
    if (!f.empty()) {
      PhasePlan p;
      p.phase = Phase::ExpertAllToAll;
      p.flows = f.take();
      p.rounds = E - 1;
      p.per_microbatch = (full_recompute ? 6.0 : 4.0) * plan.stage_layers; // dispatch + combine per pass
      plan.phases.push_back(std::move(p));
    }
  }

  // Gradients of the slowest stage's parameters: dense ones over the data-parallel group, experts' over
  // the expert-data-parallel group (replicas holding the same experts).
  const double dense_layer = 4 * h * h + (m.moe() ? 0.0 : 2 * h * m.ffn_hidden);
  const double dense_params = plan.stage_layers * dense_layer + static_cast<double>(m.vocab) * h;
  const double expert_params = m.moe() ? plan.stage_layers * m.experts * 2 * h * m.ffn_hidden : 0.0;
  std::vector<std::vector<long long>> dp_groups, edp_groups;
  for (int k = 0; k < P; ++k)
    for (int tp = 0; tp < T; ++tp) {
      auto& g = dp_groups.emplace_back();
      for (int dp = 0; dp < D; ++dp) g.push_back(r.rank(tp, k, dp));
      for (int i = 0; m.moe() && i < E; ++i) {
        auto& e = edp_groups.emplace_back();
        for (int dp = i; dp < D; dp += E) e.push_back(r.rank(tp, k, dp));
      }
    }
  RingPlan dense = plan_rings(dp_groups, r, l.gradient_bytes * dense_params / T, l.dp_algorithm);
  add_reduction(plan, Phase::DataReduce, dense.fabric, dense.fabric_steps, false, sharded);
  add_reduction(plan, Phase::DataNodeReduce, dense.node_ring, dense.node_steps, true, sharded);
  if (m.moe()) {
    RingPlan experts = plan_rings(edp_groups, r, l.gradient_bytes * expert_params / (T * E), l.dp_algorithm);
    add_reduction(plan, Phase::ExpertDataReduce, experts.fabric, experts.fabric_steps, false, sharded);
  }
  const int leaf = step_fabric_leaf(c, plan.nodes);
  for (PhasePlan& p : plan.phases) fold_to_window(p, plan.nodes, leaf);
  return plan;
}

int step_fabric_nodes(const ClusterSpec& c, int job_nodes) {
  return std::max(c.nodes, job_nodes);
}

FatTreeShape step_fabric_shape(const ClusterSpec& c, int job_nodes) {
  ClusterSpec one_per_node = c;
  one_per_node.nodes = step_fabric_nodes(c, job_nodes);
  one_per_node.nodes_per_host = 1;
  return fat_tree_shape(one_per_node);
}

int step_fabric_leaf(const ClusterSpec& c, int job_nodes) {
  if (c.topology != ClusterSpec::Topology::FatTree) return 1;
  return static_cast<int>(step_fabric_shape(c, job_nodes).down);
}

StepBreakdown compose_step(const StepPlan& plan, const PhaseCosts& costs) {
  StepBreakdown b;
  b.derived = true;
  b.layout = plan.layout;
  b.microbatches = plan.microbatches;
  double tp = 0, ep = 0, pp = 0, reduce = 0, gather = 0;
  for (const PhasePlan& p : plan.phases) {
    auto it = costs.find(p.phase);
    if (it == costs.end())
      throw std::logic_error(std::string("no simulated cost for ") + phase_name(p.phase));
    double one = it->second;
    double per_mb = p.per_microbatch * one;
    if (p.phase == Phase::TensorAllReduce) tp += per_mb;
    if (p.phase == Phase::ExpertAllToAll) ep += per_mb;
    if (p.phase == Phase::PipelineExchange) pp += per_mb;
    reduce += p.per_step_reduce * one;
    gather += p.per_step_gather * one;
  }
  const double m = static_cast<double>(plan.microbatches);
  const double mb = plan.compute_mb.raw() + tp + ep + pp;
  b.compute = Seconds(m * plan.compute_mb.raw());
  b.exposed_tp = Seconds(m * tp);
  b.exposed_ep = Seconds(m * ep);
  b.pp_p2p = Seconds(m * pp);
  b.pp_bubble = Seconds((plan.layout.pp - 1.0) / plan.layout.virtual_stages * mb);
  // The reduction of a bucket starts once its gradients exist: the first layer's come last, so at most
  // (1 − 1/layers) of it can run behind the backward pass, and no longer than the last micro-batch's
  // backward lasts (gradients accumulate over the micro-batches before).
  double hidden = plan.layout.overlap *
                  std::min(reduce * (1 - 1.0 / std::max(1, plan.stage_layers)), plan.backward_mb.raw());
  b.exposed_dp = Seconds(reduce - hidden + gather);
  b.step = b.compute + b.exposed_tp + b.exposed_ep + b.pp_p2p + b.pp_bubble + b.exposed_dp;
  b.useful_per_step = plan.useful_per_step;
  b.rate = FlopsPerSecond(plan.useful_per_step.raw() / b.step.raw());
  return b;
}

nlohmann::ordered_json phase_costs_to_json(const PhaseCosts& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [p, s] : c) j[phase_name(p)] = s;
  return j;
}

PhaseCosts phase_costs_from_json(const nlohmann::ordered_json& j) {
  PhaseCosts c;
  for (Phase p : {Phase::TensorAllReduce, Phase::PipelineExchange, Phase::ExpertAllToAll, Phase::DataReduce,
                  Phase::DataNodeReduce, Phase::ExpertDataReduce})
    if (j.contains(phase_name(p))) c[p] = j.at(phase_name(p)).get<double>();
  return c;
}

std::vector<StepKey> steps_needed(const PlatformSpec& platform, const WorkloadSpec& workload,
                                  const ScenarioSpec& scenario, std::map<std::string, Layout>* layouts) {
  std::set<StepKey> keys;
  std::vector<double> fractions = {1.0};
  for (const auto& te : scenario.events)
    if (const auto* t = std::get_if<ThrottleEvent>(&te.event)) {
      fractions.push_back(t->to);
      fractions.push_back(1 - t->to); // what a split adds elsewhere
    }
  for (const auto& pl : scenario.placements) {
    const JobSpec* job = workload.find_job(pl.job);
    const ClusterSpec* home = platform.find_cluster(pl.cluster);
    if (!job || !home || !job->derives_speed()) continue;
    Layout full = job_layout(*job, *home);
    if (layouts) (*layouts)[job->name] = full;
    std::vector<const ClusterSpec*> clusters = {home};
    for (const auto& alt : pl.alternatives) {
      for (const auto& t : alt.targets)
        if (const ClusterSpec* c = platform.find_cluster(t)) clusters.push_back(c);
      if (const ClusterSpec* c = platform.find_cluster(alt.standby)) clusters.push_back(c);
    }
    for (const ClusterSpec* c : clusters)
      for (double f : fractions) {
        if (job->gpus * f > static_cast<double>(c->total_gpus())) continue; // it cannot run there
        long long nodes = static_cast<long long>(std::floor(job->gpus * f / c->gpus_per_node + 1e-9));
        int dp = static_cast<int>(nodes * c->gpus_per_node / full.model_parallel());
        if (dp >= 1) keys.insert({job->name, c->id, dp});
      }
  }
  return {keys.begin(), keys.end()};
}

double split_sync_bytes_per_flop(const JobSpec& job, const ResponseSpec& response) {
  double tokens = job.batch_tokens > 0 ? job.batch_tokens
                                       : static_cast<double>(job_global_batch(job)) * job_shape(job).seq_len;
  double params = job.params > 0 ? job.params : job_shape(job).params();
  // params / active is exactly 1 for a dense model: the same bytes as before active parameters counted.
  double ratio = job.active_params > 0 ? params / job.active_params : 1.0;
  return response.gradient_bytes_per_param * ratio / (6.0 * tokens * response.sync_every);
}

PhaseCosts TrainingSpeed::costs_for(const JobSpec& job, const Layout& full, const ClusterSpec& c,
                                    const StepPlan& plan) const {
  StepKey key{job.name, c.id, plan.layout.dp};
  if (auto it = table_.costs.find(key); it != table_.costs.end()) return it->second;
  // A width nobody simulated (a node given up for want of a spare, a throttle's exact leftover): take the
  // nearest simulated width on the same cluster; the phases inside a replica are the same, and a ring step
  // of the gradient reduction scales with the bytes each node sends in it.
  const PhaseCosts* nearest = nullptr;
  int nearest_dp = 0;
  for (const auto& [k, costs] : table_.costs)
    if (k.job == job.name && k.cluster == c.id &&
        (!nearest || std::abs(k.dp - key.dp) < std::abs(nearest_dp - key.dp))) {
      nearest = &costs;
      nearest_dp = k.dp;
    }
  if (!nearest)
    throw std::logic_error("no step was derived for job '" + job.name + "' on " + c.id +
                           " (steps_needed must list every cluster it can run on)");
  StepPlan near_plan = plan_step(job, full, c, static_cast<long long>(nearest_dp) * full.model_parallel());
  PhaseCosts out;
  for (const PhasePlan& p : plan.phases) {
    auto same = std::find_if(near_plan.phases.begin(), near_plan.phases.end(),
                             [&](const PhasePlan& q) { return q.phase == p.phase; });
    auto cost = nearest->find(p.phase);
    if (same == near_plan.phases.end() || cost == nearest->end() || same->max_flow_bytes() <= 0) {
      // Not simulated at the nearest width (a reduction over one replica has none): one ring step of
      // it alone on the nodes' NICs.
      double bw = p.in_node ? c.scale_up_bandwidth.raw() : c.node_network.raw();
      out[p.phase] = p.max_flow_bytes() / bw;
      continue;
    }
    out[p.phase] = cost->second * p.max_flow_bytes() / same->max_flow_bytes();
  }
  return out;
}

StepBreakdown TrainingSpeed::site_step(const JobSpec& job, const ClusterSpec& c, long long gpus,
                                       long long replicas) const {
  auto it = table_.layouts.find(job.name);
  if (it == table_.layouts.end()) throw std::logic_error("no layout resolved for job '" + job.name + "'");
  const Layout& full = it->second;
  // Fewer GPUs than one model replica: the replica's speed, pro rata (docs/model-training.md).
  double scale = 1;
  long long planned = gpus;
  if (gpus < full.model_parallel()) {
    scale = static_cast<double>(gpus) / full.model_parallel();
    planned = full.model_parallel();
  }
  // A step depends on the width only through its whole replicas: widths that differ by less than a
  // replica (a node given up at a time) share one plan.
  long long whole = planned / full.model_parallel() * full.model_parallel();
  auto key = std::make_tuple(job.name, c.id, whole, replicas);
  auto cached = cache_.find(key);
  if (cached == cache_.end()) {
    StepPlan plan = plan_step(job, full, c, whole, replicas);
    cached = cache_.emplace(key, compose_step(plan, costs_for(job, full, c, plan))).first;
  }
  StepBreakdown b = cached->second;
  b.rate = b.rate * scale;
  return b;
}

StepBreakdown TrainingSpeed::step(const JobSpec& job, const ClusterSpec& c, long long gpus) const {
  StepBreakdown b;
  if (!job.derives_speed()) {
    b.rate = c.gpu_peak * (static_cast<double>(gpus) * job.mfu);
    b.mfu = job.mfu;
    return b;
  }
  b = site_step(job, c, gpus, 0);
  b.mfu = b.rate.raw() / (c.gpu_peak.raw() * static_cast<double>(gpus));
  return b;
}

StepBreakdown TrainingSpeed::split_step(const JobSpec& job, const ClusterSpec& a, long long gpus_a,
                                        const ClusterSpec& z, long long gpus_z) const {
  StepBreakdown b;
  if (!job.derives_speed()) {
    // Every GPU does the same share of a step, so the slower accelerator paces it.
    b.rate = std::min(a.gpu_peak, z.gpu_peak) * (static_cast<double>(gpus_a + gpus_z) * job.mfu);
    b.mfu = job.mfu;
    return b;
  }
  const Layout& full = table_.layouts.at(job.name);
  long long replicas = (gpus_a + gpus_z) / full.model_parallel();
  StepBreakdown here = site_step(job, a, gpus_a, replicas);
  StepBreakdown there = site_step(job, z, gpus_z, replicas);
  b = here.step >= there.step ? here : there;
  b.layout.dp = here.layout.dp + there.layout.dp;
  b.rate = FlopsPerSecond(b.useful_per_step.raw() / b.step.raw());
  b.mfu = b.rate.raw() /
          (a.gpu_peak.raw() * static_cast<double>(gpus_a) + z.gpu_peak.raw() * static_cast<double>(gpus_z));
  return b;
}

} // namespace riftsim
