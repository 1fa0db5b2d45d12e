// Golden vectors of ZEEK-WIRE.md §4-§5 (node messages as upstream sends
// them), both directions.
#include <gtest/gtest.h>

#include "broker/convert.hh"
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

/// Parses a whole node-phase frame; `storage` keeps the bytes alive.
node_view parse(const std::string& frame_hex, std::vector<uint8_t>& storage) {
  storage = from_hex(frame_hex);
  uint32_t size = 0;
  EXPECT_EQ(parse_frame(storage.data(), storage.size(), frame_phase::node,
                        size),
            frame_status::ok);
  EXPECT_EQ(size + frame_prefix_size, storage.size());
  node_view msg;
  EXPECT_TRUE(read_node_message(storage.data() + frame_prefix_size, size, msg));
  return msg;
}

TEST(FormatNodeMessage, DataEnvelopeFromUpstreamsTest) {
  const std::string bytes
    = "00000038 5746d8ee36445bd29f54d5a44c26c2a1"
      "c0551e8d392b509ba47bae46f75befac 01 0010 0006 666f6f626172"
      "050b68656c6c6f20776f726c64";
  auto sender = id_of("5746d8ee-3644-5bd2-9f54-d5a44c26c2a1");
  auto receiver = id_of("c0551e8d-392b-509b-a47b-ae46f75befac");
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_data_message(out, sender, receiver, 16, "foobar",
                                 data{"hello world"}));
  EXPECT_EQ(hex(out), spaced(bytes));
  std::vector<uint8_t> storage;
  auto msg = parse(bytes, storage);
  EXPECT_EQ(msg.sender, sender);
  EXPECT_EQ(msg.receiver, receiver);
  EXPECT_EQ(msg.type, 1);
  EXPECT_EQ(msg.ttl, 16);
  EXPECT_EQ(msg.topic, "foobar");
  EXPECT_EQ(hex(msg.payload, msg.payload_size),
            spaced("050b68656c6c6f20776f726c64"));
}

TEST(FormatNodeMessage, ZeekEventPing) {
  // event ping(1) on /topic/test, Zeek 5.x form, sender A, receiver nil.
  const std::string bytes
    = "00000057 00000000000040008000000000000000"
      "00000000000000000000000000000000 01 0010 000b 2f746f7069632f74657374"
      "0e030200000000000000010200000000000000010e02050470696e670e01"
      "020000000000000001";
  vector args{count{1}};
  data event = vector{count{1}, count{1}, vector{"ping", args}};
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_data_message(out, id_a, node_id{}, 16, "/topic/test",
                                 event));
  EXPECT_EQ(hex(out), spaced(bytes));
  std::vector<uint8_t> storage;
  auto msg = parse(bytes, storage);
  EXPECT_FALSE(msg.receiver.valid());
  EXPECT_EQ(msg.payload_size, 39u);
}

TEST(FormatNodeMessage, RoutingUpdate) {
  const std::string bytes
    = "00000041 00000000000040008000000000000000"
      "ffffffffffff4fffbfffffffffffffff 03 0010 0003 3c243e"
      "020b2f746f7069632f746573740b7a65656b2f6576656e742f";
  filter_type filter{"/topic/test", "zeek/event/"};
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_routing_update(out, id_a, id_b, filter));
  EXPECT_EQ(hex(out), spaced(bytes));
  std::vector<uint8_t> storage;
  auto msg = parse(bytes, storage);
  EXPECT_EQ(msg.type, 3);
  EXPECT_EQ(msg.topic, "<$>");
  filter_type decoded;
  ASSERT_TRUE(read_routing_update(msg, decoded));
  EXPECT_EQ(decoded, filter);
}

TEST(FormatNodeMessage, RoutingUpdateWithTrailingBytesIsRejected) {
  std::vector<uint8_t> storage;
  auto msg = parse("0000002a 00000000000040008000000000000000"
                   "ffffffffffff4fffbfffffffffffffff 03 0010 0003 3c243e 00 00",
                   storage);
  filter_type decoded;
  EXPECT_FALSE(read_routing_update(msg, decoded));
}

TEST(FormatNodeMessage, PingAndPong) {
  const uint8_t foo[] = {'f', 'o', 'o'};
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_node_message(out, id_a, id_b, 4, 1, "<$>", foo, 3));
  EXPECT_EQ(hex(out),
            spaced("0000002b 00000000000040008000000000000000"
                   "ffffffffffff4fffbfffffffffffffff 04 0001 0003 3c243e"
                   "666f6f"));
  out.clear();
  ASSERT_TRUE(write_ping(out, msg_type::pong, id_b, id_a, foo, 3));
  EXPECT_EQ(hex(out),
            spaced("0000002b ffffffffffff4fffbfffffffffffffff"
                   "00000000000040008000000000000000 05 0010 0003 3c243e"
                   "666f6f"));
}

TEST(FormatNodeMessage, ByePing) {
  // id 7 on x86: "BYE" + the 8 bytes of a little-endian uint64_t.
  const uint8_t bye[] = {'B', 'Y', 'E', 7, 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_ping(out, msg_type::ping, id_a, id_b, bye, sizeof(bye)));
  EXPECT_EQ(hex(out),
            spaced("00000033 00000000000040008000000000000000"
                   "ffffffffffff4fffbfffffffffffffff 04 0010 0003 3c243e"
                   "425945 0700000000000000"));
}

TEST(FormatNodeMessage, SenderHygiene) {
  // Old peers abort the connection on an empty topic or payload.
  std::vector<uint8_t> out;
  EXPECT_FALSE(write_data_message(out, id_a, {}, 16, "", data{}));
  EXPECT_FALSE(write_node_message(out, id_a, id_b, 4, 16, "<$>", nullptr, 0));
  EXPECT_FALSE(write_data_message(out, id_a, {}, 16,
                                  std::string(65536, 'x'), data{}));
  EXPECT_TRUE(out.empty());
}

TEST(FormatNodeMessage, ShortOrInconsistentEnvelopes) {
  auto body = from_hex("00000000000040008000000000000000"
                       "ffffffffffff4fffbfffffffffffffff 01 0010 0005 2f61");
  node_view msg;
  EXPECT_FALSE(read_node_message(body.data(), body.size(), msg));
  EXPECT_FALSE(read_node_message(body.data(), 36, msg));
}

} // namespace
