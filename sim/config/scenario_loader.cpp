#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"
#include "policy/response_strategy.hpp"
#include "policy/scheduler.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace riftsim {
namespace {

ProviderScope parse_scope(const std::string& text) {
  ProviderScope s;
  auto slash = text.find('/');
  s.provider = text.substr(0, slash);
  if (slash != std::string::npos) s.region = text;
  return s;
}

/// The part every event has: `<kind>: provider[/region]` and `at:`.
template <class Event> Event scoped_event(Fields& f, const std::string& kind) {
  Event e;
  e.scope = parse_scope(f.string(kind));
  e.at = f.unit("at", parse_duration);
  if (e.at.raw() < 0) f.fail("at", "must not be negative");
  return e;
}

TimedEvent read_event(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "event");
  TimedEvent te;
  // The kind is the one key that names it; new kinds add a branch here and a struct in model/scenario.hpp.
  const std::string kinds[] = {"cutoff", "restore", "throttle", "price", "grant", "link_down", "link_up"};
  std::string kind;
  for (const auto& k : kinds) {
    if (!f.has(k)) continue;
    if (!kind.empty())
      throw InputError(f.pos(k), "event has two kinds, '" + kind + "' and '" + k + "': write one event each");
    kind = k;
  }
  if (kind.empty())
    throw InputError(
        f.pos(),
        "event has no kind; write one of: cutoff, restore, throttle, price, grant, link_down, link_up");
  te.pos = f.pos(kind);
  // Cutoffs, throttles and price changes may be announced `notice` before they happen.
  auto read_notice = [&f](Seconds at) {
    Seconds notice = f.unit_or("notice", parse_duration, Seconds(0));
    if (notice.raw() < 0) f.fail("notice", "must not be negative");
    if (notice > at)
      f.fail("notice", "cannot be longer than the time of the event (notice before the start)");
    return notice;
  };
  if (kind == "cutoff") {
    auto e = scoped_event<CutoffEvent>(f, kind);
    e.notice = read_notice(e.at);
    te.event = e;
  } else if (kind == "restore") {
    te.event = scoped_event<RestoreEvent>(f, kind);
  } else if (kind == "throttle") {
    auto e = scoped_event<ThrottleEvent>(f, kind);
    e.to = f.unit("to", parse_fraction);
    f.require_range("to", e.to, 0, 1, "must be between 0 and 100%");
    e.notice = read_notice(e.at);
    te.event = e;
  } else if (kind == "grant") {
    GrantEvent e;
    e.cluster = f.string(kind);
    e.at = f.unit("at", parse_duration);
    if (e.at.raw() < 0) f.fail("at", "must not be negative");
    e.lead_time = f.unit_or("lead_time", parse_duration, Seconds(0));
    if (e.lead_time.raw() < 0) f.fail("lead_time", "must not be negative");
    if (auto cn = f.optional("capacity"))
      e.capacity = read_capacity(*cn, file, "capacity of the grant of '" + e.cluster + "'", 0, 0);
    te.event = e;
  } else if (kind == "link_down" || kind == "link_up") {
    LinkEvent e;
    e.link = f.string(kind);
    e.at = f.unit("at", parse_duration);
    if (e.at.raw() < 0) f.fail("at", "must not be negative");
    e.up = kind == "link_up";
    te.event = e;
  } else {
    auto e = scoped_event<PriceEvent>(f, kind);
    e.factor = f.unit("factor", parse_count);
    f.require_range("factor", e.factor, 0.01, 100, "must be between 0.01 and 100 (times the list price)");
    e.notice = read_notice(e.at);
    te.event = e;
  }
  f.done();
  return te;
}

ReservationSpec read_reservation(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "reservation");
  ReservationSpec r;
  r.pos = f.pos();
  r.cluster = f.string("cluster");
  double nodes = f.unit("nodes", parse_count);
  f.require_range("nodes", nodes, 1, 1e7, "must be a whole number of nodes between 1 and 10,000,000");
  if (nodes != std::floor(nodes)) f.fail("nodes", "must be a whole number");
  r.nodes = static_cast<int>(nodes);
  r.from = f.unit_or("from", parse_duration, Seconds(0));
  if (r.from.raw() < 0) f.fail("from", "must not be negative");
  r.to = f.unit("to", parse_duration);
  if (!(r.to > r.from) || r.to.raw() > 100 * kSecondsPerYear)
    f.fail("to", "must come after 'from' and within 100 years");
  r.price = f.unit("price", parse_usd_per_hour);
  if (!(r.price.raw() >= 0) || r.price.raw() > 1e4)
    f.fail("price", "must be between $0 and $10,000 per node-hour");
  r.name = f.string_or("name", r.cluster);
  f.done();
  return r;
}

std::vector<ReservationSpec> read_reservations(const YAML::Node& node, const std::string& file) {
  if (!node.IsSequence()) throw InputError(pos_of(node, file), "reservations must be a list");
  std::vector<ReservationSpec> out;
  for (const auto& r : node) out.push_back(read_reservation(r, file));
  return out;
}

ResponseSpec read_response(const YAML::Node& node, const std::string& file, const std::string& job) {
  Fields f(node, file, "response of job '" + job + "'");
  ResponseSpec r;
  r.pos = f.pos();
  r.strategy = f.string_or("strategy", "migrate");
  // Known before its parameters are read: a misspelled strategy is said as such, not as its parameters
  // being unknown keys.
  if (const auto& known = strategy_names(); std::find(known.begin(), known.end(), r.strategy) == known.end())
    f.fail("strategy", "is '" + r.strategy +
                           "', which is not one of: " + fmt::format("{}", fmt::join(known, ", ")) +
                           did_you_mean(r.strategy, std::set<std::string>(known.begin(), known.end())));
  r.name = f.string_or("name", r.strategy);
  // A response's name becomes a folder of the results when several are compared (checked again, with
  // the names of the other jobs' responses, once the strategies are known: check_inputs).
  if (f.has("name")) check_folder_name(r.name, f.pos("name"), "response of job '" + job + "'");
  if (r.strategy == "hedge") {
    r.standby = f.string("standby");
    r.standby_pos = f.pos("standby");
  }
  if (r.strategy == "split") {
    r.targets = f.strings("targets");
    r.targets_pos = f.item_positions("targets");
    if (r.targets.empty()) f.fail("targets", "must name at least one cluster");
    r.sync_every = static_cast<int>(f.whole_or("sync_every", 1, 1e6, 1));
    r.gradient_bytes_per_param = f.unit_or("gradient_bytes_per_param", parse_count, 2.0);
    f.require_range("gradient_bytes_per_param", r.gradient_bytes_per_param, 0.01, 16,
                    "must be between 0.01 and 16");
  }
  if (r.strategy == "migrate") {
    r.targets = f.strings("targets");
    r.targets_pos = f.item_positions("targets");
    if (r.targets.empty()) f.fail("targets", "must name at least one cluster");
    r.rule = f.string_or("rule", "preference");
    if (r.rule != "preference" && r.rule != "earliest_finish" && r.rule != "lowest_cost")
      f.fail("rule", "must be preference, earliest_finish or lowest_cost");
    std::string waiver = f.string_or("exit_waiver", "false");
    if (waiver != "true" && waiver != "false") f.fail("exit_waiver", "must be true or false");
    r.exit_waiver = waiver == "true";
    if (f.has("price_limit")) {
      r.price_limit = f.unit("price_limit", parse_count);
      f.require_range("price_limit", *r.price_limit, 0.01, 100,
                      "must be between 0.01 and 100 (times the list price)");
    }
    if (f.has("budget")) {
      r.budget = f.unit("budget", parse_usd);
      f.require_positive("budget", r.budget->raw());
    }
  }
  r.detection = f.unit_or("detection", parse_duration, Seconds(0));
  if (r.detection.raw() < 0) f.fail("detection", "must not be negative");
  r.porting = f.unit_or("porting", parse_duration, Seconds(0));
  if (r.porting.raw() < 0) f.fail("porting", "must not be negative");
  if (f.has("paths")) {
    r.paths = f.strings("paths");
    r.paths_pos = f.item_positions("paths");
  }
  r.warmup = f.unit_or("warmup", parse_duration, Seconds(0));
  if (r.warmup.raw() < 0) f.fail("warmup", "must not be negative");
  r.streams = static_cast<int>(f.whole_or("streams", 1, 4096, kDefaultStreams));
  if (auto res = f.optional("reserve")) r.reservations = read_reservations(*res, file);
  if (f.has("candidates")) r.candidates = f.strings("candidates");
  f.done();
  return r;
}

/// Where a job may run and how it responds: `cluster` (pinned) or `candidates` (the scheduler picks,
/// the first is its home), and `response` (one, or a list compared side by side).
PlacementSpec read_placement(const std::string& job, const YAML::Node& v, SourcePos p,
                             const std::string& file) {
  PlacementSpec pl;
  pl.job = job;
  pl.pos = p;
  Fields f(v, file, job.empty() ? std::string("every_job") : "placement of job '" + job + "'");
  if (f.has("candidates")) {
    pl.candidates = f.strings("candidates");
    if (pl.candidates.empty()) f.fail("candidates", "must name at least one cluster");
    if (f.has("cluster"))
      f.fail("cluster", "cannot be given with 'candidates' (the first candidate is the home)");
    pl.cluster = pl.candidates.front();
  } else {
    pl.cluster = f.string("cluster");
    pl.candidates = {pl.cluster};
  }
  if (auto r = f.optional("response")) {
    if (r->IsSequence()) {
      for (const auto& item : *r) {
        ResponseSpec alt = read_response(item, file, job);
        for (const auto& other : pl.alternatives)
          if (other.name == alt.name)
            throw InputError(alt.pos, "job '" + job + "' lists two responses named '" + alt.name +
                                          "' (give each a different 'name')");
        pl.alternatives.push_back(std::move(alt));
      }
      if (pl.alternatives.empty()) f.fail("response", "must list at least one response");
    } else {
      pl.alternatives.push_back(read_response(*r, file, job));
    }
    pl.response = pl.alternatives.front();
  }
  f.done();
  return pl;
}

RunLimits read_limits(const YAML::Node& node, const std::string& file) {
  Fields f(node, file, "limits");
  RunLimits l;
  l.hosts = static_cast<double>(f.whole_or("hosts", 1, 1e9, static_cast<long long>(l.hosts)));
  l.nodes = static_cast<double>(f.whole_or("nodes", 1, 1e10, static_cast<long long>(l.nodes)));
  l.segments = static_cast<double>(f.whole_or("segments", 1, 1e12, static_cast<long long>(l.segments)));
  l.activities = static_cast<double>(f.whole_or("activities", 1, 1e13, static_cast<long long>(l.activities)));
  l.years = static_cast<double>(f.whole_or("years", 1, 10000, static_cast<long long>(l.years)));
  l.simulated_years =
      static_cast<double>(f.whole_or("simulated_years", 1, 20000, static_cast<long long>(l.simulated_years)));
  f.done();
  return l;
}

/// The scenario's name when the file gives none: its file name, with what cannot be in a folder name
/// replaced by '_'.
std::string name_from_file(const std::string& file) {
  std::string name = std::filesystem::path(file).stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '+') c = '_';
  while (!name.empty() && (name.front() == '.' || name.front() == '-')) name.erase(0, 1);
  if (name.size() > 100) name.resize(100);
  return name.empty() ? "scenario" : name;
}

} // namespace

void check_folder_name(const std::string& name, const SourcePos& pos, const std::string& what) {
  auto bad = [&](const std::string& why) {
    throw InputError(pos, "name '" + name + "' of " + what + " " + why +
                              " (it names a folder of the results: letters, digits, '.', '_', '-', '+')");
  };
  if (name.empty()) bad("is empty");
  if (name.size() > 100) bad("is longer than 100 characters");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '+')
      bad(c == '/' || c == '\\' ? "contains a path separator"
                                : "contains a character a folder name should not");
  if (name.front() == '.' || name.front() == '-') bad("starts with '" + std::string(1, name.front()) + "'");
  for (const char* ext : {".json", ".csv", ".png", ".svg"})
    if (name.ends_with(ext)) bad("ends like a result file ('" + std::string(ext) + "')");
}

ScenarioSpec parse_scenario(const std::string& text, const std::string& file) {
  YAML::Node root = load_yaml_text(text, file);
  ScenarioSpec s;
  s.file = file;
  Fields top(root, file, "the scenario file");
  check_schema_version(top);
  if (top.has("name")) {
    s.name = top.string("name");
    check_folder_name(s.name, top.pos("name"), "the scenario");
  } else {
    s.name = name_from_file(file);
  }
  s.description = top.string_or("description", "");
  if (top.has("failures")) {
    std::string v = top.string("failures");
    if (v != "on" && v != "off" && v != "true" && v != "false") top.fail("failures", "must be on or off");
    s.failures = v == "on" || v == "true";
  }
  // Resolved against this file's folder; whether they can be read is load_inputs's business.
  std::filesystem::path base = std::filesystem::path(file).parent_path();
  auto resolve = [&](const std::string& key) {
    std::string rel = top.string(key);
    if (rel.empty()) top.fail(key, "must name a file");
    std::filesystem::path p =
        std::filesystem::path(rel).is_absolute() ? std::filesystem::path(rel) : base / rel;
    return p.lexically_normal().string();
  };
  s.platform_file = resolve("platform");
  s.platform_pos = top.pos("platform");
  s.workload_file = resolve("workload");
  s.workload_pos = top.pos("workload");
  if (auto l = top.optional("limits")) s.limits = read_limits(*l, file);
  if (auto jobs = top.optional("jobs"))
    for_each_entry(*jobs, file, "jobs", [&](const std::string& job, const YAML::Node& v, SourcePos p) {
      s.placements.push_back(read_placement(job, v, p, file));
    });
  if (auto every = top.optional("every_job"))
    s.every_job = read_placement("", *every, top.pos("every_job"), file);
  if (s.placements.empty() && !s.every_job) top.required("jobs");
  if (auto sch = top.optional("scheduler")) {
    Fields f(*sch, file, "scheduler");
    s.scheduler.pos = f.pos();
    s.scheduler.policy = f.string_or("policy", "fifo");
    s.scheduler.placement = f.string_or("placement", "home_first");
    const auto& policies = scheduler_names();
    if (std::find(policies.begin(), policies.end(), s.scheduler.policy) == policies.end())
      f.fail("policy", "must be one of: " + fmt::format("{}", fmt::join(policies, ", ")));
    const auto& rules = placement_names();
    if (std::find(rules.begin(), rules.end(), s.scheduler.placement) == rules.end())
      f.fail("placement", "must be one of: " + fmt::format("{}", fmt::join(rules, ", ")));
    f.done();
  }
  if (auto pr = top.optional("projects"))
    for_each_entry(*pr, file, "projects", [&](const std::string& name, const YAML::Node& v, SourcePos) {
      Fields f(v, file, "project '" + name + "'");
      double q = f.unit("quota", parse_count);
      f.require_range("quota", q, 0, 1e8, "must be a whole number of GPUs between 0 and 100,000,000");
      if (q != std::floor(q)) f.fail("quota", "must be a whole number of GPUs");
      s.project_quota[name] = static_cast<long long>(q);
      f.done();
    });
  if (auto res = top.optional("reservations")) s.reservations = read_reservations(*res, file);
  if (auto ev = top.optional("events")) {
    if (!ev->IsSequence()) top.fail("events", "must be a list of events");
    for (const auto& e : *ev) s.events.push_back(read_event(e, file));
  }
  if (auto ex = top.optional("expect")) {
    if (!ex->IsSequence()) top.fail("expect", "must be a list of 'field op value' strings");
    for (const auto& e : *ex) {
      if (!e.IsScalar())
        throw InputError(pos_of(e, file), "each expectation is one string, e.g. 'jobs.x.time_lost_s < 20d'");
      s.expectations.push_back(parse_expectation(e.Scalar(), pos_of(e, file)));
    }
  }
  top.done();
  return s;
}

ScenarioSpec load_scenario(const std::string& path) {
  return parse_scenario(read_text_file(path), path);
}

} // namespace riftsim
