#include "core/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <string>
#include <utility>
#include <vector>

namespace riftsim {
namespace {

struct NumberAndUnit {
  double number;
  std::string unit;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Splits "  6.5 TB" into 6.5 and "TB". The number must be finite.
NumberAndUnit split(std::string_view text, std::string_view what) {
  std::string s = trim(text);
  if (s.empty()) throw UnitError(fmt::format("empty {}", what));
  double v = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec == std::errc::result_out_of_range)
    throw UnitError(fmt::format("'{}' is out of range: too large or too small a number", s));
  if (ec != std::errc() || ptr == first)
    throw UnitError(fmt::format("'{}' is not a {}: it must start with a number", s, what));
  if (!std::isfinite(v)) throw UnitError(fmt::format("'{}' is not a finite number", s));
  return {v, trim(std::string_view(ptr, static_cast<size_t>(last - ptr)))};
}

// The value with its unit applied must still be finite: "1e305w" overflows to infinity.
double finite(double value, std::string_view text, std::string_view what) {
  if (!std::isfinite(value))
    throw UnitError(fmt::format("'{}' is out of range: too large a {} to compute with", trim(text), what));
  return value;
}

// Looks up a unit in a table; the message lists what is accepted so a user can fix the file.
double factor_for(const std::string& unit, const std::vector<std::pair<std::string, double>>& table,
                  std::string_view what, std::string_view text) {
  for (const auto& [name, factor] : table)
    if (unit == name) return factor;
  std::string accepted;
  for (const auto& [name, factor] : table) {
    if (name.empty()) continue;
    if (!accepted.empty()) accepted += ", ";
    accepted += name;
  }
  if (unit.empty())
    throw UnitError(fmt::format("'{}' has no unit; a {} needs one of: {}", text, what, accepted));
  throw UnitError(fmt::format("unknown {} unit '{}' in '{}'; use one of: {}", what, unit, text, accepted));
}

double si_prefix(char c) {
  switch (c) {
  case 'k':
  case 'K':
    return 1e3;
  case 'M':
    return 1e6;
  case 'G':
    return 1e9;
  case 'T':
    return 1e12;
  case 'P':
    return 1e15;
  case 'E':
    return 1e18;
  case 'Z':
    return 1e21;
  case 'Y':
    return 1e24;
  default:
    return 0;
  }
}

// "TFLOPS" with base "FLOPS" -> 1e12. Returns 0 when the unit is not prefix+base.
double prefixed(const std::string& unit, std::string_view base) {
  if (unit == base) return 1.0;
  if (unit.size() == base.size() + 1 && unit.compare(1, std::string::npos, base) == 0)
    return si_prefix(unit[0]);
  return 0;
}

std::string strip_dollar(std::string_view text) {
  std::string s = trim(text);
  if (!s.empty() && s[0] == '$')
    s.erase(0, 1);
  else if (s.size() > 3 && s.compare(s.size() - 3, 3, "USD") == 0)
    s.erase(s.size() - 3);
  return s;
}

} // namespace

Seconds parse_duration(std::string_view text) {
  auto [v, u] = split(text, "duration");
  static const std::vector<std::pair<std::string, double>> table = {
      {"ms", 1e-3},   {"s", 1},         {"sec", 1},       {"min", 60},    {"h", 3600},
      {"hour", 3600}, {"hours", 3600},  {"d", 86400},     {"day", 86400}, {"days", 86400},
      {"w", 604800},  {"week", 604800}, {"weeks", 604800}};
  return Seconds(finite(v * factor_for(u, table, "duration", text), text, "duration"));
}

Bytes parse_bytes(std::string_view text) {
  auto [v, u] = split(text, "size");
  static const std::vector<std::pair<std::string, double>> table = {{"B", 1},
                                                                    {"kB", 1e3},
                                                                    {"KB", 1e3},
                                                                    {"MB", 1e6},
                                                                    {"GB", 1e9},
                                                                    {"TB", 1e12},
                                                                    {"PB", 1e15},
                                                                    {"EB", 1e18},
                                                                    {"KiB", 1024.0},
                                                                    {"MiB", 1048576.0},
                                                                    {"GiB", 1073741824.0},
                                                                    {"TiB", 1099511627776.0},
                                                                    {"PiB", 1125899906842624.0}};
  return Bytes(finite(v * factor_for(u, table, "size", text), text, "size"));
}

BytesPerSecond parse_bandwidth(std::string_view text) {
  auto [v, u] = split(text, "bandwidth");
  // Network people write bits per second, storage people bytes per second; accept both, explicitly.
  static const std::vector<std::pair<std::string, double>> table = {{"bps", 1.0 / 8},
                                                                    {"kbps", 1e3 / 8},
                                                                    {"Kbps", 1e3 / 8},
                                                                    {"Mbps", 1e6 / 8},
                                                                    {"Gbps", 1e9 / 8},
                                                                    {"Tbps", 1e12 / 8},
                                                                    {"Bps", 1},
                                                                    {"B/s", 1},
                                                                    {"kBps", 1e3},
                                                                    {"kB/s", 1e3},
                                                                    {"MBps", 1e6},
                                                                    {"MB/s", 1e6},
                                                                    {"GBps", 1e9},
                                                                    {"GB/s", 1e9},
                                                                    {"TBps", 1e12},
                                                                    {"TB/s", 1e12},
                                                                    {"MiB/s", 1048576.0},
                                                                    {"GiB/s", 1073741824.0},
                                                                    {"TiB/s", 1099511627776.0}};
  return BytesPerSecond(finite(v * factor_for(u, table, "bandwidth", text), text, "bandwidth"));
}

Flops parse_flops(std::string_view text) {
  auto [v, u] = split(text, "FLOP count");
  if (u.empty()) return Flops(v);
  double f = prefixed(u, "FLOP");
  if (f == 0) f = prefixed(u, "FLOPs");
  if (f == 0)
    throw UnitError(fmt::format("unknown FLOP-count unit '{}' in '{}'; write a plain number (2.15e25) or "
                                "use FLOP with an SI prefix (e.g. 21.5YFLOP)",
                                u, text));
  return Flops(finite(v * f, text, "FLOP count"));
}

FlopsPerSecond parse_flop_rate(std::string_view text) {
  auto [v, u] = split(text, "FLOP rate");
  double f = prefixed(u, "FLOPS");
  if (f == 0) f = prefixed(u, "FLOP/s");
  if (f == 0 && u.empty())
    throw UnitError(fmt::format("'{}' has no unit; a FLOP rate needs one, e.g. 312TFLOPS", text));
  if (f == 0)
    throw UnitError(fmt::format(
        "unknown FLOP-rate unit '{}' in '{}'; use FLOPS with an SI prefix, e.g. 312TFLOPS", u, text));
  return FlopsPerSecond(finite(v * f, text, "FLOP rate"));
}

Watts parse_power(std::string_view text) {
  auto [v, u] = split(text, "power");
  static const std::vector<std::pair<std::string, double>> table = {{"W", 1}, {"kW", 1e3}, {"MW", 1e6}};
  return Watts(finite(v * factor_for(u, table, "power", text), text, "power"));
}

UsdPerHour parse_usd_per_hour(std::string_view text) {
  auto [v, u] = split(strip_dollar(text), "price per hour");
  static const std::vector<std::pair<std::string, double>> table = {{"/h", 1}, {"/hour", 1}, {"/hr", 1}};
  return UsdPerHour(finite(v * factor_for(u, table, "price per hour", text), text, "price per hour"));
}

UsdPerGB parse_usd_per_gb(std::string_view text) {
  auto [v, u] = split(strip_dollar(text), "price per GB");
  static const std::vector<std::pair<std::string, double>> table = {{"/GB", 1}, {"/TB", 1e-3}};
  return UsdPerGB(finite(v * factor_for(u, table, "price per GB", text), text, "price per GB"));
}

UsdPerGBMonth parse_usd_per_gb_month(std::string_view text) {
  auto [v, u] = split(strip_dollar(text), "storage price");
  static const std::vector<std::pair<std::string, double>> table = {
      {"/GB/month", 1}, {"/GB-month", 1}, {"/TB/month", 1e-3}, {"/TB-month", 1e-3}};
  return UsdPerGBMonth(finite(v * factor_for(u, table, "storage price", text), text, "storage price"));
}

Usd parse_usd(std::string_view text) {
  auto [v, u] = split(strip_dollar(text), "amount of money");
  static const std::vector<std::pair<std::string, double>> table = {
      {"", 1}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"B", 1e9}};
  return Usd(finite(v * factor_for(u, table, "amount of money", text), text, "amount of money"));
}

double parse_fraction(std::string_view text) {
  auto [v, u] = split(text, "fraction");
  if (u == "%") return v / 100.0;
  if (!u.empty()) throw UnitError(fmt::format("'{}' is not a fraction; write 0.34 or 34%", text));
  return v;
}

double parse_count(std::string_view text) {
  auto [v, u] = split(text, "number");
  if (u.empty()) return v;
  if (u.size() == 1 && si_prefix(u[0]) != 0) return finite(v * si_prefix(u[0]), text, "number");
  throw UnitError(fmt::format(
      "'{}' is not a plain number; use digits, an exponent (1.8e12) or an SI suffix (1.8T)", text));
}

namespace {
/// Three significant digits of a scaled value (below 1000), trailing zeros kept: 47.0, 41.9, 0.95, 523,
/// so that a column does not print 47 beside 41.9.
int decimals_for(double scaled) {
  double a = std::fabs(scaled);
  return a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
}
} // namespace

std::string format_duration(Seconds s) {
  double v = s.raw();
  double a = std::fabs(v);
  if (a >= 2 * kSecondsPerDay) return fmt::format("{:.1f} d", v / kSecondsPerDay);
  if (a >= 2 * kSecondsPerHour) return fmt::format("{:.1f} h", v / kSecondsPerHour);
  if (a >= 120) return fmt::format("{:.1f} min", v / 60);
  return fmt::format("{:.1f} s", v);
}

DurationUnit duration_unit_for(Seconds largest) {
  double a = std::fabs(largest.raw());
  if (a >= 2 * kSecondsPerDay) return DurationUnit::Days;
  if (a >= 2 * kSecondsPerHour) return DurationUnit::Hours;
  if (a >= 120) return DurationUnit::Minutes;
  return DurationUnit::Seconds;
}

std::string format_duration_in(Seconds s, DurationUnit unit) {
  switch (unit) {
  case DurationUnit::Days:
    return fmt::format("{:.1f} d", s.raw() / kSecondsPerDay);
  case DurationUnit::Hours:
    return fmt::format("{:.1f} h", s.raw() / kSecondsPerHour);
  case DurationUnit::Minutes:
    return fmt::format("{:.1f} min", s.raw() / 60);
  case DurationUnit::Seconds:
    break;
  }
  return fmt::format("{:.1f} s", s.raw());
}

std::string format_bytes(Bytes b) {
  double v = b.raw();
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int i = 0;
  while (std::fabs(v) >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  return fmt::format("{:.{}f} {}", v, decimals_for(v), units[i]);
}

std::string format_bandwidth(BytesPerSecond r) {
  double bits = r.raw() * 8;
  const char* units[] = {"bps", "kbps", "Mbps", "Gbps", "Tbps", "Pbps"};
  int i = 0;
  while (std::fabs(bits) >= 1000 && i < 5) {
    bits /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}", bits, units[i]);
}

std::string format_usd(Usd u) {
  return format_usd_as(u, u);
}

std::string format_usd_as(Usd u, Usd largest) {
  double v = u.raw();
  if (v == 0) return "$0"; // nothing paid, in any scale (not "$0.0k")
  double a = std::fabs(largest.raw());
  if (a >= 1e9) return fmt::format("${:.2f}B", v / 1e9);
  if (a >= 1e6) return fmt::format("${:.1f}M", v / 1e6);
  if (a >= 1e3) return fmt::format("${:.1f}k", v / 1e3);
  return fmt::format("${:.2f}", v);
}

std::string format_si(double value, const std::string& unit) {
  return format_si_as(value, value, unit);
}

std::string format_si_as(double value, double largest, const std::string& unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::fabs(largest) >= 1000 && i < 6) {
    largest /= 1000;
    value /= 1000;
    ++i;
  }
  return fmt::format("{:.{}f} {}{}", value, decimals_for(largest), prefixes[i], unit);
}

std::string format_count(double value) {
  const char* suffixes[] = {"", "k", "M", "B", "T"};
  int i = 0;
  while (std::fabs(value) >= 1000 && i < 4) {
    value /= 1000;
    ++i;
  }
  return fmt::format("{:.3g}{}", value, suffixes[i]);
}

} // namespace riftsim
