#pragma once
// Catalogs of accelerators and cloud instance types (platforms/catalog/*.yaml): what a planner looks up,
// with sources. A platform's cluster names an instance type and inherits its numbers.
#include "core/input_error.hpp"
#include "core/units.hpp"

#include <map>
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

/// How a tenant pays for an instance type's node-hours: on demand; reserved ahead for a fixed period (AWS
/// Capacity Blocks); a one- or three-year commitment (GCP committed-use discounts, AWS Savings Plans, Azure
/// reservations); or spot, cheaper but interrupted when the provider needs the capacity back.
enum class PriceKind { OnDemand, Reserved, Committed1y, Committed3y, Spot };
const char* price_kind_name(PriceKind k); // as written in files: "on_demand", "committed_1y", ...
std::optional<PriceKind> price_kind_from_name(const std::string& name);

/// The price of one pricing kind of an instance type, with where and when it was read. Providers' prices
/// differ by region: `regions` lists those known, `price` holds elsewhere (and is the reference price).
struct PriceList {
  UsdPerHour price;
  std::map<std::string, UsdPerHour> regions; // by region name as the provider spells it ("us-east4")
  std::string as_of;                         // the date the price was read, YYYY-MM-DD
  std::string source;                        // where (flag and reference, docs/sources.md)
  /// Spot only: how often the provider takes a node back, per node and day (0: not known).
  double interruptions_per_node_day = 0;
  UsdPerHour in_region(const std::string& region_name) const {
    auto it = regions.find(region_name);
    return it == regions.end() ? price : it->second;
  }
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
  std::map<PriceKind, PriceList> prices; // on_demand always; the other kinds where public
  SourcePos pos;
  FlopsPerSecond node_peak() const { return accelerator->bf16_dense * accelerators; }
  const PriceList& on_demand() const { return prices.at(PriceKind::OnDemand); }
  const PriceList* find_price(PriceKind k) const {
    auto it = prices.find(k);
    return it == prices.end() ? nullptr : &it->second;
  }
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
