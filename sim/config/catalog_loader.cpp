#include "config/yaml_fields.hpp"
#include "model/catalog.hpp"

#include <deque>

namespace riftsim {

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
                   i.price = f.unit("price", parse_usd_per_hour);
                   f.require_positive("price", i.price.raw());
                   if (f.has("reserved_price")) {
                     i.reserved_price = f.unit("reserved_price", parse_usd_per_hour);
                     f.require_positive("reserved_price", i.reserved_price->raw());
                   }
                   f.done();
                   cat.instances.push_back(i);
                 });
  top.done();
  // Instances point into `accelerators`, which no longer grows: the pointers stay valid.
  return cat;
}

} // namespace riftsim
