#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_set>

#include "broker/convert.hh"
#include "broker/node_id.hh"

using namespace broker;

namespace {

node_id counting_id() {
  node_id::bytes_type bytes{};
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<uint8_t>(i * 17);
  return node_id{bytes};
}

TEST(NodeId, DefaultIsInvalid) {
  node_id id;
  EXPECT_FALSE(id.valid());
  EXPECT_FALSE(id);
  EXPECT_EQ(to_string(id), "");
}

TEST(NodeId, RandomIsAValidVersion4Uuid) {
  std::set<node_id> ids;
  for (int i = 0; i < 1000; ++i) {
    auto id = node_id::random();
    EXPECT_TRUE(id.valid());
    EXPECT_EQ(id.bytes()[6] >> 4, 4) << "version nibble";
    EXPECT_EQ(id.bytes()[8] >> 6, 2) << "RFC 4122 variant bits";
    auto str = to_string(id);
    EXPECT_EQ(str[14], '4');
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(NodeId, TextFormIsTheUuidForm) {
  auto id = counting_id();
  EXPECT_EQ(to_string(id), "00112233-4455-6677-8899-aabbccddeeff");
  std::string str;
  EXPECT_TRUE(convert(id, str));
  EXPECT_EQ(str, to_string(id));
}

TEST(NodeId, ParseRoundTrip) {
  for (int i = 0; i < 100; ++i) {
    auto id = node_id::random();
    node_id parsed;
    ASSERT_TRUE(convert(to_string(id), parsed));
    EXPECT_EQ(parsed, id);
  }
}

TEST(NodeId, ParsesTheSpecsExtremeIds) {
  auto lo = to<node_id>(std::string{"00000000-0000-4000-8000-000000000000"});
  auto hi = to<node_id>(std::string{"ffffffff-ffff-4fff-bfff-ffffffffffff"});
  ASSERT_TRUE(lo && hi);
  EXPECT_LT(*lo, *hi);
  EXPECT_EQ(lo->bytes()[6], 0x40);
  EXPECT_EQ(hi->bytes()[15], 0xff);
}

TEST(NodeId, ParseAcceptsUpperCase) {
  auto parsed
    = to<node_id>(std::string{"00112233-4455-6677-8899-AABBCCDDEEFF"});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, counting_id());
}

TEST(NodeId, ParseRejectsMalformedInput) {
  const std::string good = "00112233-4455-6677-8899-aabbccddeeff";
  ASSERT_TRUE(to<node_id>(good));
  const char* bad[] = {
    "",
    "00112233445566778899aabbccddeeff",       // no dashes
    "00112233-4455-6677-8899-aabbccddeef",    // too short
    "00112233-4455-6677-8899-aabbccddeeff0",  // too long
    "0011223-34455-6677-8899-aabbccddeeff",   // dash misplaced
    "00112233-4455-6677-8899_aabbccddeeff",   // not a dash
    "00112233-4455-6677-8899-aabbccddeefg",   // not hex
    "00112233445566778899aabbccddeeff#12",    // the old text form
    "00000000-0000-0000-0000-000000000000",   // the nil id
    " 0112233-4455-6677-8899-aabbccddeeff",
  };
  for (auto str : bad) {
    node_id id = node_id::random();
    auto before = id;
    EXPECT_FALSE(convert(std::string{str}, id)) << str;
    EXPECT_EQ(id, before) << "a failed parse must not modify the target";
  }
}

TEST(NodeId, OrderIsMemcmpOverTheBytes) {
  node_id::bytes_type a{}, b{};
  a[0] = 0x01;
  b[15] = 0xff;
  EXPECT_LT(node_id{b}, node_id{a});
}

TEST(NodeId, HashAndOrder) {
  auto a = node_id::random();
  auto b = node_id::random();
  std::unordered_set<node_id> ids{a, b, a};
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(std::hash<node_id>{}(a), a.hash());
  EXPECT_NE(a.hash(), b.hash());
  EXPECT_TRUE(a < b || b < a);
  EXPECT_FALSE(a < a);
}

} // namespace
