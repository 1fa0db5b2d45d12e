#include <gtest/gtest.h>

#include <unistd.h>

#include <set>
#include <string>
#include <unordered_set>

#include "broker/convert.hh"
#include "broker/node_id.hh"

using namespace broker;

namespace {

TEST(NodeId, DefaultIsInvalid) {
  node_id id;
  EXPECT_FALSE(id.valid());
  EXPECT_FALSE(id);
  EXPECT_EQ(to_string(id), "");
}

TEST(NodeId, RandomIsValidAndUnique) {
  std::set<node_id> ids;
  for (int i = 0; i < 1000; ++i) {
    auto id = node_id::random();
    EXPECT_TRUE(id.valid());
    EXPECT_EQ(id.process_id(), static_cast<uint32_t>(::getpid()));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(NodeId, TextForm) {
  node_id::bytes_type bytes{};
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<uint8_t>(i * 17);
  node_id id{bytes, 4711};
  EXPECT_EQ(to_string(id), "00112233445566778899aabbccddeeff#4711");
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
  node_id pid_only{node_id::bytes_type{}, 1};
  EXPECT_EQ(to<node_id>(to_string(pid_only)), pid_only);
}

TEST(NodeId, ParseAcceptsUpperCase) {
  auto parsed = to<node_id>(std::string{"00112233445566778899AABBCCDDEEFF#1"});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(to_string(*parsed), "00112233445566778899aabbccddeeff#1");
}

TEST(NodeId, ParseRejectsMalformedInput) {
  const std::string good = "00112233445566778899aabbccddeeff#12";
  ASSERT_TRUE(to<node_id>(good));
  const char* bad[] = {
    "",
    "#12",
    "00112233445566778899aabbccddeeff",        // no pid
    "00112233445566778899aabbccddeeff#",       // empty pid
    "00112233445566778899aabbccddee#12",       // too few digits
    "00112233445566778899aabbccddeeff00#12",   // too many digits
    "00112233445566778899aabbccddeefg#12",     // not hex
    "00112233445566778899aabbccddeeff#-1",     // sign
    "00112233445566778899aabbccddeeff#+1",     // sign
    "00112233445566778899aabbccddeeff#12x",    // trailing garbage
    "00112233445566778899aabbccddeeff#4294967296", // pid overflow
    "00112233445566778899aabbccddeeff#12345678901",
    "00000000000000000000000000000000#0",      // the invalid id
    " 00112233445566778899aabbccddeeff#12",
  };
  for (auto str : bad) {
    node_id id = node_id::random();
    auto before = id;
    EXPECT_FALSE(convert(std::string{str}, id)) << str;
    EXPECT_EQ(id, before) << "a failed parse must not modify the target";
  }
  EXPECT_TRUE(to<node_id>(
    std::string{"00112233445566778899aabbccddeeff#4294967295"}));
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
