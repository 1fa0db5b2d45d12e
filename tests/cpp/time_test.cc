#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "broker/convert.hh"
#include "broker/time.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

TEST(Time, NowIsWallClock) {
  auto before = std::chrono::system_clock::now();
  auto t = broker::now();
  auto after = std::chrono::system_clock::now();
  EXPECT_GE(t, std::chrono::time_point_cast<timespan>(before));
  EXPECT_LE(t, std::chrono::time_point_cast<timespan>(after));
  // Sanity: after 2020-01-01.
  EXPECT_GT(t.time_since_epoch(), timespan{1'577'836'800'000'000'000});
}

TEST(Time, FromSeconds) {
  EXPECT_EQ(to_timespan(1.5), timespan{1500ms});
  EXPECT_EQ(to_timespan(0), timespan{0});
  EXPECT_EQ(to_timespan(-2.0), timespan{-2s});
  EXPECT_EQ(to_duration(0.25), timespan{250ms});
  EXPECT_EQ(to_timestamp(1.5).time_since_epoch(), timespan{1500ms});
  EXPECT_EQ(to_timestamp(1'600'000'000.0).time_since_epoch(),
            timespan{1'600'000'000s});
}

TEST(Time, FromSecondsSaturates) {
  constexpr auto inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(to_timespan(1e300), timespan::max());
  EXPECT_EQ(to_timespan(-1e300), timespan::min());
  EXPECT_EQ(to_timespan(inf), timespan::max());
  EXPECT_EQ(to_timespan(std::nan("")), timespan{0});
}

TEST(Time, ToSeconds) {
  double secs = 0;
  EXPECT_TRUE(convert(timespan{2500ms}, secs));
  EXPECT_DOUBLE_EQ(secs, 2.5);
  EXPECT_TRUE(convert(timestamp{timespan{-500ms}}, secs));
  EXPECT_DOUBLE_EQ(secs, -0.5);
  EXPECT_TRUE(convert(timespan{1}, secs));
  EXPECT_DOUBLE_EQ(secs, 1e-9);
}

TEST(Time, DoubleToTimeConvert) {
  timespan ts{42};
  EXPECT_TRUE(convert(0.25, ts));
  EXPECT_EQ(ts, timespan{250ms});
  timestamp tp;
  EXPECT_TRUE(convert(3.0, tp));
  EXPECT_EQ(tp.time_since_epoch(), timespan{3s});
  // Out of range values fail and leave the target alone.
  EXPECT_FALSE(convert(1e300, ts));
  EXPECT_FALSE(convert(std::nan(""), ts));
  EXPECT_FALSE(convert(-std::numeric_limits<double>::infinity(), tp));
  EXPECT_EQ(ts, timespan{250ms});
  EXPECT_EQ(tp.time_since_epoch(), timespan{3s});
}

TEST(Time, SecondsRoundTrip) {
  for (double secs : {0.0, 1.0, -1.0, 0.5, 1234.125, 1.6e9}) {
    double back = 0;
    ASSERT_TRUE(convert(to_timespan(secs), back));
    EXPECT_DOUBLE_EQ(back, secs);
  }
}

TEST(Time, ToString) {
  std::string str;
  EXPECT_TRUE(convert(timespan{42}, str));
  EXPECT_EQ(str, "42ns");
  EXPECT_TRUE(convert(timestamp{timespan{7s}}, str));
  EXPECT_EQ(str, "7000000000ns");
  EXPECT_EQ(to_string(timespan{-1}), "-1ns");
  EXPECT_EQ(to_string(timespan::max()), "9223372036854775807ns");
  EXPECT_EQ(to_string(timestamp{}), "0ns");
}

TEST(Time, ConvertFromString) {
  timespan ts{1};
  EXPECT_TRUE(convert(std::string{"5ms"}, ts));
  EXPECT_EQ(ts, timespan{5ms});
  EXPECT_FALSE(convert(std::string{"5"}, ts));
  EXPECT_EQ(ts, timespan{5ms});
  timestamp tp;
  EXPECT_TRUE(convert(std::string{"1600000000000000000ns"}, tp));
  EXPECT_EQ(tp.time_since_epoch(), timespan{1'600'000'000'000'000'000});
  EXPECT_FALSE(convert(std::string{"yesterday"}, tp));
}

} // namespace
