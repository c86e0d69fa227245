// libFuzzer target: the platform loader (with the catalogs it names), then what reads a loaded
// platform without an engine: the run limits, `platform show` and, for small platforms, the XML export.
#include "config/loaders.hpp"
#include "fuzz_inputs.hpp"
#include "output/platform_table.hpp"
#include "output/platform_xml.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riftsim;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    PlatformSpec p = parse_platform(text, "fuzz/platform.yaml", fuzz::memory_reader());
    check_platform_limits(p, RunLimits{});
    (void)platform_table(p);
    double hosts = 0;
    for (const auto& pr : p.providers)
      for (const auto& r : pr.regions)
        for (const auto& c : r.clusters) hosts += c.host_count();
    if (hosts <= 64) (void)platform_xml(p); // a few hosts cover every fabric; thousands only cost time
  } catch (const InputError& e) {
    fuzz::check_error(e);
  }
  return 0;
}
