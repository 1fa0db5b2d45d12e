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
  // Every NaN travels as the same bit pattern and comes back as the quiet
  // NaN: sign and payload do not survive (ZEEK-WIRE.md 4.2).
  uint64_t payload_bits = 0x7ff0000000000abcull;
  real with_payload;
  std::memcpy(&with_payload, &payload_bits, sizeof(with_payload));
  for (auto r : {std::numeric_limits<real>::quiet_NaN(),
                 -std::numeric_limits<real>::quiet_NaN(),
                 std::numeric_limits<real>::signaling_NaN(), with_payload}) {
    bytes buf = encode_ok(r);
    EXPECT_EQ(hex(buf), "04 ff ff ff ff ff ff ff ff");
    auto y = format::decode(buf);
    ASSERT_TRUE(y);
    EXPECT_TRUE(format::identical(*y, std::numeric_limits<real>::quiet_NaN()));
  }
  check_round_trip(std::numeric_limits<real>::quiet_NaN());
  check_round_trip(vector{real{1}, std::numeric_limits<real>::quiet_NaN()});
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

namespace {

struct golden {
  data value;
  std::string hex;
};

std::string repeat(const std::string& str, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += str;
  return out;
}

// Both directions: the value encodes to exactly these bytes, and the bytes
// decode to exactly this value.
void check_golden(const std::vector<golden>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.value));
    EXPECT_EQ(hex(encode_ok(c.value)), hex(from_hex(c.hex)));
    auto y = format::decode(from_hex(c.hex));
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_TRUE(format::identical(*y, c.value)) << to_string(*y);
  }
}

timespan ns(int64_t n) {
  return timespan{n};
}

} // namespace

// Every vector of ZEEK-WIRE.md 4.3, copied from the spec.
TEST(FormatData, ZeekWireSpecVectors) {
  auto inf = std::numeric_limits<real>::infinity();
  auto hello = std::string{"hello world"};
  check_golden({
    {data{}, "00"},
    {true, "0101"},
    {false, "0100"},
    {count{0}, "020000000000000000"},
    {count{1234567890}, "0200000000499602d2"},
    {integer{1234567890}, "0300000000499602d2"},
    {integer{-1234567890}, "03ffffffffb669fd2e"},
    {real{1.0}, "043ff0000000000000"},
    {real{-1.0}, "04bff0000000000000"},
    {real{1.2}, "043ff3333333333333"},
    {inf, "04fff0000000000000"},
    {-inf, "047ff0000000000000"},
    {std::numeric_limits<real>::quiet_NaN(), "04ffffffffffffffff"},
    {hello, "050b68656c6c6f20776f726c64"},
    {make_v4(192, 168, 9, 8), "0600000000000000000000ffffc0a80908"},
    {make_v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
     "0620010db8000000000000000000000001"},
    {subnet{make_v4(192, 168, 9, 0), 24},
     "0700000000000000000000ffffc0a8090078"},
    {subnet{make_v6({0x20, 0x01, 0x0d, 0xb8}), 32},
     "0720010db800000000000000000000000020"},
    {port{8080, port::protocol::tcp}, "081f9001"},
    {port{9000, port::protocol::udp}, "08232802"},
    {port{8, port::protocol::icmp}, "08000803"},
    {timestamp{ns(1234567890)}, "0900000000499602d2"},
    {ns(1234567890), "0a00000000499602d2"},
    {enum_value{"foobar"}, "0b06666f6f626172"},
    {set{false, count{1}, hello},
     "0c03 0100 020000000000000001 050b68656c6c6f20776f726c64"},
    {table{{count{1}, "hello"}, {count{2}, "world"}},
     "0d02 020000000000000001 050568656c6c6f 020000000000000002 "
     "0505776f726c64"},
    {vector{false, count{1}, hello},
     "0e03 0100 020000000000000001 050b68656c6c6f20776f726c64"},
    {vector{}, "0e00"},
    {std::string(300, 'x'), "05 ac02" + repeat("78", 300)},
  });
}

// What upstream Broker 2.8 (Zeek 8.0) published in
// /work/shared/zeek-wire/pubsub-dialer-originates.txt, in order: the bytes
// of each data message after its 37 + topic-length byte envelope.
TEST(FormatData, ZeekTranscriptPayloads) {
  auto inf = std::numeric_limits<real>::infinity();
  auto t0 = timestamp{ns(1700000000000000000)}; // 2023-11-14T22:13:20Z
  check_golden({
    {data{}, "00"},
    {true, "0101"},
    {count{42}, "02000000000000002a"},
    {integer{-7}, "03fffffffffffffff9"},
    {real{1.5}, "043ff8000000000000"},
    {inf, "04fff0000000000000"},
    {-inf, "047ff0000000000000"},
    {"hello world", "050b68656c6c6f20776f726c64"},
    {make_v4(192, 168, 9, 8), "0600000000000000000000ffffc0a80908"},
    {make_v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
     "0620010db8000000000000000000000001"},
    {subnet{make_v4(10, 0, 0, 0), 8}, "0700000000000000000000ffff0a00000068"},
    {subnet{make_v6({0x20, 0x01, 0x0d, 0xb8}), 32},
     "0720010db800000000000000000000000020"},
    {port{8080, port::protocol::tcp}, "081f9001"},
    {port{53, port::protocol::udp}, "08003502"},
    {port{8, port::protocol::icmp}, "08000803"},
    {port{0, port::protocol::unknown}, "08000000"},
    {t0, "0917979cfe362a0000"},
    {ns(1500000000), "0a0000000059682f00"},
    {set{count{1}, "two"}, "0c02020000000000000001050374776f"},
    {table{{"a", count{1}}}, "0d01050161020000000000000001"},
    {vector{integer{1}, "two", vector{real{3.0}}},
     "0e03030000000000000001050374776f0e01044008000000000000"},
    {vector{}, "0e00"},
    // Zeek event ping(count 1): [version 1, type 1 (event), [name, args]].
    {vector{count{1}, count{1}, vector{"ping", vector{count{1}}}},
     "0e030200000000000000010200000000000000010e02050470696e670e0102000000"
     "0000000001"},
    // ping(count 2) with metadata {1: t0, 200: "user"}.
    {vector{count{1}, count{1},
            vector{"ping", vector{count{2}},
                   vector{vector{count{1}, t0},
                          vector{count{200}, "user"}}}},
     "0e030200000000000000010200000000000000010e03050470696e670e0102000000"
     "00000000020e020e020200000000000000010917979cfe362a00000e02020000000000"
     "0000c8050475736572"},
    {"after the update", "051061667465722074686520757064617465"},
  });
}

// Further values, their bytes worked out from ZEEK-WIRE.md 4.2/4.3.
TEST(FormatData, MoreGoldenBytes) {
  check_golden({
    {std::numeric_limits<count>::max(), "02 ffffffffffffffff"},
    {std::numeric_limits<integer>::min(), "03 8000000000000000"},
    {std::numeric_limits<integer>::max(), "03 7fffffffffffffff"},
    {integer{-1}, "03 ffffffffffffffff"},
    {real{-0.0}, "04 8000000000000000"},
    {std::string{}, "05 00"},
    {enum_value{""}, "0b 00"},
    {subnet{}, "07 00000000000000000000000000000000 00"},
    {subnet{make_v4(0, 0, 0, 0), 0}, "07 00000000000000000000ffff00000000 60"},
    {timestamp{ns(-1)}, "09 ffffffffffffffff"},
    {ns(-1500), "0a fffffffffffffa24"},
    {set{}, "0c 00"},
    {table{}, "0d 00"},
    // The worked example of docs/protocol.md section 2.4 (18 bytes).
    {vector{count{1}, "abc", true}, "0e 03 02 0000000000000001 05 03 616263 01 01"},
  });
}

TEST(FormatData, RealQuirks) {
  auto decode_real = [](const char* bits) {
    auto y = format::decode(from_hex(std::string{"04"} + bits));
    EXPECT_TRUE(y && is<real>(*y));
    return y && is<real>(*y) ? get<real>(*y) : 0.0;
  };
  auto inf = std::numeric_limits<real>::infinity();
  // The infinities are swapped on the wire and swapped back on reading.
  EXPECT_EQ(decode_real("fff0000000000000"), inf);
  EXPECT_EQ(decode_real("7ff0000000000000"), -inf);
  // All ones reads as the quiet NaN.
  auto nan = decode_real("ffffffffffffffff");
  EXPECT_TRUE(std::isnan(nan));
  EXPECT_TRUE(format::identical(nan, std::numeric_limits<real>::quiet_NaN()));
  // Other NaN patterns read as plain IEEE-754 and re-encode as all ones.
  for (auto bits : {"7ff8000000000000", "7ff0000000000001", "fff8000000000000"}) {
    auto r = decode_real(bits);
    EXPECT_TRUE(std::isnan(r)) << bits;
    EXPECT_EQ(hex(encode_ok(r)), "04 ff ff ff ff ff ff ff ff");
  }
  // Ordinary values, including the smallest subnormal, are plain IEEE.
  EXPECT_EQ(decode_real("0000000000000001"),
            std::numeric_limits<real>::denorm_min());
  EXPECT_EQ(decode_real("7fefffffffffffff"), std::numeric_limits<real>::max());
}

TEST(FormatVarbyte, Examples) {
  struct example {
    uint32_t value;
    const char* hex;
  };
  for (auto [value, text] : std::vector<example>{
         {0, "00"},
         {127, "7f"},
         {128, "80 01"},
         {300, "ac 02"},
         {16383, "ff 7f"},
         {16384, "80 80 01"},
         {uint32_t{1} << 28, "80 80 80 80 01"},
         {0xffffffffu, "ff ff ff ff 0f"}}) {
    SCOPED_TRACE(text);
    uint8_t buf[format::max_varbyte_size];
    auto n = format::write_varbyte(buf, value);
    EXPECT_EQ(n, format::varbyte_size(value));
    EXPECT_EQ(hex(buf, n), text);
    auto raw = from_hex(text);
    const uint8_t* pos = raw.data();
    uint32_t y = 0;
    ASSERT_EQ(format::read_varbyte(pos, raw.data() + raw.size(), y),
              format::varbyte_status::ok);
    EXPECT_EQ(y, value);
    EXPECT_EQ(pos, raw.data() + raw.size());
  }
}

TEST(FormatVarbyte, Rejects) {
  auto status = [](const char* text) {
    auto raw = from_hex(text);
    const uint8_t* pos = raw.data();
    uint32_t y = 0;
    return format::read_varbyte(pos, raw.data() + raw.size(), y);
  };
  using format::varbyte_status;
  EXPECT_EQ(status("80 80 80 80 80 00"), varbyte_status::too_long);
  EXPECT_EQ(status("ff ff ff ff ff 01"), varbyte_status::too_long);
  EXPECT_EQ(status("ff ff ff ff 10"), varbyte_status::overflow); // 2^32
  EXPECT_EQ(status("80 80 80 80 7f"), varbyte_status::overflow);
  EXPECT_EQ(status(""), varbyte_status::truncated);
  EXPECT_EQ(status("80"), varbyte_status::truncated);
  EXPECT_EQ(status("ff ff ff ff"), varbyte_status::truncated);
}

TEST(FormatVarbyte, OverlongFormsDecode) {
  // Upstream's reader accepts them, so we do too (docs/protocol.md 1.1).
  auto y = format::decode(from_hex("05 80 00"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data{std::string{}});
  y = format::decode(from_hex("0e 81 80 80 80 00 00"));
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, data(vector{data{}}));
  // Re-encoding gives the canonical form.
  EXPECT_EQ(hex(encode_ok(*y)), "0e 01 00");
}

TEST(FormatVarbyte, LengthErrorsInValues) {
  auto message = [](const char* text) {
    auto y = format::decode(from_hex(text));
    EXPECT_FALSE(y);
    return y ? std::string{} : y.error().message();
  };
  EXPECT_EQ(message("05 80 80 80 80 80 00"),
            "offset 1: varbyte longer than 5 bytes");
  EXPECT_EQ(message("0e ff ff ff ff 1f"), "offset 1: varbyte exceeds 32 bits");
  EXPECT_EQ(message("0c 80"), "offset 1: input ends inside a varbyte");
  EXPECT_EQ(message("05 ff ff ff ff 0f"),
            "offset 0: string length 4294967295 exceeds the limit of 16777216");
}

TEST(FormatData, EncodeAppendsToBuffer) {
  bytes buf{0xaa, 0xbb};
  ASSERT_TRUE(format::encode(count{1}, buf));
  ASSERT_TRUE(format::encode("x", buf));
  EXPECT_EQ(hex(buf), "aa bb 02 00 00 00 00 00 00 00 01 05 01 78");
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
  auto buf = from_hex("02 0000000000000001 00");
  auto y = format::decode(buf);
  ASSERT_FALSE(y);
  EXPECT_EQ(y.error(), ec::invalid_data);
  EXPECT_NE(y.error().message().find("offset 9"), std::string::npos)
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
