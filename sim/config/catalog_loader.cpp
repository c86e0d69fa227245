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
  CatalogSpec cat;
  {
    YAML::Node root = load_yaml_text(read_text_file(acc_path), acc_path);
    Fields top(root, acc_path, "the accelerator catalog");
    top.optional("schema_version");
    for_each_entry(top.required("accelerators"), acc_path, "accelerators",
                   [&](const std::string& name, const YAML::Node& n, SourcePos pos) {
                     Fields f(n, acc_path, "accelerator '" + name + "'");
                     AcceleratorSpec a;
                     a.name = name;
                     a.pos = pos;
                     a.bf16_dense = f.unit("bf16_dense", parse_flop_rate);
                     f.require_positive("bf16_dense", a.bf16_dense.raw());
                     a.memory = f.unit("memory", parse_bytes);
                     a.memory_bandwidth = f.unit("memory_bandwidth", parse_bandwidth);
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
  YAML::Node root = load_yaml_text(read_text_file(inst_path), inst_path);
  Fields top(root, inst_path, "the instance catalog");
  top.optional("schema_version");
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
                   double count = f.unit("accelerators", parse_count);
                   f.require_range("accelerators", count, 1, 1024, "must be between 1 and 1024");
                   i.accelerators = static_cast<int>(count);
                   i.network = f.unit("network", parse_bandwidth);
                   f.require_positive("network", i.network.raw());
                   if (f.has("scale_up_bandwidth")) {
                     i.scale_up = f.unit("scale_up_bandwidth", parse_bandwidth);
                     f.require_positive("scale_up_bandwidth", i.scale_up.raw());
                   }
                   i.power_idle = f.unit("power_idle", parse_power);
                   i.power_busy = f.unit("power_busy", parse_power);
                   if (i.power_idle > i.power_busy) f.fail("power_idle", "must not exceed power_busy");
                   i.price = f.unit("price", parse_usd_per_hour);
                   f.require_positive("price", i.price.raw());
                   if (f.has("reserved_price"))
                     i.reserved_price = f.unit("reserved_price", parse_usd_per_hour);
                   f.done();
                   cat.instances.push_back(i);
                 });
  top.done();
  // Instances point into `accelerators`, which no longer grows: the pointers stay valid.
  return cat;
}

} // namespace riftsim
