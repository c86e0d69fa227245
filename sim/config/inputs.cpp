#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "output/checks.hpp"
#include "policy/response_strategy.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace riftsim {

namespace {

/// A job without `mfu` trains at the speed of its layout: the layout must fit every cluster it may run on
/// (tensor parallelism inside a node) and each must give the step model's numbers.
void check_layout(const JobSpec& job, const ClusterSpec& home, const PlacementSpec& pl,
                  const PlatformSpec& plat) {
  Layout full = job_layout(job, home); // throws at the job when the default rule finds none
  auto check = [&](const ClusterSpec& c, const SourcePos& where) {
    if (auto problem = layout_problem(job, full, c))
      throw InputError(job.parallelism.given && c.gpus_per_node % full.tp != 0 ? job.parallelism.tensor_pos
                                                                               : where,
                       *problem);
  };
  check(home, pl.pos);
  for (const auto& alt : pl.alternatives) {
    for (const auto& t : alt.targets)
      if (const ClusterSpec* tc = plat.find_cluster(t)) check(*tc, alt.pos);
    if (const ClusterSpec* sc = plat.find_cluster(alt.standby)) check(*sc, alt.pos);
  }
}

/// The text of a file the scenario names; one that cannot be read is reported at the scenario's key.
std::string read_named_by_scenario(const std::string& path, const SourcePos& at, const std::string& key) {
  FileText t = read_input_file(path, kMaxYamlFileBytes);
  if (!t.error.empty())
    throw InputError(at, "'" + key + "' of the scenario file names " + path + ", which cannot be read: it " +
                             t.error);
  return std::move(t.text);
}

/// Each response variant becomes a folder of the results: its name must be one, and its own.
void check_variant_names(const ScenarioSpec& s) {
  const size_t variants = response_variants(s);
  if (variants < 2) return;
  std::map<std::string, size_t> seen;
  for (size_t k = 0; k < variants; ++k) {
    SourcePos pos{s.file, 1, 1};
    for (const auto& pl : s.placements)
      if (!pl.alternatives.empty()) {
        pos = pl.alternatives[std::min(k, pl.alternatives.size() - 1)].pos;
        break;
      }
    std::string name = response_variant_name(s, k);
    check_folder_name(name, pos, "the responses compared side by side");
    auto [first, fresh] = seen.emplace(name, k);
    if (!fresh)
      throw InputError(pos, "responses " + std::to_string(first->second + 1) + " and " +
                                std::to_string(k + 1) + " compared side by side are both named '" + name +
                                "' and would share a folder of the results: give them different names");
  }
}

} // namespace

Inputs load_inputs(const std::string& scenario_path) {
  Inputs in;
  in.scenario = load_scenario(scenario_path);
  const ScenarioSpec& s = in.scenario;
  in.platform =
      parse_platform(read_named_by_scenario(s.platform_file, s.platform_pos, "platform"), s.platform_file);
  in.workload =
      parse_workload(read_named_by_scenario(s.workload_file, s.workload_pos, "workload"), s.workload_file);
  place_every_job(in);
  check_inputs(in);
  return in;
}

void place_every_job(Inputs& in) {
  if (!in.scenario.every_job) return;
  std::set<std::string> listed;
  for (const auto& pl : in.scenario.placements) listed.insert(pl.job);
  for (const auto& job : in.workload.jobs) {
    if (listed.count(job.name)) continue;
    PlacementSpec pl = *in.scenario.every_job;
    pl.job = job.name;
    in.scenario.placements.push_back(std::move(pl));
  }
}

void check_inputs(const Inputs& in) {
  const auto& plat = in.platform;
  for (const auto& pl : in.scenario.placements) {
    const JobSpec* job = in.workload.find_job(pl.job);
    if (!job)
      throw InputError(pl.pos, "job '" + pl.job + "' is not in the workload file " + in.workload.file);
    const ClusterSpec* c = plat.find_cluster(pl.cluster);
    long long widest = 0;
    for (const auto& name : pl.candidates) {
      const ClusterSpec* cc = plat.find_cluster(name);
      if (!cc)
        throw InputError(pl.pos, "job '" + pl.job + "' is placed on cluster '" + name +
                                     "', which is not in the platform (write provider/region/cluster)" +
                                     platform_names(plat, "clusters", name));
      widest = std::max(widest, cc->total_gpus());
    }
    if (!c) throw InputError(pl.pos, "job '" + pl.job + "' has no cluster to run on");
    if (job->gpus > widest)
      throw InputError(pl.pos, "job '" + pl.job + "' needs " + std::to_string(job->gpus) +
                                   " GPUs but cluster '" + c->id + "' has only " +
                                   std::to_string(c->total_gpus()) +
                                   (pl.candidates.size() > 1 ? " (nor does any other candidate)" : ""));
    if (job->checkpoint_interval_auto && (!c->failures || !in.scenario.failures))
      throw InputError(pl.pos, "job '" + pl.job +
                                   "' has checkpoint_interval: auto, which needs a failure model on "
                                   "cluster '" +
                                   c->id + "'");
    // Building each strategy checks its name and its targets (the one registry is policy's make_strategy).
    for (const auto& alt : pl.alternatives) make_strategy(alt, plat);
    for (const auto& alt : pl.alternatives)
      if (alt.strategy == "split" && (job->params <= 0 || job_global_batch(*job) <= 0))
        throw InputError(alt.pos,
                         "strategy split needs job '" + pl.job +
                             "' to give 'params' and 'batch_tokens' (the gradient exchanged per step)");
    for (const auto& alt : pl.alternatives)
      for (size_t i = 0; i < alt.paths.size(); ++i)
        if (const std::string& name = alt.paths[i]; !plat.find_link(name))
          throw InputError(i < alt.paths_pos.size() ? alt.paths_pos[i] : alt.pos,
                           "path '" + name + "' of job '" + pl.job + "' is not a link in " + plat.file +
                               platform_names(plat, "links", name));
    // Every response listed is checked, not only the first: each is simulated in its own run.
    for (const auto& alt : pl.alternatives) {
      std::vector<std::string> elsewhere = alt.targets;
      std::vector<SourcePos> named_at = alt.targets_pos;
      named_at.resize(elsewhere.size(), alt.pos);
      if (!alt.standby.empty()) {
        elsewhere.push_back(alt.standby);
        named_at.push_back(alt.standby_pos.file.empty() ? alt.pos : alt.standby_pos);
      }
      for (size_t i = 0; i < elsewhere.size(); ++i) {
        const std::string& t = elsewhere[i];
        const ClusterSpec* tc = plat.find_cluster(t);
        if (!tc)
          throw InputError(named_at[i], "cluster '" + t + "' of job '" + pl.job + "' is not in the platform" +
                                            platform_names(plat, "clusters", t));
        if (tc->region != c->region && !plat.link_between(c->region, tc->region))
          throw InputError(named_at[i], "cluster '" + t + "' of job '" + pl.job +
                                            "' has no network link from " + c->region +
                                            " (add one under 'links' in " + plat.file + ")");
        if (job->checkpoint_interval_auto && (!tc->failures || !in.scenario.failures))
          throw InputError(alt.pos, "job '" + pl.job +
                                        "' has checkpoint_interval: auto, which needs a failure model on '" +
                                        t + "', where its response '" + alt.name + "' may take it");
      }
    }
    if (job->derives_speed()) check_layout(*job, *c, pl, plat);
  }
  std::set<std::string> placed;
  for (const auto& pl : in.scenario.placements) placed.insert(pl.job);
  for (const auto& job : in.workload.jobs)
    if (!placed.count(job.name))
      throw InputError(job.pos, "job '" + job.name + "' has no placement in scenario " + in.scenario.file +
                                    " (list it under 'jobs', or give 'every_job')");
  auto check_reservation = [&](const ReservationSpec& r) {
    const ClusterSpec* c = plat.find_cluster(r.cluster);
    if (!c)
      throw InputError(r.pos, "reservation names cluster '" + r.cluster + "', which is not in the platform" +
                                  platform_names(plat, "clusters", r.cluster));
    if (r.nodes > c->nodes)
      throw InputError(r.pos, "reservation of " + std::to_string(r.nodes) + " nodes on '" + r.cluster +
                                  "', which has only " + std::to_string(c->nodes));
  };
  for (const auto& r : in.scenario.reservations) check_reservation(r);
  for (const auto& pl : in.scenario.placements)
    for (const auto& alt : pl.alternatives) {
      for (const auto& r : alt.reservations) check_reservation(r);
      for (const auto& name : alt.candidates)
        if (!plat.find_cluster(name))
          throw InputError(alt.pos, "candidate cluster '" + name + "' of response '" + alt.name +
                                        "' is not in the platform");
    }
  for (const auto& e : in.scenario.expectations) {
    if (e.path.size() >= 2 && e.path[0] == "jobs" && !in.workload.find_job(e.path[1])) {
      std::set<std::string> jobs;
      for (const auto& j : in.workload.jobs) jobs.insert(j.name);
      throw InputError(e.pos, "expectation '" + e.text + "' names job '" + e.path[1] +
                                  "', which is not in the workload" + did_you_mean(e.path[1], jobs));
    }
    if (e.path.empty() || e.path[0] != "jobs")
      throw InputError(e.pos,
                       "expectation '" + e.text + "' must name a field under 'jobs.<job>.' of summary.json");
  }
  check_expectation_fields(in.scenario.expectations);
  for (const auto& te : in.scenario.events) {
    if (const auto* g = std::get_if<GrantEvent>(&te.event)) {
      const ClusterSpec* c = plat.find_cluster(g->cluster);
      if (!c)
        throw InputError(te.pos, "grant names cluster '" + g->cluster + "', which is not in the platform" +
                                     platform_names(plat, "clusters", g->cluster));
      if (g->capacity && g->capacity->quota > c->nodes)
        throw InputError(te.pos, "grant of " + std::to_string(g->capacity->quota) + " nodes on '" +
                                     g->cluster + "', which has only " + std::to_string(c->nodes));
      continue;
    }
    if (const auto* l = std::get_if<LinkEvent>(&te.event)) {
      if (!plat.find_link(l->link))
        throw InputError(te.pos, "event names link '" + l->link + "', which is not in the platform" +
                                     platform_names(plat, "links", l->link));
      continue;
    }
    std::visit(
        [&](const auto& e) {
          if constexpr (requires { e.scope; }) {
            if (!plat.find_provider(e.scope.provider))
              throw InputError(te.pos, "event names provider '" + e.scope.provider +
                                           "', which is not in the platform" +
                                           platform_names(plat, "providers", e.scope.provider));
            if (!e.scope.region.empty() && !plat.find_region(e.scope.region))
              throw InputError(te.pos, "event names region '" + e.scope.region +
                                           "', which is not in the platform" +
                                           platform_names(plat, "regions", e.scope.region));
          }
        },
        te.event);
  }
  check_variant_names(in.scenario);
  check_limits(in);
}

void check_start_allocations(const Inputs& in) {
  for (size_t k = 0; k < response_variants(in.scenario); ++k) {
    // The hosts taken at the start, in the order of the jobs: a job that does not fit next to those before
    // it waits in the scheduler's queue and takes none; a hedge's standby is held from the start or not at
    // all, so it must fit next to them.
    std::map<const ClusterSpec*, size_t> next_host;
    auto free_gpus = [&](const ClusterSpec& c, size_t from) {
      const std::vector<int> hosts = c.host_nodes();
      long long free = 0;
      for (size_t h = from; h < hosts.size(); ++h) free += static_cast<long long>(hosts[h]) * c.gpus_per_node;
      return free;
    };
    auto take = [&](const ClusterSpec& c, long long gpus) {
      const std::vector<int> hosts = c.host_nodes();
      size_t& i = next_host[&c];
      for (long long got = 0; got < gpus; ++i) got += static_cast<long long>(hosts[i]) * c.gpus_per_node;
    };
    auto refuse = [](const ClusterSpec& c, long long gpus, const SourcePos& pos, const std::string& what,
                     const std::string& why) {
      throw InputError(pos, "cluster '" + c.id + "' cannot give " + what + " " + std::to_string(gpus) +
                                " GPUs" + why + " (a simulated host goes to one job)");
    };
    for (const auto& pl : in.scenario.placements) {
      const JobSpec* job = in.workload.find_job(pl.job);
      const ClusterSpec& home = *in.platform.find_cluster(pl.cluster);
      if (free_gpus(home, 0) < job->gpus) refuse(home, job->gpus, pl.pos, "job '" + pl.job + "'", "");
      if (free_gpus(home, next_host[&home]) >= job->gpus) take(home, job->gpus);
      if (pl.alternatives.empty()) continue;
      const ResponseSpec& r = pl.alternatives[std::min(k, pl.alternatives.size() - 1)];
      if (r.strategy != "hedge") continue;
      const ClusterSpec& standby = *in.platform.find_cluster(r.standby);
      if (free_gpus(standby, next_host[&standby]) < job->gpus)
        refuse(standby, job->gpus, r.pos, "the standby of job '" + pl.job + "'",
               " next to the jobs that start there");
      take(standby, job->gpus);
    }
  }
}

size_t response_variants(const ScenarioSpec& s) {
  size_t n = 1;
  for (const auto& pl : s.placements) n = std::max(n, pl.alternatives.size());
  return n;
}

void select_response_variant(ScenarioSpec& s, size_t k) {
  for (auto& pl : s.placements)
    if (!pl.alternatives.empty()) pl.response = pl.alternatives[std::min(k, pl.alternatives.size() - 1)];
}

std::string response_variant_name(const ScenarioSpec& s, size_t k) {
  std::vector<std::string> parts; // each name once, in the order of the jobs
  for (const auto& pl : s.placements) {
    if (pl.alternatives.empty()) continue;
    const std::string& n = pl.alternatives[std::min(k, pl.alternatives.size() - 1)].name;
    if (std::find(parts.begin(), parts.end(), n) == parts.end()) parts.push_back(n);
  }
  std::string name;
  for (const auto& p : parts) name += (name.empty() ? "" : "+") + p;
  return name.empty() ? "default" : name;
}

FileKind detect_kind(const std::string& path) {
  YAML::Node n = load_yaml_text(read_text_file(path), path);
  if (n["providers"] || n["extends"]) return FileKind::Platform; // extending: every other key optional
  if (n["scenario"] && n["parameters"]) return FileKind::Sweep;
  if (n["platform"] || n["workload"]) return FileKind::Scenario;
  if (n["jobs"] || n["generate"] || n["traces"]) return FileKind::Workload;
  if (n["accelerators"]) return FileKind::AcceleratorCatalog;
  if (n["instances"]) return FileKind::InstanceCatalog;
  throw InputError(
      {path, 1, 1},
      "cannot tell what this file is: a platform has 'providers' (or 'extends'), a workload 'jobs' (or "
      "'generate', 'traces'), "
      "a scenario 'platform' and 'workload', a sweep 'scenario' and 'parameters', a catalog "
      "'accelerators' or 'instances'");
}

} // namespace riftsim
