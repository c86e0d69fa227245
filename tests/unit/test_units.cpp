#include "core/units.hpp"

#include <gtest/gtest.h>

using namespace riftsim;

TEST(Units, DurationsAsPeopleWriteThem) {
  EXPECT_DOUBLE_EQ(parse_duration("30d").raw(), 30 * 86400.0);
  EXPECT_DOUBLE_EQ(parse_duration("2h").raw(), 7200.0);
  EXPECT_DOUBLE_EQ(parse_duration("90s").raw(), 90.0);
  EXPECT_DOUBLE_EQ(parse_duration("10min").raw(), 600.0);
  EXPECT_DOUBLE_EQ(parse_duration("1.5w").raw(), 1.5 * 604800.0);
  EXPECT_DOUBLE_EQ(parse_duration(" 250 ms ").raw(), 0.25);
}

TEST(Units, SizesDecimalAndBinary) {
  EXPECT_DOUBLE_EQ(parse_bytes("6.5TB").raw(), 6.5e12);
  EXPECT_DOUBLE_EQ(parse_bytes("1TiB").raw(), 1099511627776.0);
  EXPECT_DOUBLE_EQ(parse_bytes("512 GB").raw(), 512e9);
}

TEST(Units, BandwidthInBitsOrBytes) {
  EXPECT_DOUBLE_EQ(parse_bandwidth("100Gbps").raw(), 12.5e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("25GB/s").raw(), 25e9);
  EXPECT_DOUBLE_EQ(parse_bandwidth("25GBps").raw(), 25e9);
}

TEST(Units, FlopsRatesPowerAndMoney) {
  EXPECT_DOUBLE_EQ(parse_flop_rate("312TFLOPS").raw(), 312e12);
  EXPECT_DOUBLE_EQ(parse_flop_rate("989.4TFLOPS").raw(), 989.4e12);
  EXPECT_DOUBLE_EQ(parse_flops("2.15e25").raw(), 2.15e25);
  EXPECT_DOUBLE_EQ(parse_flops("21.5YFLOP").raw(), 21.5e24);
  EXPECT_DOUBLE_EQ(parse_power("10.2kW").raw(), 10200.0);
  EXPECT_DOUBLE_EQ(parse_usd_per_hour("$98.32/h").raw(), 98.32);
  EXPECT_DOUBLE_EQ(parse_usd_per_gb("$0.087/GB").raw(), 0.087);
  EXPECT_DOUBLE_EQ(parse_usd("$1.2M").raw(), 1.2e6);
  EXPECT_DOUBLE_EQ(parse_fraction("34%"), 0.34);
  EXPECT_DOUBLE_EQ(parse_fraction("0.34"), 0.34);
  EXPECT_DOUBLE_EQ(parse_count("1.8T"), 1.8e12);
}

TEST(Units, MissingOrWrongUnitsAreRejectedWithAHelpfulMessage) {
  EXPECT_THROW(parse_duration("3600"), UnitError);
  EXPECT_THROW(parse_duration("1 parsec"), UnitError);
  EXPECT_THROW(parse_bytes("12 apples"), UnitError);
  EXPECT_THROW(parse_flop_rate("312"), UnitError);
  EXPECT_THROW(parse_bandwidth("fast"), UnitError);
  EXPECT_THROW(parse_fraction("0.3x"), UnitError);
  try {
    parse_duration("2 fortnights");
    FAIL();
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find("use one of"), std::string::npos) << e.what();
  }
}

TEST(Units, TypedArithmetic) {
  Seconds t = Bytes(100e9) / BytesPerSecond(10e9);
  EXPECT_DOUBLE_EQ(t.raw(), 10.0);
  Usd cost = UsdPerHour(36.0) * Seconds(100.0);
  EXPECT_DOUBLE_EQ(cost.raw(), 1.0);
  EXPECT_DOUBLE_EQ((UsdPerGB(0.1) * Bytes(50e9)).raw(), 5.0);
  EXPECT_DOUBLE_EQ((Flops(1.6e16) / FlopsPerSecond(1.6e15)).raw(), 10.0);
}

TEST(Units, HumanFormatting) {
  EXPECT_EQ(format_duration(Seconds(30 * 86400.0)), "30.0 d");
  EXPECT_EQ(format_duration(Seconds(4 * 3600.0)), "4.0 h");
  EXPECT_EQ(format_bytes(Bytes(28.8e12)), "28.8 TB");
  EXPECT_EQ(format_bandwidth(BytesPerSecond(12.5e9)), "100 Gbps");
  EXPECT_EQ(format_usd(Usd(295.1e6)), "$295.1M");
}
