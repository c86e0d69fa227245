#include "config/yaml_fields.hpp"
#include "model/catalog.hpp"

#include <cctype>
#include <deque>

namespace riftsim {

const char* price_kind_name(PriceKind k) {
  switch (k) {
  case PriceKind::OnDemand:
    return "on_demand";
  case PriceKind::Reserved:
    return "reserved";
  case PriceKind::Committed1y:
    return "committed_1y";
  case PriceKind::Committed3y:
    return "committed_3y";
  case PriceKind::Spot:
    return "spot";
  }
  return "?";
}

std::optional<PriceKind> price_kind_from_name(const std::string& name) {
  for (PriceKind k : {PriceKind::OnDemand, PriceKind::Reserved, PriceKind::Committed1y,
                      PriceKind::Committed3y, PriceKind::Spot})
    if (name == price_kind_name(k)) return k;
  return std::nullopt;
}

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

namespace {

/// One pricing kind of an instance type: {price, regions: {name: price}, as_of, source} (spot: also
/// interruptions_per_node_day).
PriceList read_price_list(const YAML::Node& node, const std::string& file, const std::string& what,
                          PriceKind kind) {
  Fields f(node, file, what);
  PriceList p;
  p.pos = f.pos();
  p.price = f.unit("price", parse_usd_per_hour);
  f.require_positive("price", p.price.raw());
  if (auto regions = f.optional("regions"))
    for_each_entry(*regions, file, "regions of " + what,
                   [&](const std::string& r, const YAML::Node& v, SourcePos) {
                     try {
                       p.regions[r] = parse_usd_per_hour(v.Scalar());
                     } catch (const UnitError& e) {
                       throw InputError(pos_of(v, file), "region '" + r + "' of " + what + ": " + e.what());
                     }
                     if (p.regions[r].raw() <= 0) throw InputError(pos_of(v, file), "a price must be > 0");
                   });
  p.as_of = f.string("as_of");
  if (!is_iso_date(p.as_of)) f.fail("as_of", "must be the date the price was read, as YYYY-MM-DD");
  p.source = f.string("source");
  if (p.source.empty()) f.fail("source", "must say where the price comes from");
  if (kind == PriceKind::Spot && f.has("interruptions_per_node_day")) {
    p.interruptions_per_node_day = f.unit("interruptions_per_node_day", parse_count);
    f.require_range("interruptions_per_node_day", p.interruptions_per_node_day, 0, 10,
                    "must be between 0 and 10 interruptions per node and day");
  }
  f.done();
  return p;
}

} // namespace

const AcceleratorSpec* CatalogSpec::find_accelerator(const std::string& name) const {
  for (const auto& a : accelerators)
    if (a.name == name) return &a;
  return nullptr;
}

const InstanceSpec* CatalogSpec::find_instance(const std::string& name) const {
  for (const auto& i : instances)
    if (i.name == name) return &i;
  return nullptr;
}

CatalogSpec load_catalog(const std::string& acc_path, const std::string& inst_path) {
  return parse_catalog(read_text_file(acc_path), acc_path, read_text_file(inst_path), inst_path);
}

CatalogSpec parse_catalog(const std::string& acc_text, const std::string& acc_path,
                          const std::string& inst_text, const std::string& inst_path) {
  CatalogSpec cat;
  {
    YAML::Node root = load_yaml_text(acc_text, acc_path);
    Fields top(root, acc_path, "the accelerator catalog");
    check_schema_version(top);
    for_each_entry(top.required("accelerators"), acc_path, "accelerators",
                   [&](const std::string& name, const YAML::Node& n, SourcePos pos) {
                     Fields f(n, acc_path, "accelerator '" + name + "'");
                     AcceleratorSpec a;
                     a.name = name;
                     a.pos = pos;
                     a.bf16_dense = f.unit("bf16_dense", parse_flop_rate);
                     f.require_range("bf16_dense", a.bf16_dense.raw(), 1e9, 1e17,
                                     "must be between 1 GFLOPS and 100 PFLOPS");
                     a.memory = f.unit("memory", parse_bytes);
                     f.require_positive("memory", a.memory.raw());
                     a.memory_bandwidth = f.unit("memory_bandwidth", parse_bandwidth);
                     f.require_positive("memory_bandwidth", a.memory_bandwidth.raw());
                     a.max_power = f.unit("max_power", parse_power);
                     f.require_positive("max_power", a.max_power.raw());
                     if (f.has("matmul_efficiency")) {
                       a.matmul_efficiency = f.unit("matmul_efficiency", parse_fraction);
                       f.require_range("matmul_efficiency", a.matmul_efficiency, 0.01, 1,
                                       "must be in (0, 1], e.g. 0.869 or 86.9%");
                     }
                     f.done();
                     cat.accelerators.push_back(a);
                   });
    top.done();
  }
  YAML::Node root = load_yaml_text(inst_text, inst_path);
  Fields top(root, inst_path, "the instance catalog");
  check_schema_version(top);
  for_each_entry(top.required("instances"), inst_path, "instances",
                 [&](const std::string& name, const YAML::Node& n, SourcePos pos) {
                   Fields f(n, inst_path, "instance '" + name + "'");
                   InstanceSpec i;
                   i.name = name;
                   i.pos = pos;
                   i.provider = f.string("provider");
                   std::string acc = f.string("accelerator");
                   i.accelerator = cat.find_accelerator(acc);
                   if (!i.accelerator)
                     f.fail("accelerator", "names '" + acc + "', which is not in " + acc_path);
                   i.accelerators = static_cast<int>(f.whole("accelerators", 1, 1024));
                   i.network = f.unit("network", parse_bandwidth);
                   f.require_positive("network", i.network.raw());
                   if (f.has("scale_up_bandwidth")) {
                     i.scale_up = f.unit("scale_up_bandwidth", parse_bandwidth);
                     f.require_positive("scale_up_bandwidth", i.scale_up.raw());
                   }
                   i.power_idle = f.unit("power_idle", parse_power);
                   i.power_busy = f.unit("power_busy", parse_power);
                   f.require_positive("power_busy", i.power_busy.raw());
                   if (i.power_idle.raw() < 0 || i.power_idle > i.power_busy)
                     f.fail("power_idle", "must be between 0 and power_busy");
                   for_each_entry(f.required("prices"), inst_path, "prices of instance '" + name + "'",
                                  [&](const std::string& kind, const YAML::Node& pn, SourcePos kpos) {
                                    auto k = price_kind_from_name(kind);
                                    if (!k)
                                      throw InputError(kpos, "unknown pricing kind '" + kind +
                                                                 "' (on_demand, reserved, committed_1y, "
                                                                 "committed_3y or spot)");
                                    i.prices[*k] = read_price_list(
                                        pn, inst_path, kind + " price of instance '" + name + "'", *k);
                                  });
                   if (!i.find_price(PriceKind::OnDemand))
                     f.fail("prices", "must give the on_demand price (the reference for price events)");
                   f.done();
                   cat.instances.push_back(i);
                 });
  top.done();
  // Instances point into `accelerators`, which no longer grows: the pointers stay valid.
  return cat;
}

} // namespace riftsim
