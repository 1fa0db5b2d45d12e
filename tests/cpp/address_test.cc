#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <string>

#include "broker/address.hh"
#include "broker/convert.hh"

using namespace broker;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

// Builds an address from eight 16-bit groups without going through a parser.
address from_groups(std::initializer_list<uint16_t> groups) {
  std::array<uint8_t, 16> bytes{};
  size_t i = 0;
  for (auto g : groups) {
    bytes[i++] = static_cast<uint8_t>(g >> 8);
    bytes[i++] = static_cast<uint8_t>(g & 0xff);
  }
  return address{bytes};
}

uint32_t word_from_bytes(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  uint8_t raw[4] = {a, b, c, d};
  uint32_t result;
  std::memcpy(&result, raw, 4);
  return result;
}

TEST(Address, DefaultIsAllZeroV6) {
  address a;
  for (auto b : a.bytes())
    EXPECT_EQ(b, 0);
  EXPECT_TRUE(a.is_v6());
  EXPECT_FALSE(a.is_v4());
  EXPECT_EQ(to_string(a), "::");
}

TEST(Address, V4FromHostOrderWord) {
  uint32_t word = 0x0A000001; // 10.0.0.1 as a number
  address a{&word, address::family::ipv4, address::byte_order::host};
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(to_string(a), "10.0.0.1");
  const std::array<uint8_t, 16> expected{0, 0, 0,    0,    0,  0, 0, 0,
                                         0, 0, 0xff, 0xff, 10, 0, 0, 1};
  EXPECT_EQ(a.bytes(), expected);
}

TEST(Address, V4FromNetworkOrderWord) {
  uint32_t word = word_from_bytes(192, 168, 1, 2);
  address a{&word, address::family::ipv4, address::byte_order::network};
  EXPECT_EQ(to_string(a), "192.168.1.2");
  uint32_t host_word = ntohl(word);
  address b{&host_word, address::family::ipv4, address::byte_order::host};
  EXPECT_EQ(a, b);
}

TEST(Address, V6FromHostOrderWords) {
  uint32_t words[4] = {0x20010db8, 0, 0, 1};
  address a{words, address::family::ipv6, address::byte_order::host};
  EXPECT_TRUE(a.is_v6());
  EXPECT_EQ(to_string(a), "2001:db8::1");
  EXPECT_EQ(a.bytes()[0], 0x20);
  EXPECT_EQ(a.bytes()[1], 0x01);
  EXPECT_EQ(a.bytes()[15], 0x01);
}

TEST(Address, V6FromNetworkOrderWords) {
  uint32_t words[4] = {word_from_bytes(0xfc, 0, 0, 0), 0, 0,
                       word_from_bytes(0, 0, 0, 0x2a)};
  address a{words, address::family::ipv6, address::byte_order::network};
  EXPECT_EQ(to_string(a), "fc00::2a");
  uint32_t host_words[4];
  for (int i = 0; i < 4; ++i)
    host_words[i] = ntohl(words[i]);
  EXPECT_EQ(a, (address{host_words, address::family::ipv6,
                        address::byte_order::host}));
}

TEST(Address, V4MappedWordsAsV6AreV4) {
  uint32_t words[4] = {0, 0, 0xffff, 0x01020304};
  address a{words, address::family::ipv6, address::byte_order::host};
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(to_string(a), "1.2.3.4");
  EXPECT_EQ(a, addr("1.2.3.4"));
}

TEST(Address, IsV4NeedsExactPrefix) {
  EXPECT_TRUE(addr("::ffff:0:0").is_v4());
  EXPECT_FALSE(addr("::fffe:1.2.3.4").is_v4());
  EXPECT_FALSE(addr("::1.2.3.4").is_v4()); // v4-compatible, not v4-mapped
  EXPECT_FALSE(addr("1::ffff:1.2.3.4").is_v4());
  EXPECT_FALSE(addr("::1").is_v4());
}

TEST(Address, MaskV4InV6Width) {
  auto a = addr("192.168.1.10");
  EXPECT_TRUE(a.mask(112));
  EXPECT_EQ(to_string(a), "192.168.0.0");
  EXPECT_TRUE(a.mask(108));
  EXPECT_EQ(to_string(a), "192.160.0.0");
  EXPECT_TRUE(a.mask(96));
  EXPECT_EQ(to_string(a), "0.0.0.0");
  EXPECT_TRUE(a.is_v4());
  // Masking into the prefix destroys the v4 mapping.
  EXPECT_TRUE(a.mask(95));
  EXPECT_FALSE(a.is_v4());
  EXPECT_EQ(to_string(a), "::fffe:0:0");
}

TEST(Address, MaskPartialBytes) {
  auto ones = addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  auto a = ones;
  EXPECT_TRUE(a.mask(33));
  EXPECT_EQ(to_string(a), "ffff:ffff:8000::");
  a = ones;
  EXPECT_TRUE(a.mask(1));
  EXPECT_EQ(to_string(a), "8000::");
  a = ones;
  EXPECT_TRUE(a.mask(127));
  EXPECT_EQ(to_string(a), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
  a = ones;
  EXPECT_TRUE(a.mask(0));
  EXPECT_EQ(a, address{});
}

TEST(Address, MaskBounds) {
  auto a = addr("2001:db8::1");
  EXPECT_TRUE(a.mask(128));
  EXPECT_EQ(a, addr("2001:db8::1"));
  EXPECT_FALSE(a.mask(129));
  EXPECT_FALSE(a.mask(255));
  EXPECT_EQ(a, addr("2001:db8::1"));
  EXPECT_TRUE(a.mask(32));
  EXPECT_EQ(to_string(a), "2001:db8::");
}

TEST(Address, CompareAndOperators) {
  auto a = addr("1.2.3.4");
  auto b = addr("1.2.3.5");
  EXPECT_EQ(a.compare(b), -1);
  EXPECT_EQ(b.compare(a), 1);
  EXPECT_EQ(a.compare(a), 0);
  EXPECT_LT(a, b);
  EXPECT_GT(b, a);
  EXPECT_LE(a, a);
  EXPECT_GE(b, a);
  EXPECT_NE(a, b);
  EXPECT_LT(addr("::1"), addr("0.0.0.0"));
}

TEST(Address, HashFollowsEquality) {
  EXPECT_EQ(addr("1.2.3.4").hash(), addr("::ffff:1.2.3.4").hash());
  EXPECT_EQ(std::hash<address>{}(addr("::1")), addr("::1").hash());
  EXPECT_NE(addr("1.2.3.4").hash(), addr("1.2.3.5").hash());
}

TEST(Address, CompressionGoldenStrings) {
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0, 0, 0})), "::");
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0, 0, 1})), "::1");
  EXPECT_EQ(to_string(from_groups({0xfc00, 0, 0, 0, 0, 0, 0, 0})), "fc00::");
  EXPECT_EQ(to_string(from_groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1})),
            "2001:db8::1");
  EXPECT_EQ(to_string(from_groups({1, 0, 1, 0, 1, 0, 1, 0})),
            "1:0:1:0:1:0:1:0");
  EXPECT_EQ(to_string(from_groups({0, 1, 0, 1, 0, 1, 0, 1})),
            "0:1:0:1:0:1:0:1");
  EXPECT_EQ(to_string(from_groups({1, 2, 3, 4, 5, 6, 7, 8})),
            "1:2:3:4:5:6:7:8");
}

TEST(Address, CompressionPicksLongestRunFirstOnTie) {
  // Tie: the first run wins.
  EXPECT_EQ(to_string(from_groups({1, 0, 0, 1, 0, 0, 1, 1})), "1::1:0:0:1:1");
  // The longer, later run wins.
  EXPECT_EQ(to_string(from_groups({1, 0, 0, 1, 0, 0, 0, 1})), "1:0:0:1::1");
  EXPECT_EQ(to_string(from_groups({0, 0, 1, 0, 0, 0, 0, 0})), "0:0:1::");
  EXPECT_EQ(to_string(from_groups({0, 1, 0, 0, 0, 0, 0, 0})), "0:1::");
  EXPECT_EQ(to_string(from_groups({1, 0, 0, 0, 0, 0, 0, 0})), "1::");
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0, 0, 0x10})), "::10");
  EXPECT_EQ(to_string(from_groups({1, 0, 0, 0, 0, 0, 0, 1})), "1::1");
  EXPECT_EQ(to_string(from_groups({0, 0, 1, 1, 1, 1, 0, 0})), "::1:1:1:1:0:0");
}

TEST(Address, HexIsLowercaseWithoutLeadingZeros) {
  EXPECT_EQ(to_string(from_groups({0xABCD, 0x00EF, 0x000a, 0x0100, 0, 0,
                                   0xFFFF, 0x0001})),
            "abcd:ef:a:100::ffff:1");
}

TEST(Address, V4MappedPrintsDottedQuad) {
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304})),
            "1.2.3.4");
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff})),
            "255.255.255.255");
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0xffff, 0, 0})), "0.0.0.0");
  // Other embedded-v4 forms are plain IPv6.
  EXPECT_EQ(to_string(from_groups({0, 0, 0, 0, 0, 0, 0x0102, 0x0304})),
            "::102:304");
  EXPECT_EQ(to_string(from_groups({0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304})),
            "64:ff9b::102:304");
}

TEST(Address, TextRoundTrip) {
  for (const char* text :
       {"::", "::1", "fc00::", "2001:db8::1", "1:0:1:0:1:0:1:0", "1::1:0:0:1:1",
        "fe80::1:2:3:4", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0",
        "127.0.0.1", "255.255.255.255", "10.20.30.40"}) {
    auto a = parse<address>(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(to_string(*a), text);
  }
}

TEST(Address, ConvertForms) {
  address a;
  EXPECT_TRUE(convert(std::string{"10.0.0.1"}, a));
  EXPECT_EQ(to_string(a), "10.0.0.1");
  EXPECT_FALSE(convert(std::string{"10.0.0.256"}, a));
  EXPECT_EQ(to_string(a), "10.0.0.1"); // unchanged on failure
  std::string str;
  EXPECT_TRUE(convert(a, str));
  EXPECT_EQ(str, "10.0.0.1");
}

} // namespace
