// libFuzzer target: the workload loader.
#include "config/loaders.hpp"
#include "fuzz_inputs.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riftsim;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)parse_workload(text, "fuzz/workload.yaml");
  } catch (const InputError& e) {
    fuzz::check_error(e);
  }
  return 0;
}
