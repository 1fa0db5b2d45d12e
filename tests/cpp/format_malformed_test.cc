// The data decoder on hostile input: every malformation is an error value
// (ec::invalid_data, message naming the offset), never a crash.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/varint.hh"

using namespace broker;
using bytes = std::vector<uint8_t>;

namespace {

bytes with_varint(bytes prefix, uint64_t n) {
  uint8_t buf[format::max_varint_size];
  auto len = format::write_varint(buf, n);
  prefix.insert(prefix.end(), buf, buf + len);
  return prefix;
}

// Expects an invalid_data error whose message contains `needle`.
void expect_invalid(const bytes& buf, const std::string& needle) {
  auto y = format::decode(buf);
  ASSERT_FALSE(y) << "decoded unexpectedly: " << to_string(*y);
  EXPECT_EQ(y.error(), ec::invalid_data);
  EXPECT_NE(y.error().message().find("offset "), std::string::npos)
    << y.error().message();
  EXPECT_NE(y.error().message().find(needle), std::string::npos)
    << "message: " << y.error().message() << ", expected: " << needle;
}

bytes v4_bytes(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}

bytes cat(bytes x, const bytes& y) {
  x.insert(x.end(), y.begin(), y.end());
  return x;
}

} // namespace

TEST(FormatMalformed, BadTags) {
  for (int tag = 15; tag < 256; ++tag)
    expect_invalid(bytes{static_cast<uint8_t>(tag)}, "invalid type tag");
  // Also nested.
  expect_invalid(bytes{0x0e, 0x02, 0x00, 0x0f}, "offset 3: invalid type tag 15");
}

TEST(FormatMalformed, BadBooleans) {
  for (int b = 2; b < 256; ++b)
    expect_invalid(bytes{0x01, static_cast<uint8_t>(b)}, "invalid boolean");
  expect_invalid(bytes{0x01}, "boolean");
}

TEST(FormatMalformed, BadPortProtocols) {
  for (int p = 4; p < 256; ++p)
    expect_invalid(bytes{0x08, 0x00, 0x50, static_cast<uint8_t>(p)},
                   "invalid port protocol");
  EXPECT_TRUE(format::decode(bytes{0x08, 0xff, 0xff, 0x03}));
}

TEST(FormatMalformed, UnmaskedSubnets) {
  // 10.0.0.1/8: host bits set.
  expect_invalid(cat(cat({0x07}, v4_bytes(10, 0, 0, 1)), {104}), "beyond");
  // ::1/0.
  bytes one(16, 0);
  one[15] = 1;
  expect_invalid(cat(cat({0x07}, one), {0}), "beyond");
  // A v4-mapped network with a prefix shorter than 96 is never masked.
  expect_invalid(cat(cat({0x07}, v4_bytes(0, 0, 0, 0)), {95}), "beyond");
  expect_invalid(cat(cat({0x07}, v4_bytes(0, 0, 0, 0)), {80}), "beyond");
  // Lengths above 128.
  for (int len = 129; len < 256; ++len)
    expect_invalid(cat(cat({0x07}, bytes(16, 0)), {static_cast<uint8_t>(len)}),
                   "exceeds 128");
  // Valid edge cases.
  auto y = format::decode(cat(cat({0x07}, v4_bytes(0, 0, 0, 0)), {96}));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(get<subnet>(*y).length(), 0u);
  EXPECT_TRUE(get<subnet>(*y).network().is_v4());
  y = format::decode(cat(cat({0x07}, bytes(16, 0)), {0}));
  ASSERT_TRUE(y);
  EXPECT_EQ(get<subnet>(*y), subnet{});
  y = format::decode(cat(cat({0x07}, bytes(16, 0xff)), {128}));
  ASSERT_TRUE(y);
  EXPECT_EQ(get<subnet>(*y).raw_len(), 128u);
}

TEST(FormatMalformed, OversizedLengthPrefixes) {
  // Each claims far more than the input holds; none may allocate it.
  for (uint64_t n : {uint64_t{1} << 60, uint64_t{1} << 32, uint64_t{1} << 24,
                     ~uint64_t{0}}) {
    SCOPED_TRACE(n);
    expect_invalid(with_varint({0x05}, n), "string length");
    expect_invalid(with_varint({0x0b}, n), "enum name length");
    expect_invalid(with_varint({0x0c}, n), "set length");
    expect_invalid(with_varint({0x0d}, n), "table length");
    expect_invalid(with_varint({0x0e}, n), "vector length");
  }
  // Just one byte too many.
  auto too_long = with_varint({0x05}, 4);
  too_long.insert(too_long.end(), {'a', 'b', 'c'});
  expect_invalid(too_long, "offset 0: string length 4 exceeds the 3 remaining");
  auto ok = with_varint({0x05}, 3);
  ok.insert(ok.end(), {'a', 'b', 'c'});
  EXPECT_TRUE(format::decode(ok));
  ok.pop_back();
  expect_invalid(ok, "string length 3 exceeds the 2 remaining bytes");
  // A table needs two bytes per entry.
  expect_invalid(bytes{0x0d, 0x02, 0x00, 0x00, 0x02}, "table length");
  // A vector of 3 that only has room for 2 nils.
  expect_invalid(bytes{0x0e, 0x03, 0x00, 0x00}, "vector length");
}

TEST(FormatMalformed, BadVarints) {
  // Overlong: a trailing zero group.
  expect_invalid(bytes{0x02, 0x80, 0x00}, "overlong");
  expect_invalid(bytes{0x02, 0xff, 0x00}, "overlong");
  expect_invalid(bytes{0x03, 0x81, 0x80, 0x00}, "overlong");
  // More than 64 bits.
  expect_invalid(bytes{0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                       0xff, 0x02},
                 "64 bits");
  expect_invalid(bytes{0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                       0xff, 0x81, 0x01},
                 "64 bits");
  expect_invalid(bytes{0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                       0x80, 0x80, 0x80, 0x01},
                 "64 bits");
  // Truncated.
  expect_invalid(bytes{0x02, 0x80}, "varint");
  expect_invalid(bytes{0x0a, 0xff, 0xff}, "varint");
  // Length prefixes are varints too.
  expect_invalid(bytes{0x05, 0x80, 0x00}, "overlong");
}

TEST(FormatMalformed, TruncatedFixedWidthValues) {
  expect_invalid(bytes{0x04, 0, 0, 0, 0, 0, 0, 0}, "need 8 bytes");
  expect_invalid(bytes{0x09, 0, 0}, "need 8 bytes");
  expect_invalid(bytes(16, 0x06), "address");
  expect_invalid(cat({0x07}, bytes(16, 0)), "subnet");
  expect_invalid(bytes{0x08, 0x00, 0x50}, "port");
  expect_invalid(bytes{}, "expected a type tag");
  expect_invalid(bytes{0x0e, 0x01}, "offset 0: vector length 1 exceeds the 0");
}

TEST(FormatMalformed, DuplicateOrUnsortedSetElements) {
  expect_invalid(bytes{0x0c, 0x02, 0x02, 0x01, 0x02, 0x01}, "offset 4: set");
  expect_invalid(bytes{0x0c, 0x02, 0x02, 0x02, 0x02, 0x01}, "set element 1");
  // Different types order by tag: count (2) before nil (0) is unsorted.
  expect_invalid(bytes{0x0c, 0x02, 0x02, 0x01, 0x00}, "set element");
  EXPECT_TRUE(format::decode(bytes{0x0c, 0x02, 0x00, 0x02, 0x01}));
}

TEST(FormatMalformed, DuplicateOrUnsortedTableKeys) {
  expect_invalid(bytes{0x0d, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00},
                 "table key 1");
  expect_invalid(bytes{0x0d, 0x02, 0x02, 0x05, 0x00, 0x02, 0x01, 0x00},
                 "offset 5: table key");
  EXPECT_TRUE(
    format::decode(bytes{0x0d, 0x02, 0x02, 0x01, 0x00, 0x02, 0x05, 0x00}));
}

TEST(FormatMalformed, ErrorsInsideContainersNameTheirOffset) {
  // vector{count 1, boolean 7}: the bad byte sits at offset 5.
  expect_invalid(bytes{0x0e, 0x02, 0x02, 0x01, 0x01, 0x07},
                 "offset 5: invalid boolean byte 0x07");
}

TEST(FormatMalformed, ReaderPrimitives) {
  bytes buf{0xac, 0x02, 0x03, 0x61, 0x62, 0x63, 0x01};
  format::reader r{buf};
  uint64_t n = 0;
  ASSERT_TRUE(r.read_varint(n));
  EXPECT_EQ(n, 300u);
  std::string str;
  ASSERT_TRUE(r.read_string(str));
  EXPECT_EQ(str, "abc");
  EXPECT_FALSE(r.expect_end());
  EXPECT_NE(r.error().message().find("offset 6"), std::string::npos);
  uint8_t b = 0;
  // After an error, further reads may go on but the first error stays.
  format::reader r2{buf.data(), 1};
  EXPECT_FALSE(r2.read_varint(n));
  EXPECT_FALSE(r2.read_u8(b));
  EXPECT_NE(r2.error().message().find("varint"), std::string::npos);
}

TEST(FormatMalformed, VarintHelpers) {
  for (uint64_t x : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128},
                     uint64_t{16383}, uint64_t{16384}, ~uint64_t{0}}) {
    uint8_t buf[format::max_varint_size];
    auto n = format::write_varint(buf, x);
    EXPECT_EQ(n, format::varint_size(x));
    const uint8_t* pos = buf;
    uint64_t y = 0;
    ASSERT_EQ(format::read_varint(pos, buf + n, y), format::varint_status::ok);
    EXPECT_EQ(x, y);
    EXPECT_EQ(pos, buf + n);
  }
  for (int64_t x : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX})
    EXPECT_EQ(format::zigzag_decode(format::zigzag_encode(x)), x);
  EXPECT_EQ(format::zigzag_encode(-1), 1u);
  EXPECT_EQ(format::zigzag_encode(1), 2u);
  EXPECT_EQ(format::zigzag_encode(INT64_MIN), ~uint64_t{0});
}
