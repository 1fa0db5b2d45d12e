// Round trips and golden encodings of the binary data codec (src/format).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/identical.hh"
#include "format/limits.hh"
#include "format/node_message.hh"
#include "hex_util.hh"

using namespace broker;
using bytes = std::vector<uint8_t>;
using broker::test::from_hex;
using broker::test::hex;

namespace {

address make_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return address{std::array<uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
                                         0xff, a, b, c, d}};
}

address make_v6(std::initializer_list<uint8_t> prefix) {
  std::array<uint8_t, 16> raw{};
  size_t i = 0;
  for (auto b : prefix)
    raw[i++] = b;
  return address{raw};
}

bytes encode_ok(const data& x) {
  bytes out;
  EXPECT_TRUE(format::encode(x, out)) << to_string(x);
  return out;
}

// Encodes, decodes and re-encodes; the value and the bytes must survive.
void check_round_trip(const data& x) {
  SCOPED_TRACE(to_string(x));
  auto buf = encode_ok(x);
  auto y = format::decode(buf);
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_TRUE(format::identical(x, *y)) << to_string(*y);
  bytes again;
  ASSERT_TRUE(format::encode(*y, again));
  EXPECT_EQ(buf, again);
}

data nest_vectors(size_t levels) {
  data x = count{7};
  for (size_t i = 0; i < levels; ++i)
    x = vector{std::move(x)};
  return x;
}

} // namespace

TEST(FormatData, RoundTripScalars) {
  check_round_trip(data{});
  check_round_trip(true);
  check_round_trip(false);
  for (count c : {count{0}, count{1}, count{127}, count{128}, count{300},
                  count{(1ull << 32) - 1}, count{1ull << 63},
                  std::numeric_limits<count>::max()})
    check_round_trip(c);
  for (integer i : {integer{0}, integer{-1}, integer{1}, integer{-64},
                    integer{63}, integer{-65}, integer{64},
                    std::numeric_limits<integer>::min(),
                    std::numeric_limits<integer>::max()})
    check_round_trip(i);
  for (real r : {0.0, -0.0, 1.5, -2.25, 1e308, 5e-324,
                 std::numeric_limits<real>::infinity(),
                 -std::numeric_limits<real>::infinity(),
                 std::numeric_limits<real>::max(),
                 std::numeric_limits<real>::lowest(),
                 std::numeric_limits<real>::denorm_min()})
    check_round_trip(r);
  check_round_trip(std::string{});
  check_round_trip(std::string{"hello"});
  check_round_trip(std::string("\0\xff\x80 binary", 10));
  check_round_trip(std::string(100000, 'x'));
  check_round_trip(enum_value{""});
  check_round_trip(enum_value{"Conn::LOG"});
  check_round_trip(timestamp{});
  check_round_trip(timestamp{timespan{1600000000123456789}});
  check_round_trip(timestamp{timespan{-1}});
  check_round_trip(timestamp{timespan{std::numeric_limits<int64_t>::min()}});
  check_round_trip(timestamp{timespan{std::numeric_limits<int64_t>::max()}});
  check_round_trip(timespan{0});
  check_round_trip(timespan{-1500});
  check_round_trip(timespan{std::numeric_limits<int64_t>::min()});
  check_round_trip(timespan{std::numeric_limits<int64_t>::max()});
}

TEST(FormatData, RoundTripNaN) {
  for (auto r : {std::numeric_limits<real>::quiet_NaN(),
                 -std::numeric_limits<real>::quiet_NaN(),
                 std::numeric_limits<real>::signaling_NaN()}) {
    bytes buf = encode_ok(r);
    auto y = format::decode(buf);
    ASSERT_TRUE(y);
    ASSERT_TRUE(is<real>(*y));
    EXPECT_TRUE(std::isnan(get<real>(*y)));
    // Bit-exact: sign and payload survive.
    EXPECT_TRUE(format::identical(data{r}, *y));
  }
  // A NaN with a payload, built from bits.
  uint64_t bits = 0x7ff0000000000abcull;
  real r;
  std::memcpy(&r, &bits, sizeof(r));
  check_round_trip(r);
  check_round_trip(vector{r, std::numeric_limits<real>::quiet_NaN()});
}

TEST(FormatData, RoundTripNetworkTypes) {
  check_round_trip(address{});
  check_round_trip(make_v4(192, 168, 1, 10));
  check_round_trip(make_v4(0, 0, 0, 0));
  check_round_trip(make_v4(255, 255, 255, 255));
  check_round_trip(make_v6({0x20, 0x01, 0x0d, 0xb8}));
  check_round_trip(address{std::array<uint8_t, 16>{
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff}});
  check_round_trip(subnet{});
  check_round_trip(subnet{make_v4(10, 0, 0, 0), 8});
  check_round_trip(subnet{make_v4(10, 1, 2, 3), 32});
  check_round_trip(subnet{make_v4(0, 0, 0, 0), 0});
  check_round_trip(subnet{make_v6({0x20, 0x01, 0x0d, 0xb8}), 32});
  check_round_trip(subnet{make_v6({0xfe, 0x80}), 10});
  check_round_trip(subnet{make_v6({0x80}), 1});
  check_round_trip(subnet{make_v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 1}),
                          128});
  check_round_trip(port{});
  check_round_trip(port{80, port::protocol::tcp});
  check_round_trip(port{53, port::protocol::udp});
  check_round_trip(port{8, port::protocol::icmp});
  check_round_trip(port{65535, port::protocol::unknown});
}

TEST(FormatData, RoundTripContainers) {
  check_round_trip(vector{});
  check_round_trip(set{});
  check_round_trip(table{});
  check_round_trip(vector{data{}, data{}, data{}});
  check_round_trip(vector{count{1}, "abc", real{1.5}});
  check_round_trip(set{count{1}, count{2}, integer{-3}, "x", data{}});
  check_round_trip(table{{"a", count{1}}, {count{2}, vector{}},
                         {data{}, set{true}}, {vector{1, 2}, table{}}});
  check_round_trip(
    vector{set{}, table{}, vector{}, vector{vector{vector{}}},
           table{{set{"k"}, table{{1, 2}}}}, make_v4(1, 2, 3, 4),
           subnet{make_v4(1, 2, 3, 0), 24}, port{443, port::protocol::tcp},
           timestamp{timespan{42}}, timespan{-42}, enum_value{"e"}});
  vector big;
  for (int i = 0; i < 10000; ++i)
    big.emplace_back(integer{i * 7919 - 40000});
  check_round_trip(big);
  set big_set;
  for (int i = 0; i < 2000; ++i)
    big_set.emplace(std::to_string(i));
  check_round_trip(big_set);
}

// The encoding must not drift: these bytes are part of the wire protocol
// (docs/protocol.md has the same examples).
TEST(FormatData, GoldenBytes) {
  struct golden {
    data value;
    const char* hex;
  };
  std::vector<golden> cases = {
    {data{}, "00"},
    {true, "01 01"},
    {false, "01 00"},
    {count{0}, "02 00"},
    {count{300}, "02 ac 02"},
    {std::numeric_limits<count>::max(), "02 ff ff ff ff ff ff ff ff ff 01"},
    {integer{0}, "03 00"},
    {integer{-1}, "03 01"},
    {integer{1}, "03 02"},
    {std::numeric_limits<integer>::min(), "03 ff ff ff ff ff ff ff ff ff 01"},
    {std::numeric_limits<integer>::max(), "03 fe ff ff ff ff ff ff ff ff 01"},
    {real{1.5}, "04 00 00 00 00 00 00 f8 3f"},
    {real{-0.0}, "04 00 00 00 00 00 00 00 80"},
    {std::string{"abc"}, "05 03 61 62 63"},
    {std::string{}, "05 00"},
    {make_v4(192, 168, 1, 10),
     "06 00 00 00 00 00 00 00 00 00 00 ff ff c0 a8 01 0a"},
    {make_v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
     "06 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"},
    {subnet{make_v4(10, 0, 0, 0), 8},
     "07 00 00 00 00 00 00 00 00 00 00 ff ff 0a 00 00 00 68"},
    {subnet{make_v6({0x20, 0x01, 0x0d, 0xb8}), 32},
     "07 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 00 20"},
    {port{80, port::protocol::tcp}, "08 00 50 01"},
    {port{53, port::protocol::udp}, "08 00 35 02"},
    {timestamp{timespan{1000000000}}, "09 00 ca 9a 3b 00 00 00 00"},
    {timestamp{timespan{-1}}, "09 ff ff ff ff ff ff ff ff"},
    {timespan{-1500}, "0a b7 17"},
    {enum_value{"tcp"}, "0b 03 74 63 70"},
    {set{count{1}, count{2}}, "0c 02 02 01 02 02"},
    {table{{"a", data{}}}, "0d 01 05 01 61 00"},
    {vector{}, "0e 00"},
    {vector{count{1}, "abc", real{1.5}},
     "0e 03 02 01 05 03 61 62 63 04 00 00 00 00 00 00 f8 3f"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.value));
    auto buf = encode_ok(c.value);
    EXPECT_EQ(hex(buf), c.hex);
    auto y = format::decode(from_hex(c.hex));
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_TRUE(format::identical(*y, c.value));
  }
}

TEST(FormatData, EncodeAppendsToBuffer) {
  bytes buf{0xaa, 0xbb};
  ASSERT_TRUE(format::encode(count{1}, buf));
  ASSERT_TRUE(format::encode("x", buf));
  EXPECT_EQ(hex(buf), "aa bb 02 01 05 01 78");
  // A reader walks a sequence of values.
  format::reader r{buf.data() + 2, buf.size() - 2};
  data a;
  data b;
  ASSERT_TRUE(r.read(a));
  ASSERT_TRUE(r.read(b));
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(a, data{count{1}});
  EXPECT_EQ(b, data{"x"});
}

TEST(FormatData, DecodeRejectsTrailingBytes) {
  auto buf = from_hex("02 01 00");
  auto y = format::decode(buf);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), ec::invalid_data);
  EXPECT_NE(y.error().message().find("offset 2"), std::string::npos)
    << y.error().message();
  EXPECT_NE(y.error().message().find("trailing"), std::string::npos);
}

TEST(FormatData, DecodeEmptyInputFails) {
  auto y = format::decode(nullptr, 0);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), ec::invalid_data);
}

TEST(FormatNesting, UpToTheLimitRoundTrips) {
  ASSERT_EQ(format::max_nesting_depth, 64u);
  check_round_trip(nest_vectors(format::max_nesting_depth));
  // Mixed container kinds count alike.
  data x = vector{};
  for (size_t i = 1; i < format::max_nesting_depth; ++i) {
    if (i % 3 == 0)
      x = set{std::move(x)};
    else if (i % 3 == 1)
      x = table{{count{i}, std::move(x)}};
    else
      x = vector{std::move(x)};
  }
  check_round_trip(x);
}

TEST(FormatNesting, OnePastTheLimitFails) {
  // Encoding refuses and leaves the buffer untouched.
  bytes buf{0x42};
  EXPECT_FALSE(format::encode(nest_vectors(format::max_nesting_depth + 1), buf));
  EXPECT_EQ(buf, bytes{0x42});
  // Table keys count as nested, too.
  data deep_key = table{{nest_vectors(format::max_nesting_depth), 1}};
  EXPECT_FALSE(format::encode(deep_key, buf));
  EXPECT_EQ(buf, bytes{0x42});
  EXPECT_EQ(format::encoded_size(deep_key), format::writer::npos);
  // So does a data frame carrying such a value.
  EXPECT_FALSE(format::write_data_message(buf, node_id::random(), {}, 1,
                                          topic{"/t"}, deep_key));
  EXPECT_EQ(buf, bytes{0x42});
  // Decoding refuses hand-made input of the same shape.
  bytes raw;
  for (size_t i = 0; i < format::max_nesting_depth + 1; ++i) {
    raw.push_back(0x0e);
    raw.push_back(0x01);
  }
  raw.push_back(0x00);
  auto y = format::decode(raw);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), ec::invalid_data);
  EXPECT_NE(y.error().message().find("nested"), std::string::npos)
    << y.error().message();
  EXPECT_NE(y.error().message().find("offset 128"), std::string::npos)
    << y.error().message();
  // One level less decodes.
  raw.erase(raw.begin(), raw.begin() + 2);
  EXPECT_TRUE(format::decode(raw));
}

TEST(FormatNesting, VeryDeepInputDoesNotRecurse) {
  // A million nested vector headers: rejected at level 65, no stack overflow.
  bytes raw;
  for (int i = 0; i < 1000000; ++i) {
    raw.push_back(0x0e);
    raw.push_back(0x01);
  }
  raw.push_back(0x00);
  EXPECT_FALSE(format::decode(raw));
}

TEST(FormatNesting, TighterLimitsApply) {
  format::decode_limits lim;
  lim.max_depth = 2;
  EXPECT_TRUE(format::decode(encode_ok(nest_vectors(2)), lim));
  EXPECT_FALSE(format::decode(encode_ok(nest_vectors(3)), lim));
  lim = {};
  lim.max_string_size = 3;
  EXPECT_TRUE(format::decode(encode_ok("abc"), lim));
  EXPECT_FALSE(format::decode(encode_ok("abcd"), lim));
  EXPECT_FALSE(format::decode(encode_ok(enum_value{"abcd"}), lim));
  lim = {};
  lim.max_container_size = 2;
  EXPECT_TRUE(format::decode(encode_ok(vector{1, 2}), lim));
  EXPECT_FALSE(format::decode(encode_ok(vector{1, 2, 3}), lim));
  EXPECT_FALSE(format::decode(encode_ok(set{1, 2, 3}), lim));
  EXPECT_FALSE(format::decode(encode_ok(table{{1, 1}, {2, 2}, {3, 3}}), lim));
  // Looser depth limits are clamped to the compiled-in maximum.
  lim = {};
  lim.max_depth = 1000;
  bytes raw;
  for (int i = 0; i < 65; ++i) {
    raw.push_back(0x0e);
    raw.push_back(0x01);
  }
  raw.push_back(0x00);
  EXPECT_FALSE(format::decode(raw, lim));
}

TEST(FormatDecodeInPlace, SameShapeKeepsBuffers) {
  auto long_text = std::string(100, 'x');
  data x = vector{count{1}, long_text, real{1.5}};
  std::vector<uint8_t> buf;
  ASSERT_TRUE(format::encode(x, buf));
  data y = vector{count{7}, std::string(200, 'y'), real{0}};
  auto& ys = get<vector>(y);
  auto* elements = ys.data();
  auto* text = get<std::string>(ys[1]).data();
  format::reader r{buf};
  ASSERT_TRUE(r.read(y));
  EXPECT_EQ(y, x);
  EXPECT_EQ(get<vector>(y).data(), elements);
  EXPECT_EQ(get<std::string>(get<vector>(y)[1]).data(), text);
}

TEST(FormatDecodeInPlace, OtherShapeReplacesTheValue) {
  data x = vector{std::string{"a"}, set{count{1}, count{2}}};
  std::vector<uint8_t> buf;
  ASSERT_TRUE(format::encode(x, buf));
  data y = vector{table{{count{1}, count{2}}}, count{3}, count{4}};
  format::reader r{buf};
  ASSERT_TRUE(r.read(y));
  EXPECT_EQ(y, x);
  buf.clear();
  ASSERT_TRUE(format::encode(data{enum_value{"e"}}, buf));
  format::reader r2{buf};
  ASSERT_TRUE(r2.read(y));
  EXPECT_EQ(y, data{enum_value{"e"}});
}
