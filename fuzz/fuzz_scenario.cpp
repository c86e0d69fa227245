// libFuzzer target: the scenario loader and the cross-file checks (placements, strategies, reachability,
// run limits) against a platform and a workload. An input is a scenario, optionally followed by a line
// "#@platform" and a platform, and a line "#@workload" and a workload; without them, the small ones of
// tests/data are used. The scenario's own platform: and workload: keys name nothing that is read.
#include "config/loaders.hpp"
#include "fuzz_inputs.hpp"

#include <cstddef>
#include <cstdint>

namespace {

/// The part of `text` after `marker` up to the next marker line (or the end), and cuts it off `text`.
std::string take_part(std::string& text, const std::string& marker, const std::string& fallback) {
  auto at = text.find(marker);
  if (at == std::string::npos) return fallback;
  std::string part = text.substr(at + marker.size());
  text.erase(at);
  return part;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riftsim;
  static const std::string mini_platform = fuzz::read_repo_file("tests/data/mini-platform.yaml");
  static const std::string mini_workload = fuzz::read_repo_file("tests/data/mini-workload.yaml");
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string workload = take_part(text, "\n#@workload\n", mini_workload);
  std::string platform = take_part(text, "\n#@platform\n", mini_platform);
  try {
    Inputs in;
    in.scenario = parse_scenario(text, "fuzz/scenario.yaml");
    in.platform = parse_platform(platform, "fuzz/platform.yaml", fuzz::memory_reader());
    in.workload = parse_workload(workload, "fuzz/workload.yaml");
    check_inputs(in);
    check_start_allocations(in);
    for (size_t k = 0; k < response_variants(in.scenario); ++k) {
      select_response_variant(in.scenario, k);
      (void)response_variant_name(in.scenario, k);
    }
  } catch (const InputError& e) {
    fuzz::check_error(e);
  }
  return 0;
}
