#pragma once
// Catalogs of accelerators and cloud instance types (platforms/catalog/*.yaml): what a planner looks up,
// with sources. A platform's cluster names an instance type and inherits its numbers.
#include "core/input_error.hpp"
#include "core/units.hpp"

#include <optional>
#include <string>
#include <vector>

namespace riftsim {

struct AcceleratorSpec {
  std::string name;
  FlopsPerSecond bf16_dense;
  Bytes memory;
  BytesPerSecond memory_bandwidth;
  Watts max_power;
  double matmul_efficiency = 0; // best-shape BF16 matmul throughput / peak (0 = not in the catalog)
  SourcePos pos;
};

struct InstanceSpec {
  std::string name;
  std::string provider;
  const AcceleratorSpec* accelerator = nullptr;
  int accelerators = 0;    // per node
  BytesPerSecond network;  // scale-out, per node
  BytesPerSecond scale_up; // NVLink / NVSwitch (or equivalent) per accelerator and direction; 0 = unknown
  Watts power_idle;
  Watts power_busy;
  UsdPerHour price;                         // on-demand
  std::optional<UsdPerHour> reserved_price; // capacity block / reservation, where public
  SourcePos pos;
  FlopsPerSecond node_peak() const { return accelerator->bf16_dense * accelerators; }
};

struct CatalogSpec {
  std::vector<AcceleratorSpec> accelerators;
  std::vector<InstanceSpec> instances;
  const AcceleratorSpec* find_accelerator(const std::string& name) const;
  const InstanceSpec* find_instance(const std::string& name) const;
};

/// Reads both catalogs; instances must name accelerators of the first.
CatalogSpec load_catalog(const std::string& accelerators_path, const std::string& instances_path);
/// The same from the files' texts; the names stand for the files in messages.
CatalogSpec parse_catalog(const std::string& accelerators_text, const std::string& accelerators_name,
                          const std::string& instances_text, const std::string& instances_name);

} // namespace riftsim
