// Compact frames, our extension between our own endpoints
// (docs/protocol.md §7.2): golden bytes both ways.
#include <gtest/gtest.h>

#include "broker/convert.hh"
#include "format/compact_message.hh"
#include "format/frame.hh"
#include "format/node_message.hh"
#include "wire_ids.hh"

using namespace broker;
using namespace broker::format;
using broker::test::from_hex;
using broker::test::hex;
using broker::test::id_a;
using broker::test::id_b;
using broker::test::id_of;
using broker::test::spaced;

namespace {

TEST(FormatCompact, DataPublishedByTheSender) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_compact_data(out, false, 20, "/t", data{true}, {}, 258));
  EXPECT_EQ(hex(out), spaced("00000012 01 00 0014 0002 2f74"
                             "0000000000000102 0101"));
  compact_data_view msg;
  ASSERT_TRUE(read_compact_data(out.data() + 4, out.size() - 4, msg));
  EXPECT_FALSE(msg.targeted);
  EXPECT_EQ(msg.ttl, 20);
  EXPECT_EQ(msg.topic, "/t");
  EXPECT_EQ(msg.seq, 258u);
  EXPECT_FALSE(msg.origin.valid());
  EXPECT_EQ(hex(msg.payload, msg.payload_size), "01 01");
}

TEST(FormatCompact, RelayedTargetedData) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_compact_data(out, true, 3, "/t", data{}, id_b, 7));
  EXPECT_EQ(hex(out), spaced("00000021 02 01 0003 0002 2f74 0000000000000007"
                             "ffffffffffff4fffbfffffffffffffff 00"));
  compact_data_view msg;
  ASSERT_TRUE(read_compact_data(out.data() + 4, out.size() - 4, msg));
  EXPECT_TRUE(msg.targeted);
  EXPECT_EQ(msg.origin, id_b);
  EXPECT_EQ(msg.payload_size, 1u);
}

TEST(FormatCompact, MalformedBodiesAreRefused) {
  compact_data_view msg;
  auto short_body = from_hex("01 00 0014 0002 2f74 00000000");
  EXPECT_FALSE(read_compact_data(short_body.data(), short_body.size(), msg));
  auto nil_origin = from_hex("02 00 0014 0001 2f 0000000000000001"
                             "00000000000000000000000000000000 00");
  EXPECT_FALSE(read_compact_data(nil_origin.data(), nil_origin.size(), msg));
  auto too_short = from_hex("01 00 00");
  EXPECT_FALSE(read_compact_data(too_short.data(), too_short.size(), msg));
  std::vector<uint8_t> out;
  EXPECT_FALSE(write_compact_data(out, false, 1, "", data{}, {}, 1));
  EXPECT_TRUE(out.empty());
}

TEST(FormatCompact, ControlMessagesAreWrappedNodeMessages) {
  const uint8_t foo[] = {'f', 'o', 'o'};
  std::vector<uint8_t> out{0xaa}; // something before the frame
  ASSERT_TRUE(write_ping(out, msg_type::ping, id_a, id_b, foo, 3));
  wrap_compact_node(out, 1);
  EXPECT_EQ(hex(out),
            spaced("aa 0000002c 00 00000000000040008000000000000000"
                   "ffffffffffff4fffbfffffffffffffff 04 0010 0003 3c243e"
                   "666f6f"));
}

} // namespace
