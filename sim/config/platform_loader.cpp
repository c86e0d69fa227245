#include "config/loaders.hpp"
#include "config/yaml_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace riftsim {

constexpr int kMaxRailHosts = 256;
namespace {

/// `<prefix>_as_of` and `<prefix>_source` of a mapping: where a price of it comes from.
PriceOrigin read_price_origin(Fields& f, const std::string& prefix) {
  PriceOrigin o;
  o.as_of = f.string_or(prefix + "_as_of", "");
  if (!o.as_of.empty() && !is_iso_date(o.as_of))
    f.fail(prefix + "_as_of", "must be the date the price was read, as YYYY-MM-DD");
  o.source = f.string_or(prefix + "_source", "");
  return o;
}

constexpr int kMaxRails = 64; // NICs per node; the largest servers have 8 to 16

// Above this a value is a typo rather than a fleet (the largest public clusters are ~100k GPUs).
constexpr double kMaxNodes = 1e6;
// Hosts per cluster when the file does not say: enough to spread load, few enough that a
// months-long run stays well under a second (see docs/architecture.md, "hosts stand for groups").
constexpr int kAutoHostsPerCluster = 8;
// Until a failed (or taken back) node is a spare again, when the file does not say.
constexpr Seconds kDefaultRepairTime{3 * kSecondsPerDay};

/// The whole of `text` as a number (no sign, spaces or suffix allowed around it); false if it is not one.
bool parse_whole_field(std::string_view text, double& out) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() && std::isfinite(out);
}

/// "time_s,node" rows; header optional. Positions point into the trace file.
std::vector<TracedFailure> read_trace(const std::string& text, const std::string& path, int nodes) {
  std::vector<TracedFailure> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line == "\r" || line[0] == '#' || (n == 1 && line.find("time") != std::string::npos))
      continue;
    auto comma = line.find(',');
    double at = 0, node = 0;
    if (comma == std::string::npos || !parse_whole_field(std::string_view(line).substr(0, comma), at) ||
        !parse_whole_field(std::string_view(line).substr(comma + 1), node))
      throw InputError({path, n, 1}, "expected 'time_s,node' (seconds, 0-based node index)");
    if (at < 0 || node < 0 || node >= nodes || node != std::floor(node))
      throw InputError({path, n, 1}, "time must be >= 0 and node a whole number between 0 and " +
                                         std::to_string(nodes - 1));
    TracedFailure f{Seconds(at), static_cast<int>(node)};
    if (!out.empty() && f.at < out.back().at)
      throw InputError({path, n, 1}, "failures must be in time order");
    out.push_back(f);
  }
  return out;
}

/// Reads a file that `key` of `f` names, relative to the file `f` is in; a file that cannot be read is
/// reported at the key.
std::string read_named_file(Fields& f, const std::string& key, const FileReader& read, std::size_t max_bytes,
                            std::string& path) {
  std::filesystem::path p(f.string(key));
  if (p.empty()) f.fail(key, "must name a file");
  // Relative to the file that holds the key: a platform that extends another finds the other's files.
  if (p.is_relative()) p = std::filesystem::path(f.pos(key).file).parent_path() / p;
  path = p.lexically_normal().string();
  FileText t = read(path, max_bytes);
  if (!t.error.empty()) f.fail(key, "names " + path + ", which cannot be read: it " + t.error);
  return std::move(t.text);
}

FailureSpec read_failures(const YAML::Node& node, const std::string& file, const ClusterSpec& c,
                          const FileReader& read) {
  Fields f(node, file, "failures of cluster '" + c.id + "'");
  FailureSpec s;
  bool by_mtbf = f.has("node_mtbf"), by_rate = f.has("failures_per_1000_node_days");
  if (by_mtbf && by_rate)
    f.fail_against("node_mtbf", "failures_per_1000_node_days",
                   "and 'failures_per_1000_node_days' say the same: give one");
  if (!by_mtbf && !by_rate)
    throw InputError(f.pos(), "give exactly one of 'node_mtbf' or 'failures_per_1000_node_days'");
  if (by_mtbf) {
    s.node_mtbf = f.unit("node_mtbf", parse_duration);
    f.require_positive("node_mtbf", s.node_mtbf.raw());
  } else {
    double rate = f.unit("failures_per_1000_node_days", parse_count);
    f.require_positive("failures_per_1000_node_days", rate);
    s.node_mtbf = Seconds(1000.0 / rate * kSecondsPerDay);
  }
  // Job-level failures (software, collective library, storage): as a rate or a mean time between them.
  bool job_by_mtbf = f.has("job_mtbf"), job_by_rate = f.has("job_failures_per_day");
  if (job_by_mtbf && job_by_rate)
    f.fail_against("job_mtbf", "job_failures_per_day", "and 'job_failures_per_day' say the same: give one");
  if (job_by_mtbf) {
    s.job_mtbf = f.unit("job_mtbf", parse_duration);
    f.require_positive("job_mtbf", s.job_mtbf->raw());
  } else if (job_by_rate) {
    double rate = f.unit("job_failures_per_day", parse_count);
    f.require_range("job_failures_per_day", rate, 1e-6, 1e4, "must be between 0.000001 and 10,000");
    s.job_mtbf = Seconds(kSecondsPerDay / rate);
  }
  std::string dist = f.string_or("distribution", "exponential");
  if (dist == "weibull") {
    s.distribution = FailureSpec::Distribution::Weibull;
    s.shape = f.unit("shape", parse_count);
    f.require_range("shape", s.shape, 0.1, 10, "must be between 0.1 and 10");
  } else if (dist != "exponential") {
    f.fail("distribution", "must be 'exponential' or 'weibull'");
  }
  if (auto corr = f.optional("correlated")) {
    Fields cf(*corr, file, "correlated failures of cluster '" + c.id + "'");
    s.correlated_fraction = cf.unit("fraction", parse_fraction);
    cf.require_range("fraction", s.correlated_fraction, 0, 1, "must be between 0 and 1");
    s.correlated_nodes = static_cast<int>(cf.whole("nodes", 1, c.nodes));
    cf.done();
  }
  if (f.has("trace")) {
    std::string path;
    std::string text = read_named_file(f, "trace", read, kMaxTraceFileBytes, path);
    s.trace = read_trace(text, path, c.nodes);
  }
  s.spares = static_cast<int>(f.whole_or("spares", 0, 1e6, 0));
  s.repair_time = f.unit_or("repair_time", parse_duration, kDefaultRepairTime);
  if (s.repair_time.raw() < 0) f.fail("repair_time", "must not be negative");
  f.done();
  return s;
}

ClusterSpec read_cluster(const std::string& name, const YAML::Node& node, const RegionSpec& region,
                         const std::string& file, SourcePos key_pos, const CatalogSpec* catalog,
                         const FileReader& read) {
  ClusterSpec c;
  c.name = name;
  c.provider = region.provider;
  c.region = region.id;
  c.id = region.id + "/" + name;
  c.pos = key_pos;
  Fields f(node, file, "cluster '" + c.id + "'");
  c.instance = f.string("instance");
  // A catalog instance type supplies what the cluster does not say itself.
  const InstanceSpec* inst = catalog ? catalog->find_instance(c.instance) : nullptr;
  if (inst && inst->provider != c.provider)
    f.fail("instance", "is " + std::string(inst->provider.front() == 'a' ? "an " : "a ") + inst->provider +
                           " instance type, not " + c.provider + "'s");
  // With a catalog, a name it lacks is a typo unless the cluster gives its own numbers: said so here, not
  // as a missing key further on.
  if (catalog && !inst && !f.has("gpus_per_node")) {
    std::set<std::string> names;
    for (const auto& i : catalog->instances)
      if (i.provider == c.provider) names.insert(i.name);
    std::string hint = did_you_mean(c.instance, names);
    f.fail("instance",
           "names '" + c.instance + "', which is not in the catalog" +
               (hint.empty() ? " (give the cluster's own gpus_per_node, gpu_peak, ... to use a type "
                               "the catalog lacks)"
                             : hint));
  }
  auto given = [&](const std::string& key) { return f.has(key) || !inst; };
  c.accelerator = f.string_or("accelerator", inst ? inst->accelerator->name : "");
  c.nodes = static_cast<int>(f.whole("nodes", 1, kMaxNodes));
  c.gpus_per_node =
      given("gpus_per_node") ? static_cast<int>(f.whole("gpus_per_node", 1, 1024)) : inst->accelerators;
  c.gpu_peak = given("gpu_peak") ? f.unit("gpu_peak", parse_flop_rate) : inst->accelerator->bf16_dense;
  f.require_range("gpu_peak", c.gpu_peak.raw(), 1e9, 1e17,
                  "must be between 1 GFLOPS and 100 PFLOPS per accelerator");
  c.node_network = given("node_network") ? f.unit("node_network", parse_bandwidth) : inst->network;
  f.require_positive("node_network", c.node_network.raw());
  // The step model's numbers: optional, a job that derives its speed needs them where it runs.
  c.scale_up_bandwidth =
      f.unit_or("scale_up_bandwidth", parse_bandwidth, inst ? inst->scale_up : BytesPerSecond(0));
  c.memory_bandwidth = f.unit_or("memory_bandwidth", parse_bandwidth,
                                 inst ? inst->accelerator->memory_bandwidth : BytesPerSecond(0));
  c.gpu_memory = f.unit_or("gpu_memory", parse_bytes, inst ? inst->accelerator->memory : Bytes(0));
  c.matmul_efficiency =
      f.unit_or("matmul_efficiency", parse_fraction, inst ? inst->accelerator->matmul_efficiency : 0.0);
  if (f.has("scale_up_bandwidth")) f.require_positive("scale_up_bandwidth", c.scale_up_bandwidth.raw());
  if (f.has("memory_bandwidth")) f.require_positive("memory_bandwidth", c.memory_bandwidth.raw());
  if (f.has("gpu_memory")) f.require_positive("gpu_memory", c.gpu_memory.raw());
  if (f.has("matmul_efficiency"))
    f.require_range("matmul_efficiency", c.matmul_efficiency, 0.01, 1,
                    "must be in (0, 1], e.g. 0.869 or 86.9%");
  c.node_power_idle = given("node_power_idle") ? f.unit("node_power_idle", parse_power) : inst->power_idle;
  c.node_power_busy = given("node_power_busy") ? f.unit("node_power_busy", parse_power) : inst->power_busy;
  f.require_positive("node_power_busy", c.node_power_busy.raw());
  if (c.node_power_idle.raw() < 0 || c.node_power_idle > c.node_power_busy)
    f.fail_against("node_power_idle", "node_power_busy", "must be between 0 and node_power_busy");
  std::string pricing = f.string_or("pricing", "on_demand");
  auto kind = price_kind_from_name(pricing);
  if (!kind) f.fail("pricing", "must be on_demand, reserved, committed_1y, committed_3y or spot");
  c.pricing = *kind;
  const PriceList* listed = inst ? inst->find_price(c.pricing) : nullptr;
  if (given("price")) {
    c.node_price = f.unit("price", parse_usd_per_hour);
    const PriceOrigin origin = read_price_origin(f, "price");
    c.price_as_of = origin.as_of;
    c.price_source = origin.source;
  } else {
    if (!listed)
      f.fail("pricing", "is " + pricing + ", but the catalog has no " + pricing + " price for " + c.instance +
                            " (give one with 'price')");
    c.node_price = listed->in_region(region.name);
    c.price_as_of = listed->as_of;
    c.price_source = listed->source;
    // The catalog lists regional prices, but none here: the reference price stands in, and says so.
    if (!listed->regions.empty() && !listed->regions.count(region.name))
      c.price_source =
          "the catalog's reference price: none listed for " + region.name + "; " + c.price_source;
  }
  if (c.node_price.raw() < 0) f.fail("price", "must not be negative");
  c.lead_time = f.unit_or("lead_time", parse_duration, Seconds(0));
  if (c.lead_time.raw() < 0) f.fail("lead_time", "must not be negative");
  if (f.optional("nodes_per_host")) {
    c.nodes_per_host = static_cast<int>(f.whole("nodes_per_host", 1, kMaxNodes));
    if (c.nodes_per_host > c.nodes)
      f.fail_against("nodes_per_host", "nodes",
                     "must be a whole number between 1 and " + readable_number(c.nodes));
  } else {
    // At most kAutoHostsPerCluster hosts, all standing for the same number of nodes (so that a fat-tree
    // exports to SimGrid XML as one <cluster>): the largest host count up to the limit dividing the nodes.
    int hosts = 1;
    for (int h = 1; h <= kAutoHostsPerCluster; ++h)
      if (c.nodes % h == 0) hosts = h;
    c.nodes_per_host = c.nodes / hosts;
  }
  if (auto fn = f.optional("failures")) c.failures = read_failures(*fn, file, c, read);
  if (c.pricing == PriceKind::Spot) {
    // A spot node taken back is, for the job, a node failure: the rate joins the failure model's.
    double rate = f.unit_or("spot_interruptions_per_node_day", parse_count,
                            listed ? listed->interruptions_per_node_day : 0.0);
    if (!(rate > 0))
      f.fail("pricing", "is spot: give spot_interruptions_per_node_day (providers publish no rate; see "
                        "docs/platforms.md)");
    f.require_range("spot_interruptions_per_node_day", rate, 1e-6, 10,
                    "must be between 0.000001 and 10 interruptions per node and day");
    if (!c.failures) {
      c.failures = FailureSpec{};
      c.failures->node_mtbf = Seconds(kSecondsPerDay / rate);
      c.failures->repair_time = kDefaultRepairTime;
    } else {
      c.failures->node_mtbf = Seconds(1 / (1 / c.failures->node_mtbf.raw() + rate / kSecondsPerDay));
    }
  } else if (f.has("spot_interruptions_per_node_day")) {
    f.fail_against("spot_interruptions_per_node_day", "pricing", "is for clusters with pricing: spot");
  }
  std::string topo = f.string_or("topology", "fat-tree");
  if (topo != "star" && topo != "fat-tree" && topo != "rail-optimized")
    f.fail("topology", "must be star, fat-tree or rail-optimized");
  c.topology = topo == "fat-tree"         ? ClusterSpec::Topology::FatTree
               : topo == "rail-optimized" ? ClusterSpec::Topology::RailOptimized
                                          : ClusterSpec::Topology::Star;
  // Rails exist only in a rail-optimized fabric: one switch per NIC of a node, by default one per GPU.
  c.rails = c.gpus_per_node;
  if (c.topology == ClusterSpec::Topology::RailOptimized) {
    if (f.has("rails"))
      c.rails = static_cast<int>(f.whole("rails", 1, kMaxRails));
    else if (c.gpus_per_node > kMaxRails)
      f.fail("topology", "rail-optimized has one rail per GPU by default, and " +
                             std::to_string(c.gpus_per_node) + " GPUs per node are more than the " +
                             std::to_string(kMaxRails) + " rails riftsim builds: give 'rails'");
    // Routes in a rail-optimized zone are listed pair by pair: keep the host count small.
    if (c.host_count() > kMaxRailHosts)
      f.fail("topology", "rail-optimized is built host pair by host pair: at most " +
                             std::to_string(kMaxRailHosts) + " simulated hosts (raise nodes_per_host)");
  } else if (f.has("rails")) {
    f.fail_against("rails", "topology",
                   "is for topology rail-optimized (this cluster's fabric is " + topo + ")");
  }
  if (c.topology == ClusterSpec::Topology::FatTree && c.nodes % c.nodes_per_host != 0) {
    // Said as a conflict of the two keys is said: at the one the extending file wrote.
    c.xml_export_error = f.conflict("nodes_per_host", "nodes",
                                    "must divide the nodes for the fat-tree to export to SimGrid XML as one "
                                    "<cluster> (every host the same speed)");
  }
  c.oversubscription = f.unit_or("oversubscription", parse_count, 1.0);
  f.require_range("oversubscription", c.oversubscription, 1, 64, "must be between 1 and 64");
  c.capacity.quota = c.nodes;
  c.capacity.initial = c.nodes;
  if (auto cn = f.optional("capacity"))
    c.capacity =
        read_capacity(*cn, file, "capacity of cluster '" + c.id + "'", c.nodes, c.nodes,
                      f.optional("nodes").value_or(YAML::Node()), "'nodes' of cluster '" + c.id + "'");
  f.done();
  return c;
}

RegionSpec read_region(const std::string& name, const YAML::Node& node, const ProviderSpec& provider,
                       const std::string& file, SourcePos key_pos, const CatalogSpec* catalog,
                       const FileReader& read) {
  RegionSpec r;
  r.name = name;
  r.provider = provider.name;
  r.id = provider.name + "/" + name;
  r.pos = key_pos;
  Fields f(node, file, "region '" + r.id + "'");
  r.storage_bandwidth = f.unit("storage_bandwidth", parse_bandwidth);
  f.require_positive("storage_bandwidth", r.storage_bandwidth.raw());
  r.pue = f.unit_or("pue", parse_count, 1.0);
  f.require_range("pue", r.pue, 1.0, 3.0, "must be between 1.0 and 3.0");
  r.carbon_g_per_kwh = f.unit_or("carbon", parse_count, 0.0);
  f.require_range("carbon", r.carbon_g_per_kwh, 0, 2000, "must be between 0 and 2000 gCO2eq/kWh");
  r.storage_price = f.unit_or("storage_price", parse_usd_per_gb_month, UsdPerGBMonth(0));
  if (r.storage_price.raw() < 0) f.fail("storage_price", "must not be negative");
  r.storage_price_origin = read_price_origin(f, "storage_price");
  if (f.has("offers")) {
    r.offers = f.strings("offers");
    for (const auto& o : r.offers)
      if (catalog && !catalog->find_instance(o)) {
        std::set<std::string> names;
        for (const auto& i : catalog->instances) names.insert(i.name);
        f.fail("offers", "names '" + o + "', which is not in the catalog" + did_you_mean(o, names));
      }
  }
  // A region may list no cluster: a place the platform knows (prices, carbon) where the tenant has none yet.
  if (auto cl = f.optional("clusters"))
    for_each_entry(*cl, file, "clusters of region '" + r.id + "'",
                   [&](const std::string& cname, const YAML::Node& cn, SourcePos p) {
                     r.clusters.push_back(read_cluster(cname, cn, r, file, p, catalog, read));
                   });
  f.done();
  return r;
}

ProviderSpec read_provider(const std::string& name, const YAML::Node& node, const std::string& file,
                           SourcePos key_pos, const CatalogSpec* catalog, const FileReader& read) {
  ProviderSpec p;
  p.name = name;
  p.pos = key_pos;
  Fields f(node, file, "provider '" + name + "'");
  // One price, or tiers: [{up_to: 10TB, price: $0.09/GB}, ..., {price: $0.05/GB}]
  YAML::Node eg = f.required("egress");
  if (eg.IsSequence()) {
    for (size_t i = 0; i < eg.size(); ++i) {
      Fields tf(eg[i], file, "egress tier of provider '" + name + "'");
      EgressTier t;
      t.price = tf.unit("price", parse_usd_per_gb);
      if (t.price.raw() < 0) tf.fail("price", "must not be negative");
      bool last = i + 1 == eg.size();
      if (!last) {
        t.up_to = tf.unit("up_to", parse_bytes);
        if (!p.tiers.empty() && !(t.up_to > p.tiers.back().up_to))
          tf.fail("up_to", "must grow from tier to tier");
        tf.require_positive("up_to", t.up_to.raw());
      } else if (tf.has("up_to")) {
        tf.fail("up_to", "must be left out on the last tier, which has no end");
      }
      tf.done();
      p.tiers.push_back(t);
    }
    if (p.tiers.empty()) f.fail("egress", "must give at least one price");
    p.egress = p.tiers.front().price;
  } else {
    p.egress = f.unit("egress", parse_usd_per_gb);
    if (p.egress.raw() < 0) f.fail("egress", "must not be negative");
    p.tiers.push_back({Bytes(0), p.egress});
  }
  p.egress_origin = read_price_origin(f, "egress");
  for_each_entry(f.required("regions"), file, "regions of provider '" + name + "'",
                 [&](const std::string& rname, const YAML::Node& rn, SourcePos pos) {
                   p.regions.push_back(read_region(rname, rn, p, file, pos, catalog, read));
                 });
  f.done();
  return p;
}

/// What a key at `level` (the keys from the top down) names, and the key a new one must give: an
/// extending file's name that is not in the base is a new provider, region, cluster or link.
std::optional<std::pair<std::string, std::string>> new_entry_kind(const std::vector<std::string>& level) {
  if (level == std::vector<std::string>{"providers"}) return std::pair{"provider", "egress"};
  if (level == std::vector<std::string>{"links"}) return std::pair{"link", "bandwidth"};
  if (level.size() == 3 && level[0] == "providers" && level[2] == "regions")
    return std::pair{"region", "storage_bandwidth"};
  if (level.size() == 5 && level[0] == "providers" && level[2] == "regions" && level[4] == "clusters")
    return std::pair{"cluster", "instance"};
  return std::nullopt;
}

/// The keys of a base mapping that an extending file's key takes the place of, unless it gives them too:
/// the other way of saying the same value (a rate for a mean time), and where a replaced price came from
/// (an overridden price must not keep the base's date and source).
const std::map<std::string, std::vector<std::string>>& displaced_keys() {
  static const std::map<std::string, std::vector<std::string>> displaced = {
      {"node_mtbf", {"failures_per_1000_node_days"}},
      {"failures_per_1000_node_days", {"node_mtbf"}},
      {"job_mtbf", {"job_failures_per_day"}},
      {"job_failures_per_day", {"job_mtbf"}},
      {"price", {"price_as_of", "price_source"}},
      {"storage_price", {"storage_price_as_of", "storage_price_source"}},
      {"egress", {"egress_as_of", "egress_source", "prices_as_of", "prices_source"}}, // provider; link
      {"port_price", {"prices_as_of", "prices_source"}},
  };
  return displaced;
}

/// Puts `over` onto `base`: a key of both whose values are both mappings is merged the same way; any
/// other key of `over` replaces (or adds) the base's value, which keeps its own file and line, and takes
/// the place of the base's displaced_keys(). A name new to `base_file` that lacks what a new entry needs
/// is most likely misspelled: said at its line.
void merge_mapping(YAML::Node base, const YAML::Node& over, const std::string& file,
                   const std::string& base_file, std::vector<std::string> level = {}) {
  refuse_repeated_keys(over, file); // merged, one of the two would vanish
  for (auto it = over.begin(); it != over.end(); ++it)
    if (auto d = displaced_keys().find(it->first.Scalar()); d != displaced_keys().end())
      for (const std::string& gone : d->second)
        if (!over[gone]) base.remove(gone);
  for (auto it = over.begin(); it != over.end(); ++it) {
    const std::string& key = it->first.Scalar();
    SourcePos at = pos_of(it->first, file);
    const YAML::Node& base_const = base;
    YAML::Node below = base_const[key];
    if (below && below.IsMap() && it->second.IsMap()) {
      level.push_back(key);
      merge_mapping(below, it->second, file, base_file, level);
      level.pop_back();
    } else if (below) {
      base[key] = it->second;
    } else {
      if (auto kind = new_entry_kind(level); kind && it->second.IsMap() && !it->second[kind->second]) {
        std::set<std::string> names;
        for (auto b = base_const.begin(); b != base_const.end(); ++b)
          if (b->first.IsScalar()) names.insert(b->first.Scalar());
        throw InputError(at, kind->first + " '" + key + "' is not in " + base_file + ", and a new " +
                                 kind->first + " needs '" + kind->second + "'" + did_you_mean(key, names));
      }
      base.force_insert(it->first, it->second);
    }
  }
}

constexpr int kMaxExtends = 4;

/// The platform tree of `root` (from `file`): with `extends: OTHER`, OTHER's tree (read the same way) with
/// this file's keys put onto it. Each file keeps its own lines for messages (SourceFiles).
YAML::Node extended_tree(YAML::Node root, const std::string& file, const FileReader& read,
                         SourceFiles& files) {
  const YAML::Node& const_root = root;
  YAML::Node ext = const_root["extends"];
  if (!ext) return root;
  SourcePos at = pos_of(ext, file);
  if (!ext.IsScalar() || ext.Scalar().empty())
    throw InputError(at, "'extends' must name the platform file this one builds on");
  std::filesystem::path p(ext.Scalar());
  if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
  std::string path = p.lexically_normal().string();
  for (const auto& seen : files.files())
    if (std::filesystem::path(seen).lexically_normal() == path)
      throw InputError(at, "'extends' names " + path + ", which is already in the chain of files (" +
                               files.files().front() + " extends itself)");
  if (files.files().size() > kMaxExtends)
    throw InputError(at, "'extends' goes more than " + std::to_string(kMaxExtends) + " files deep");
  FileText t = read(path, kMaxYamlFileBytes);
  if (!t.error.empty())
    throw InputError(at, "'extends' names " + path + ", which cannot be read: it " + t.error);
  YAML::Node base = extended_tree(files.load(t.text, path), path, read, files);
  merge_mapping(base, root, file, path);
  return base;
}

} // namespace

PlatformSpec parse_platform(const std::string& text, const std::string& file, const FileReader& reader) {
  const FileReader read = reader ? reader : file_system_reader();
  // Messages name the file each value comes from, also after a platform extends another.
  SourceFiles files(file);
  YAML::Node top_node = load_yaml_text(text, file);
  if (static_cast<const YAML::Node&>(top_node)["extends"] &&
      std::count(text.begin(), text.end(), '\n') >= SourceFiles::kLinesPerFile)
    throw InputError({file, 1, 1}, "a platform file that extends another must be shorter than " +
                                       std::to_string(SourceFiles::kLinesPerFile) + " lines");
  YAML::Node root = extended_tree(top_node, file, read, files);
  PlatformSpec spec;
  spec.file = file;
  Fields top(root, file, "the platform file");
  check_schema_version(top);
  if (auto ext = top.optional("extends")) spec.extends = files.files().at(1); // read by extended_tree
  if (auto cat = top.optional("catalog")) {
    Fields cf(*cat, file, "the catalog");
    std::string acc, inst;
    std::string acc_text = read_named_file(cf, "accelerators", read, kMaxYamlFileBytes, acc);
    std::string inst_text = read_named_file(cf, "instances", read, kMaxYamlFileBytes, inst);
    cf.done();
    spec.catalog = std::make_shared<const CatalogSpec>(parse_catalog(acc_text, acc, inst_text, inst));
  }
  for_each_entry(top.required("providers"), file, "providers",
                 [&](const std::string& n, const YAML::Node& v, SourcePos p) {
                   spec.providers.push_back(read_provider(n, v, file, p, spec.catalog.get(), read));
                 });
  if (auto links = top.optional("links")) {
    for_each_entry(*links, file, "links", [&](const std::string& n, const YAML::Node& v, SourcePos p) {
      WanLinkSpec l;
      l.name = n;
      l.pos = p;
      Fields f(v, file, "link '" + n + "'");
      auto ends = f.strings("between");
      if (ends.size() != 2 || ends[0] == ends[1]) f.fail("between", "must name two different regions");
      l.region_a = ends[0];
      l.region_b = ends[1];
      l.bandwidth = f.unit("bandwidth", parse_bandwidth);
      f.require_positive("bandwidth", l.bandwidth.raw());
      l.latency = f.unit_or("latency", parse_duration, Seconds(0));
      if (l.latency.raw() < 0) f.fail("latency", "must not be negative");
      std::string kind = f.string_or("kind", "internet");
      if (kind != "internet" && kind != "interconnect") f.fail("kind", "must be internet or interconnect");
      l.kind = kind == "internet" ? WanLinkSpec::Kind::Internet : WanLinkSpec::Kind::Interconnect;
      if (f.has("per_flow")) {
        l.per_flow = f.unit("per_flow", parse_bandwidth);
        f.require_positive("per_flow", l.per_flow->raw());
      }
      if (f.has("port_price")) {
        if (l.kind != WanLinkSpec::Kind::Interconnect)
          f.fail("port_price", "is for links of kind interconnect (the internet has no ports to rent)");
        l.port_price = f.unit("port_price", parse_usd_per_hour);
        if (l.port_price.raw() < 0) f.fail("port_price", "must not be negative");
      }
      // Data out over a dedicated interconnect is billed at the provider's own rate for that service
      // (AWS Direct Connect's data transfer out, Azure ExpressRoute metered outbound, GCP Interconnect
      // egress), not at the internet tiers: an interconnect must say it.
      if (l.kind == WanLinkSpec::Kind::Interconnect && !f.has("egress"))
        f.fail("kind", "interconnect needs its own 'egress' price per GB (its data transfer out rate, e.g. "
                       "$0.02/GB for AWS Direct Connect): it is not billed at the internet tiers");
      if (f.has("egress")) {
        l.egress = f.unit("egress", parse_usd_per_gb);
        if (l.egress->raw() < 0) f.fail("egress", "must not be negative");
      }
      l.prices_origin = read_price_origin(f, "prices");
      f.done();
      spec.links.push_back(l);
    });
  }
  top.done();
  // A link must join regions that exist; checked after all providers are read. (A name listed twice is
  // refused by for_each_entry.)
  for (const auto& l : spec.links) {
    for (const auto& end : {l.region_a, l.region_b})
      if (!spec.find_region(end))
        throw InputError(l.pos, "link '" + l.name + "' names region '" + end +
                                    "', which is not in the platform (write provider/region)");
  }
  return spec;
}

PlatformSpec load_platform(const std::string& path) {
  return parse_platform(read_text_file(path), path);
}

} // namespace riftsim
