// The data decoder on hostile input: every malformation is an error value
// (ec::invalid_data, message naming the offset), never a crash.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/varint.hh"
#include "hex_util.hh"

using namespace broker;
using bytes = std::vector<uint8_t>;
using broker::test::from_hex;
using broker::test::hex;

namespace {

bytes with_varbyte(bytes prefix, uint32_t n) {
  uint8_t buf[format::max_varbyte_size];
  auto len = format::write_varbyte(buf, n);
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

address make_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  auto raw = v4_bytes(a, b, c, d);
  std::array<uint8_t, 16> arr;
  std::copy(raw.begin(), raw.end(), arr.begin());
  return address{arr};
}

address make_v6(std::initializer_list<uint8_t> prefix) {
  std::array<uint8_t, 16> raw{};
  std::copy(prefix.begin(), prefix.end(), raw.begin());
  return address{raw};
}

bytes encode_ok(const data& x) {
  bytes out;
  EXPECT_TRUE(format::encode(x, out)) << to_string(x);
  return out;
}

} // namespace

TEST(FormatMalformed, BadTags) {
  for (int tag = 15; tag < 256; ++tag)
    expect_invalid(bytes{static_cast<uint8_t>(tag)}, "invalid type tag");
  // Also nested.
  expect_invalid(bytes{0x0e, 0x02, 0x00, 0x0f}, "offset 3: invalid type tag 15");
}

TEST(FormatMalformed, BadPortProtocols) {
  for (int p = 4; p < 256; ++p)
    expect_invalid(bytes{0x08, 0x00, 0x50, static_cast<uint8_t>(p)},
                   "invalid port protocol");
  EXPECT_TRUE(format::decode(bytes{0x08, 0xff, 0xff, 0x03}));
}

TEST(FormatMalformed, OversizedLengthPrefixes) {
  // Each claims far more than the input holds; none may allocate it.
  for (uint32_t n : {uint32_t{1} << 24, uint32_t{1} << 31, ~uint32_t{0}}) {
    SCOPED_TRACE(n);
    expect_invalid(with_varbyte({0x05}, n), "string length");
    expect_invalid(with_varbyte({0x0b}, n), "enum name length");
    expect_invalid(with_varbyte({0x0c}, n), "set length");
    expect_invalid(with_varbyte({0x0d}, n), "table length");
    expect_invalid(with_varbyte({0x0e}, n), "vector length");
  }
  // Just one byte too many.
  auto too_long = with_varbyte({0x05}, 4);
  too_long.insert(too_long.end(), {'a', 'b', 'c'});
  expect_invalid(too_long, "offset 0: string length 4 exceeds the 3 remaining");
  auto ok = with_varbyte({0x05}, 3);
  ok.insert(ok.end(), {'a', 'b', 'c'});
  EXPECT_TRUE(format::decode(ok));
  ok.pop_back();
  expect_invalid(ok, "string length 3 exceeds the 2 remaining bytes");
  // A table needs two bytes per entry.
  expect_invalid(bytes{0x0d, 0x02, 0x00, 0x00, 0x02}, "table length");
  // A vector of 3 that only has room for 2 nils.
  expect_invalid(bytes{0x0e, 0x03, 0x00, 0x00}, "vector length");
}

TEST(FormatMalformed, BadVarbytes) {
  // More than five bytes.
  expect_invalid(bytes{0x05, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
                 "offset 1: varbyte longer than 5 bytes");
  expect_invalid(bytes{0x0c, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "5 bytes");
  // Bits beyond 2^32 in the fifth byte.
  expect_invalid(bytes{0x0e, 0xff, 0xff, 0xff, 0xff, 0x10}, "32 bits");
  expect_invalid(bytes{0x0b, 0x80, 0x80, 0x80, 0x80, 0x7f}, "32 bits");
  // Truncated.
  expect_invalid(bytes{0x05, 0x80}, "varbyte");
  expect_invalid(bytes{0x0d, 0xff, 0xff}, "varbyte");
  // Overlong forms are accepted (docs/protocol.md 1.1).
  EXPECT_TRUE(format::decode(bytes{0x05, 0x80, 0x00}));
  EXPECT_TRUE(format::decode(bytes{0x0e, 0x80, 0x80, 0x80, 0x80, 0x00}));
}

TEST(FormatMalformed, TruncatedFixedWidthValues) {
  expect_invalid(bytes{0x04, 0, 0, 0, 0, 0, 0, 0}, "need 8 bytes");
  expect_invalid(bytes{0x09, 0, 0}, "need 8 bytes");
  expect_invalid(bytes{0x02, 0x01}, "offset 1: unexpected end of input (need 8");
  expect_invalid(bytes{0x03}, "need 8 bytes, have 0");
  expect_invalid(bytes{0x0a, 0, 0, 0, 0, 0, 0, 0}, "need 8 bytes, have 7");
  expect_invalid(bytes(16, 0x06), "address");
  expect_invalid(cat({0x07}, bytes(16, 0)), "subnet");
  expect_invalid(bytes{0x08, 0x00, 0x50}, "port");
  expect_invalid(bytes{}, "expected a type tag");
  expect_invalid(bytes{0x0e, 0x01}, "offset 0: vector length 1 exceeds the 0");
}

TEST(FormatContainers, DuplicatesAreRejected) {
  auto one = std::string{"020000000000000001"};
  auto two = std::string{"020000000000000002"};
  auto y = format::decode(from_hex("0c 03" + one + two + one));
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), ec::invalid_data);
  EXPECT_EQ(y.error().message(),
            "offset 20: set element 2 duplicates an earlier element");
  y = format::decode(from_hex("0d 02" + one + "00" + one + "0101"));
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error().message(),
            "offset 12: table key 1 duplicates an earlier key");
  // Equal mapped values are fine.
  EXPECT_TRUE(format::decode(from_hex("0d 02" + one + "00" + two + "00")));
}

TEST(FormatContainers, AnyOrderIsAccepted) {
  auto one = std::string{"020000000000000001"};
  auto two = std::string{"020000000000000002"};
  auto y = format::decode(from_hex("0c 03 050178" + two + one));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(set{count{1}, count{2}, "x"}));
  y = format::decode(from_hex("0d 02" + two + "0100" + one + "0101"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(table{{count{1}, true}, {count{2}, false}}));
  // The encoder writes the sorted order.
  EXPECT_EQ(hex(encode_ok(*y)), hex(from_hex("0d 02" + one + "0101" + two
                                             + "0100")));
}

TEST(FormatSubnet, UnmaskedNetworksAreMasked) {
  // 10.0.0.1/8 reads as 10.0.0.0/8.
  auto y = format::decode(from_hex("07 00000000000000000000ffff0a000001 68"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(subnet{make_v4(10, 0, 0, 0), 8}));
  // 2001:db8::1/32 reads as 2001:db8::/32.
  y = format::decode(from_hex("07 20010db8000000000000000000000001 20"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(subnet{make_v6({0x20, 0x01, 0x0d, 0xb8}), 32}));
  // A prefix shorter than 96 clears the ::ffff marker: an IPv6 subnet.
  y = format::decode(from_hex("07 00000000000000000000ffff0a000001 50"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(subnet{address{}, 80}));
  EXPECT_FALSE(get<subnet>(*y).network().is_v4());
}

TEST(FormatSubnet, LengthAbove128IsRejected) {
  for (int len = 129; len < 256; ++len) {
    auto raw = from_hex("07 00000000000000000000000000000000");
    raw.push_back(static_cast<uint8_t>(len));
    auto y = format::decode(raw);
    ASSERT_FALSE(y);
    EXPECT_EQ(y.error().message(), "offset 17: subnet prefix length "
                                     + std::to_string(len) + " exceeds 128");
  }
  EXPECT_TRUE(format::decode(from_hex("07 ffffffffffffffffffffffffffffffff 80")));
}

TEST(FormatData, BooleansTreatNonZeroAsTrue) {
  for (int b = 1; b < 256; ++b) {
    auto y = format::decode(bytes{0x01, static_cast<uint8_t>(b)});
    ASSERT_TRUE(y);
    EXPECT_EQ(*y, data{true});
  }
  EXPECT_EQ(*format::decode(bytes{0x01, 0x00}), data{false});
}

TEST(FormatMalformed, ErrorsInsideContainersNameTheirOffset) {
  // vector{count 1, port 80 with protocol 7}: the bad byte sits at
  // offset 14.
  expect_invalid(from_hex("0e 02 02 0000000000000001 08 0050 07"),
                 "offset 14: invalid port protocol 7");
}

TEST(FormatMalformed, ReaderPrimitives) {
  bytes buf{0xac, 0x02, 0x03, 0x61, 0x62, 0x63, 0x01};
  format::reader r{buf};
  uint32_t n = 0;
  ASSERT_TRUE(r.read_varbyte(n));
  EXPECT_EQ(n, 300u);
  std::string str;
  ASSERT_TRUE(r.read_string(str));
  EXPECT_EQ(str, "abc");
  uint32_t small = 0;
  ASSERT_TRUE(r.read_varbyte(small));
  EXPECT_EQ(small, 1u);
  EXPECT_TRUE(r.expect_end());
  format::reader r1{buf};
  ASSERT_TRUE(r1.read_varbyte(n));
  ASSERT_TRUE(r1.read_string(str));
  EXPECT_FALSE(r1.expect_end());
  EXPECT_NE(r1.error().message().find("offset 6"), std::string::npos);
  uint8_t b = 0;
  // After an error, further reads may go on but the first error stays.
  format::reader r2{buf.data(), 1};
  EXPECT_FALSE(r2.read_varbyte(n));
  EXPECT_FALSE(r2.read_u8(b));
  EXPECT_NE(r2.error().message().find("varbyte"), std::string::npos);
}

