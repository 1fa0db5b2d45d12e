// Golden vectors of ZEEK-WIRE.md §3.4 (the handshake messages as upstream
// sends them), both directions, plus upstream's validation rules (§3.2).
#include <gtest/gtest.h>

#include "broker/convert.hh"
#include "format/frame.hh"
#include "format/handshake.hh"
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

/// Decodes a whole frame (prefix included) as a handshake message.
handshake_msg decode(const std::string& frame_hex, handshake_failure& fail) {
  auto bytes = from_hex(frame_hex);
  uint32_t size = 0;
  EXPECT_EQ(parse_frame(bytes.data(), bytes.size(), frame_phase::handshake,
                        size),
            frame_status::ok);
  EXPECT_EQ(size + frame_prefix_size, bytes.size());
  return read_handshake(bytes.data() + frame_prefix_size, size, fail);
}

template <class T>
T decode_as(const std::string& frame_hex) {
  handshake_failure fail;
  auto msg = decode(frame_hex, fail);
  EXPECT_TRUE(std::holds_alternative<T>(msg)) << fail.text;
  return std::holds_alternative<T>(msg) ? std::get<T>(msg) : T{};
}

handshake_failure decode_failure(const std::string& frame_hex) {
  handshake_failure fail;
  auto msg = decode(frame_hex, fail);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(msg));
  return fail;
}

TEST(FormatHandshake, Probe) {
  std::vector<uint8_t> out;
  write_probe(out);
  EXPECT_EQ(hex(out), spaced("00000005 07 5a45454b"));
  decode_as<probe_msg>("00000005 07 5a45454b");
}

TEST(FormatHandshake, Hello) {
  const std::string bytes
    = "00000017 06 5a45454b ffffffffffff4fffbfffffffffffffff 01 01";
  std::vector<uint8_t> out;
  write_hello(hello_msg{id_b, 1, 1}, out);
  EXPECT_EQ(hex(out), spaced(bytes));
  auto msg = decode_as<hello_msg>(bytes);
  EXPECT_EQ(msg.sender, id_b);
  EXPECT_EQ(msg.min_version, 1);
  EXPECT_EQ(msg.max_version, 1);
}

TEST(FormatHandshake, VersionSelect) {
  const std::string bytes
    = "00000016 08 5a45454b 00000000000040008000000000000000 01";
  std::vector<uint8_t> out;
  write_version_select(version_select_msg{id_a, 1}, out);
  EXPECT_EQ(hex(out), spaced(bytes));
  EXPECT_EQ(decode_as<version_select_msg>(bytes).sender, id_a);
}

TEST(FormatHandshake, OriginatorSyn) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_originator_syn({"/test"}, out));
  EXPECT_EQ(hex(out), spaced("00000008 0a 01 05 2f74657374"));
  out.clear();
  ASSERT_TRUE(write_originator_syn({}, out));
  EXPECT_EQ(hex(out), spaced("00000002 0a 00"));
  const std::string two
    = "00000014 0a 02 0b 2f746f7069632f74657374 05 7a65656b2f";
  out.clear();
  ASSERT_TRUE(write_originator_syn({"/topic/test", "zeek/"}, out));
  EXPECT_EQ(hex(out), spaced(two));
  auto msg = decode_as<originator_syn_msg>(two);
  EXPECT_EQ(msg.filter, (filter_type{"/topic/test", "zeek/"}));
}

TEST(FormatHandshake, ResponderSynAckAndOriginatorAck) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_responder_syn_ack({"/foo/bar"}, out));
  EXPECT_EQ(hex(out), spaced("0000000b 0b 01 08 2f666f6f2f626172"));
  EXPECT_EQ(decode_as<responder_syn_ack_msg>("0000000b 0b 01 08 2f666f6f2f626172")
              .filter,
            (filter_type{"/foo/bar"}));
  out.clear();
  ASSERT_TRUE(write_responder_syn_ack({}, out));
  EXPECT_EQ(hex(out), spaced("00000002 0b 00"));
  out.clear();
  write_originator_ack(out);
  EXPECT_EQ(hex(out), spaced("00000001 0c"));
  decode_as<originator_ack_msg>("00000001 0c");
}

TEST(FormatHandshake, DropConn) {
  const std::string redundant
    = "0000002b 09 5a45454b ffffffffffff4fffbfffffffffffffff 27"
      "14 726564756e64616e7420636f6e6e656374696f6e";
  std::vector<uint8_t> out;
  write_drop_conn({id_b, drop_code::redundant_connection,
                   "redundant connection"},
                  out);
  EXPECT_EQ(hex(out), spaced(redundant));
  auto msg = decode_as<drop_conn_msg>(redundant);
  EXPECT_EQ(msg.sender, id_b);
  EXPECT_EQ(msg.code, drop_code::redundant_connection);
  EXPECT_EQ(msg.description, "redundant connection");
  const std::string versions
    = "00000033 09 5a45454b ffffffffffff4fffbfffffffffffffff 02"
      "1c 756e737570706f727465642076657273696f6e73206f666665726564";
  out.clear();
  write_drop_conn({id_b, drop_code::peer_incompatible,
                   "unsupported versions offered"},
                  out);
  EXPECT_EQ(hex(out), spaced(versions));
  EXPECT_EQ(decode_as<drop_conn_msg>(versions).code,
            drop_code::peer_incompatible);
}

TEST(FormatHandshake, UnknownDropCodeIsUnspecified) {
  auto msg = decode_as<drop_conn_msg>(
    "00000017 09 5a45454b ffffffffffff4fffbfffffffffffffff c8 00");
  EXPECT_EQ(msg.code, drop_code::unspecified);
  EXPECT_STREQ(to_string(drop_code::redundant_connection),
               "redundant_connection");
}

TEST(FormatHandshake, WrongMagic) {
  auto fail = decode_failure("00000005 07 5a45454c");
  EXPECT_EQ(fail.code, drop_code::wrong_magic_number);
  EXPECT_EQ(fail.text, "wrong magic number");
  fail = decode_failure(
    "00000017 06 00000000 ffffffffffff4fffbfffffffffffffff 01 01");
  EXPECT_EQ(fail.code, drop_code::wrong_magic_number);
}

TEST(FormatHandshake, VersionRangeWithoutOne) {
  // A hello offering 200..201, as upstream's version-mismatch test sends.
  auto fail = decode_failure(
    "00000017 06 5a45454b ffffffffffff4fffbfffffffffffffff c8 c9");
  EXPECT_EQ(fail.code, drop_code::peer_incompatible);
  EXPECT_EQ(fail.text, "unsupported versions offered");
  fail = decode_failure(
    "00000016 08 5a45454b 00000000000040008000000000000000 02");
  EXPECT_EQ(fail.code, drop_code::peer_incompatible);
  EXPECT_EQ(fail.text, "unsupported version selected");
}

TEST(FormatHandshake, TruncatedAndUnknown) {
  auto fail = decode_failure("00000010 06 5a45454b ffffffffffff4fffbfffff");
  EXPECT_EQ(fail.code, drop_code::invalid_message);
  EXPECT_EQ(fail.text, "failed to parse hello");
  fail = decode_failure("00000001 01");
  EXPECT_EQ(fail.text, "invalid message type tag");
  fail = decode_failure("00000001 0d");
  EXPECT_EQ(fail.code, drop_code::invalid_message);
  // A filter count larger than the bytes that follow.
  fail = decode_failure("00000003 0a 05 00");
  EXPECT_EQ(fail.text, "failed to parse originator_syn");
  // A topic length larger than the bytes that follow.
  fail = decode_failure("00000004 0a 01 7f 2f");
  EXPECT_EQ(fail.code, drop_code::invalid_message);
  // A varbyte longer than five bytes.
  fail = decode_failure("00000008 0a ff ff ff ff ff 01 00");
  EXPECT_EQ(fail.code, drop_code::invalid_message);
}

TEST(FormatFrame, Phases) {
  uint32_t size = 0;
  auto empty = from_hex("00000000");
  broker::error err;
  EXPECT_EQ(parse_frame(empty.data(), empty.size(), frame_phase::handshake,
                        size, &err),
            frame_status::invalid);
  EXPECT_EQ(parse_frame(empty.data(), empty.size(), frame_phase::node, size),
            frame_status::skip);
  auto partial = from_hex("00000005 07 5a45");
  EXPECT_EQ(parse_frame(partial.data(), partial.size(), frame_phase::node,
                        size),
            frame_status::incomplete);
  EXPECT_EQ(parse_frame(partial.data(), 3, frame_phase::node, size),
            frame_status::incomplete);
  auto huge = from_hex("7fffffff 00");
  EXPECT_EQ(parse_frame(huge.data(), huge.size(), frame_phase::node, size,
                        &err),
            frame_status::invalid);
  EXPECT_NE(err.message().find("exceeds"), std::string::npos);
}

} // namespace
