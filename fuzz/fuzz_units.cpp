// libFuzzer target: the unit parsers, the expectation parser, the formatting of what they return, and
// the text checks that keep messages on one line.
#include "core/input_error.hpp"
#include "core/text.hpp"
#include "core/units.hpp"
#include "fuzz_inputs.hpp"
#include "model/expectation.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

/// A parsed quantity is finite, and can be formatted.
template <class F> void parse_one(F parse) {
  try {
    double v = parse();
    if (!std::isfinite(v)) std::abort();
    (void)riftsim::format_si(v, "x");
    (void)riftsim::format_count(v);
  } catch (const riftsim::UnitError&) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riftsim;
  std::string text(reinterpret_cast<const char*>(data), size);
  parse_one([&] {
    double s = parse_duration(text).raw();
    (void)format_duration(Seconds(s));
    return s;
  });
  parse_one([&] {
    double b = parse_bytes(text).raw();
    (void)format_bytes(Bytes(b));
    return b;
  });
  parse_one([&] {
    double r = parse_bandwidth(text).raw();
    (void)format_bandwidth(BytesPerSecond(r));
    return r;
  });
  parse_one([&] { return parse_flops(text).raw(); });
  parse_one([&] { return parse_flop_rate(text).raw(); });
  parse_one([&] { return parse_power(text).raw(); });
  parse_one([&] { return parse_usd_per_hour(text).raw(); });
  parse_one([&] { return parse_usd_per_gb(text).raw(); });
  parse_one([&] { return parse_usd_per_gb_month(text).raw(); });
  parse_one([&] {
    double u = parse_usd(text).raw();
    (void)format_usd(Usd(u));
    return u;
  });
  parse_one([&] { return parse_fraction(text); });
  parse_one([&] { return parse_count(text); });
  try {
    Expectation e = parse_expectation(text, {"fuzz/scenario.yaml", 1, 1});
    if (e.path.empty() || !std::isfinite(e.value)) std::abort();
  } catch (const InputError& e) {
    fuzz::check_error(e);
  }
  // Whatever the bytes, one_line gives one line of UTF-8.
  std::string line = one_line(text);
  if (invalid_utf8_offset(line) != std::string::npos || line.find('\n') != std::string::npos) std::abort();
  if (invalid_utf8_offset(text) == std::string::npos && text.find_first_of("\n\r\t") == std::string::npos &&
      line.size() < text.size())
    std::abort();
  return 0;
}
