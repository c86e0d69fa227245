#include "cli/commands.hpp"
#include "config/input_files.hpp"
#include "config/loaders.hpp"
#include "core/text.hpp"
#include "model/catalog.hpp"
#include "sweep/sweep_inputs.hpp"

#include <filesystem>
#include <iostream>

namespace riftsim {

namespace {

void validate_one(const std::string& f) {
  switch (detect_kind(f)) {
  case FileKind::Platform: {
    PlatformSpec p = load_platform(f);
    size_t clusters = 0;
    for (const auto& pr : p.providers)
      for (const auto& r : pr.regions) clusters += r.clusters.size();
    std::cout << "ok  " << f << "  platform: " << count_of(p.providers.size(), "provider") << ", "
              << count_of(clusters, "cluster") << ", " << count_of(p.links.size(), "link") << "\n";
    break;
  }
  case FileKind::Workload: {
    WorkloadSpec w = load_workload(f); // loaded before "ok" is printed: an error leaves no half line
    std::cout << "ok  " << f << "  workload: " << count_of(w.jobs.size(), "job") << "\n";
    break;
  }
  case FileKind::Sweep: {
    // Every point's inputs built and checked, as `riftsim sweep` does before it runs anything.
    SweepSpec spec = load_sweep(f);
    SweepInputs inputs(spec);
    const std::vector<SweepPoint> points = expand_design(spec);
    check_run_count(spec, points.size(), response_variants(inputs.base().scenario));
    for (const auto& p : points) inputs.point(p);
    std::cout << "ok  " << f << "  sweep '" << spec.name << "': " << count_of(points.size(), "point") << " x "
              << count_of(spec.seeds.size(), "seed") << " x "
              << count_of(response_variants(inputs.base().scenario), "response") << "\n";
    break;
  }
  case FileKind::AcceleratorCatalog: {
    CatalogSpec c = parse_catalog(read_text_file(f), f, "schema_version: 1\ninstances: {}\n", "(none)");
    std::cout << "ok  " << f << "  accelerator catalog: " << count_of(c.accelerators.size(), "accelerator")
              << "\n";
    break;
  }
  case FileKind::InstanceCatalog: {
    // Instances name their accelerators: checked against the accelerator catalog beside them, as the
    // shipped platforms pair them (catalog/accelerators.yaml and catalog/instances.yaml).
    std::string accelerators = (std::filesystem::path(f).parent_path() / "accelerators.yaml").string();
    if (!std::filesystem::exists(accelerators))
      throw InputError({f, 1, 1},
                       "an instance catalog is checked against the accelerator catalog beside it, " +
                           accelerators +
                           ", which does not exist (validate the platform that "
                           "names both instead)");
    CatalogSpec c = load_catalog(accelerators, f);
    std::cout << "ok  " << f << "  instance catalog: " << count_of(c.instances.size(), "instance")
              << " (accelerators from " << accelerators << ")\n";
    break;
  }
  case FileKind::Scenario: {
    Inputs in = load_inputs(f);
    check_start_allocations(in);
    std::cout << "ok  " << f << "  scenario '" << in.scenario.name
              << "': " << count_of(in.scenario.placements.size(), "job") << ", "
              << count_of(in.scenario.events.size(), "event") << ", "
              << count_of(in.scenario.expectations.size(), "expectation") << "\n";
    break;
  }
  }
}

} // namespace

int cmd_validate(const std::vector<std::string>& files) {
  // Every file is checked: "ok" for each good one, one located error line for each bad one.
  int bad = 0;
  for (const auto& f : files) {
    try {
      validate_one(f);
    } catch (const InputError& e) {
      std::cerr << e.what() << "\n";
      ++bad;
    }
  }
  return bad ? kExitBadInput : kExitOk;
}

} // namespace riftsim
