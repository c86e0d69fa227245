#pragma once
// Typed physical and money quantities. Values are parsed from text once, at the edge (config loaders),
// and travel through the model as these types; a Seconds can never be passed where Bytes is expected.
#include <compare>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace riftsim {

template <class Tag> struct Quantity {
  double value = 0.0;
  constexpr Quantity() = default;
  constexpr explicit Quantity(double v) : value(v) {}
  constexpr double raw() const { return value; }
  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity operator+(Quantity o) const { return Quantity(value + o.value); }
  constexpr Quantity operator-(Quantity o) const { return Quantity(value - o.value); }
  constexpr Quantity operator*(double k) const { return Quantity(value * k); }
  constexpr Quantity operator/(double k) const { return Quantity(value / k); }
  constexpr double operator/(Quantity o) const { return value / o.value; }
  Quantity& operator+=(Quantity o) {
    value += o.value;
    return *this;
  }
  Quantity& operator-=(Quantity o) {
    value -= o.value;
    return *this;
  }
};
template <class Tag> constexpr Quantity<Tag> operator*(double k, Quantity<Tag> q) {
  return q * k;
}

using Seconds = Quantity<struct SecondsTag>;
using Bytes = Quantity<struct BytesTag>;
using BytesPerSecond = Quantity<struct BytesPerSecondTag>;
using Flops = Quantity<struct FlopsTag>; // an amount of floating-point work
using FlopsPerSecond = Quantity<struct FlopsPerSecondTag>;
using Watts = Quantity<struct WattsTag>;
using Joules = Quantity<struct JoulesTag>;
using Usd = Quantity<struct UsdTag>;
using UsdPerHour = Quantity<struct UsdPerHourTag>;
using UsdPerGB = Quantity<struct UsdPerGBTag>;           // per decimal gigabyte, as providers bill egress
using UsdPerGBMonth = Quantity<struct UsdPerGBMonthTag>; // storage: per decimal GB held a month (730 h)

// Cross-type arithmetic that the model needs; anything else must go through .raw() on purpose.
constexpr Seconds operator/(Bytes b, BytesPerSecond r) {
  return Seconds(b.raw() / r.raw());
}
constexpr Seconds operator/(Flops f, FlopsPerSecond r) {
  return Seconds(f.raw() / r.raw());
}
constexpr Flops operator*(FlopsPerSecond r, Seconds t) {
  return Flops(r.raw() * t.raw());
}
constexpr Joules operator*(Watts w, Seconds t) {
  return Joules(w.raw() * t.raw());
}
constexpr Usd operator*(UsdPerHour p, Seconds t) {
  return Usd(p.raw() * t.raw() / 3600.0);
}
constexpr Usd operator*(UsdPerGB p, Bytes b) {
  return Usd(p.raw() * b.raw() / 1e9);
}

constexpr double kSecondsPerDay = 86400.0;
// A billing month as providers count it for monthly charges (storage GB-months, egress tiers): 730 hours
// (365 days x 24 h / 12).
constexpr double kSecondsPerBillingMonth = 730 * 3600.0;
constexpr Usd storage_cost(UsdPerGBMonth p, Bytes b, Seconds held) {
  return Usd(p.raw() * b.raw() / 1e9 * held.raw() / kSecondsPerBillingMonth);
}
constexpr double kSecondsPerHour = 3600.0;
constexpr double kSecondsPerYear = 365.25 * kSecondsPerDay;
constexpr double kJoulesPerKwh = 3.6e6;
constexpr double kwh(Joules e) {
  return e.raw() / kJoulesPerKwh;
}
/// A time that never comes (an estimate for a move that cannot happen, an event that is not scheduled):
/// later than any simulated instant, and it stays so through sums.
constexpr Seconds kNeverTime{std::numeric_limits<double>::infinity()};

/// A unit string that could not be understood. Loaders attach the file position.
class UnitError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Parsers accept a number followed by an optional space and a unit, as people write them.
// Each throws UnitError with a message that says which units are accepted.
Seconds parse_duration(std::string_view text);         // 90s 2h 30d 1.5w 10min 250ms
Bytes parse_bytes(std::string_view text);              // 6.5TB 1.6TiB 512GB 100MB (decimal SI; *iB binary)
BytesPerSecond parse_bandwidth(std::string_view text); // 100Gbps (bits) 25GB/s 25GBps (bytes)
Flops parse_flops(std::string_view text);              // 2.15e25 2.15e25FLOP 21.5YFLOP
FlopsPerSecond parse_flop_rate(std::string_view text); // 312TFLOPS 1.98PFLOPS
Watts parse_power(std::string_view text);              // 700W 10.2kW 1MW
UsdPerHour parse_usd_per_hour(std::string_view text);  // $98.32/h $98.32/hour
UsdPerGB parse_usd_per_gb(std::string_view text);      // $0.087/GB
UsdPerGBMonth parse_usd_per_gb_month(std::string_view text); // $0.023/GB/month $0.023/GB-month
Usd parse_usd(std::string_view text);                        // $5e8 $1.2M
double parse_fraction(std::string_view text);                // 0.34 or 34%
double parse_count(std::string_view text); // 25000, 1.8e12, 1.8T (plain number with SI suffix)

// Human-readable rendering for tables and logs.
std::string format_duration(Seconds s);         // "93.8 d", "4.2 h", "12 min", "35 s"
std::string format_bytes(Bytes b);              // "28.8 TB"
std::string format_bandwidth(BytesPerSecond r); // "100 Gbps"
/// A unit for a column of durations, chosen once from its largest magnitude (as format_duration does for
/// one value), so that every value of the column is written in it.
enum class DurationUnit { Seconds, Minutes, Hours, Days };
DurationUnit duration_unit_for(Seconds largest);
std::string format_duration_in(Seconds s, DurationUnit unit); // (7200 s, Days) -> "0.1 d"
std::string format_usd(Usd u);                                // "$512.3M"
std::string format_usd_as(Usd u, Usd largest); // in largest's scale, for a column: ($7e3, $706e3) -> "$7.0k"
std::string format_si(double value, const std::string& unit); // (41.9e9, "Wh") -> "41.9 GWh"
/// `value` with the prefix `largest` takes, so that a row of values shares one unit: (3e8, 4e9, "Wh")
/// -> "0.3 GWh".
std::string format_si_as(double value, double largest, const std::string& unit);
std::string format_count(double value); // 61.7e6 -> "61.7M"

} // namespace riftsim
