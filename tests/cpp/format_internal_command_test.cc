// Store commands (ZEEK-WIRE.md §6.1-§6.2): the spec's vectors both ways,
// hand-computed bytes for the commands the spec has no vector for, round
// trips of every command type, and the decoder's refusals.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "broker/convert.hh"
#include "format/internal_command.hh"
#include "format/node_message.hh"
#include "wire_ids.hh"

using namespace broker;
using namespace broker::format;
using namespace std::literals;
using broker::test::from_hex;
using broker::test::hex;
using broker::test::id_a;
using broker::test::id_b;
using broker::test::id_of;
using broker::test::spaced;

namespace {

entity_id a(uint64_t object) {
  return {id_a, object};
}

entity_id b(uint64_t object) {
  return {id_b, object};
}

const entity_id nil_entity{};

/// Bytes written as in the spec: `<A>`, `<B>` and `<nil>` stand for the
/// 16-byte endpoint ids, spaces are ignored.
std::vector<uint8_t> spec_bytes(std::string text) {
  const std::pair<const char*, const char*> ids[] = {
    {"<A>", "00000000000040008000000000000000"},
    {"<B>", "ffffffffffff4fffbfffffffffffffff"},
    {"<nil>", "00000000000000000000000000000000"},
  };
  for (auto& [name, bytes] : ids)
    for (auto i = text.find(name); i != std::string::npos; i = text.find(name))
      text.replace(i, std::strlen(name), bytes);
  return from_hex(text);
}

internal_command make(uint64_t seq, entity_id sender, entity_id receiver,
                      command_content content) {
  return {seq, sender, receiver, std::move(content)};
}

expected<internal_command> decode_bytes(const std::vector<uint8_t>& buf) {
  return read_internal_command(buf.data(), buf.size());
}

/// Encodes `cmd` to exactly `text` and decodes `text` to exactly `cmd`.
void check_both_ways(const std::string& text, const internal_command& cmd) {
  auto bytes = spec_bytes(text);
  std::vector<uint8_t> out;
  ASSERT_TRUE(write_internal_command(cmd, out));
  EXPECT_EQ(hex(out), hex(bytes)) << content_name(cmd.content);
  auto got = decode_bytes(bytes);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_TRUE(*got == cmd) << content_name(cmd.content);
}

/// Decoding fails with exactly `what` (offset included).
void check_refused(const std::vector<uint8_t>& bytes, const std::string& what) {
  auto got = decode_bytes(bytes);
  ASSERT_FALSE(got) << what;
  EXPECT_EQ(got.error().code(), ec::invalid_data);
  EXPECT_EQ(got.error().message(), what);
}

// -- the spec's vectors ---------------------------------------------------------

TEST(FormatInternalCommand, SpecPut) {
  check_both_ways("0000000000000002 00000000000040008000000000000000"
                  "0000000000000005 00000000000000000000000000000000"
                  "0000000000000000 00 05016b 02000000000000002a 00"
                  "00000000000040008000000000000000 0000000000000000",
                  make(2, a(5), nil_entity,
                       put_command{"k"s, count{42}, std::nullopt, a(0)}));
}

TEST(FormatInternalCommand, SpecPutAsFrameToTheMaster) {
  auto cmd = make(2, a(5), nil_entity,
                  put_command{"k"s, count{42}, std::nullopt, a(0)});
  std::vector<uint8_t> payload;
  ASSERT_TRUE(write_internal_command(cmd, payload));
  auto dst = store_master_topic("mystore");
  std::vector<uint8_t> frame;
  ASSERT_TRUE(write_node_message(frame, id_a, node_id{}, 2, upstream_ttl,
                                 dst.string(), payload.data(),
                                 payload.size()));
  auto expected = spec_bytes(
    "0000009a <A> <nil> 02 0010 0017"
    "6d7973746f72652f3c243e2f646174612f6d6173746572");
  expected.insert(expected.end(), payload.begin(), payload.end());
  EXPECT_EQ(hex(frame), hex(expected));
}

TEST(FormatInternalCommand, SpecAttachWriter) {
  check_both_ways("0000000000000000 <A>0000000000000005 <B>0000000000000009"
                  "08 0000000000000001 0005",
                  make(0, a(5), b(9), attach_writer_command{1, 5}));
}

TEST(FormatInternalCommand, SpecKeepalive) {
  check_both_ways("0000000000000000 <B>0000000000000009 <nil>0000000000000000"
                  "09 0000000000000003",
                  make(0, b(9), nil_entity, keepalive_command{3}));
}

TEST(FormatInternalCommand, SpecCumulativeAck) {
  check_both_ways("0000000000000000 <A>0000000000000005 <B>0000000000000009"
                  "0a 0000000000000003",
                  make(0, a(5), b(9), cumulative_ack_command{3}));
}

TEST(FormatInternalCommand, SpecNackAttachRequest) {
  check_both_ways("0000000000000000 <A>0000000000000005 <nil>0000000000000000"
                  "0b 01 0000000000000000",
                  make(0, a(5), nil_entity, nack_command{{0}}));
}

TEST(FormatInternalCommand, SpecAckClone) {
  ack_clone_command ack{1, 5, {{"k"s, count{42}}}};
  check_both_ways("0000000000000001 <B>0000000000000009 <A>0000000000000005"
                  "0c 0000000000000001 0005 01 05016b 02000000000000002a",
                  make(1, b(9), a(5), ack));
}

// -- hand-computed: the commands without a vector in the spec ---------------------

TEST(FormatInternalCommand, PutUniqueByHand) {
  // 1.5 s = 1,500,000,000 ns = 0x59682f00; "u" = 0x75.
  put_unique_command cmd{"u"s, integer{1}, timespan{1'500'000'000}, b(7), 4,
                         b(9)};
  check_both_ways("0000000000000003 <B>0000000000000009 <A>0000000000000005"
                  "01 050175 030000000000000001 01 0000000059682f00"
                  "<B>0000000000000007 0000000000000004 <B>0000000000000009",
                  make(3, b(9), a(5), cmd));
}

TEST(FormatInternalCommand, PutUniqueResultByHand) {
  check_both_ways("0000000000000005 <A>0000000000000008 <nil>0000000000000000"
                  "02 01 <B>0000000000000009 0000000000000001"
                  "<A>0000000000000008",
                  make(5, a(8), nil_entity,
                       put_unique_result_command{true, b(9), 1, a(8)}));
}

TEST(FormatInternalCommand, EraseByHand) {
  check_both_ways("0000000000000005 <B>0000000000000008 <A>0000000000000008"
                  "03 05016b <B>0000000000000008",
                  make(5, b(8), a(8), erase_command{"k"s, b(8)}));
}

TEST(FormatInternalCommand, ExpireByHand) {
  check_both_ways("0000000000000009 <A>0000000000000008 <nil>0000000000000000"
                  "04 050165 <A>0000000000000008",
                  make(9, a(8), nil_entity, expire_command{"e"s, a(8)}));
}

TEST(FormatInternalCommand, AddByHand) {
  // init_type count = data tag 2.
  add_command cmd{"k"s, count{1}, wire_tag::count, std::nullopt, b(8)};
  check_both_ways("0000000000000004 <B>0000000000000008 <A>0000000000000008"
                  "05 05016b 020000000000000001 02 00 <B>0000000000000008",
                  make(4, b(8), a(8), cmd));
}

TEST(FormatInternalCommand, SubtractByHand) {
  // integer -1 and an expiry of -1 ns: all-ones two's complement.
  subtract_command cmd{"s"s, integer{-1}, timespan{-1}, nil_entity};
  check_both_ways("0000000000000006 <B>0000000000000008 <A>0000000000000008"
                  "06 050173 03ffffffffffffffff 01 ffffffffffffffff"
                  "<nil>0000000000000000",
                  make(6, b(8), a(8), cmd));
}

TEST(FormatInternalCommand, ClearByHand) {
  check_both_ways("000000000000000a <A>0000000000000008 <nil>0000000000000000"
                  "07 <A>0000000000000008",
                  make(10, a(8), nil_entity, clear_command{a(8)}));
}

TEST(FormatInternalCommand, NackListByHand) {
  // 300 = 0x12c.
  check_both_ways("0000000000000000 <A>0000000000000005 <B>0000000000000009"
                  "0b 02 0000000000000003 000000000000012c",
                  make(0, a(5), b(9), nack_command{{3, 300}}));
}

TEST(FormatInternalCommand, NackCountTakesTwoVarbyteBytes) {
  // 130 entries: varbyte 82 01.
  std::string text = "0000000000000000 <A>0000000000000005 <nil>"
                     "0000000000000000 0b 8201";
  nack_command nack;
  for (uint64_t i = 1; i <= 130; ++i) {
    nack.seqs.push_back(i);
    char word[17];
    std::snprintf(word, sizeof(word), "%016llx",
                  static_cast<unsigned long long>(i));
    text += word;
  }
  check_both_ways(text, make(0, a(5), nil_entity, nack));
}

TEST(FormatInternalCommand, RetransmitFailedByHand) {
  check_both_ways("0000000000000000 <B>0000000000000009 <A>0000000000000005"
                  "0d 0000000000000007",
                  make(0, b(9), a(5), retransmit_failed_command{7}));
}

TEST(FormatInternalCommand, AckCloneEmptySnapshotByHand) {
  check_both_ways("0000000000000001 <A>0000000000000008 <B>0000000000000008"
                  "0c 0000000000000001 0005 00",
                  make(1, a(8), b(8), ack_clone_command{1, 5, {}}));
}

TEST(FormatInternalCommand, SnapshotKeepsWireOrder) {
  // "z" before "a": not sorted, still valid, and re-encoded as it came.
  ack_clone_command ack{2, 5, {{"z"s, data{}}, {"a"s, count{1}}}};
  check_both_ways("0000000000000002 <A>0000000000000008 <B>0000000000000008"
                  "0c 0000000000000002 0005 02 05017a 00 050161"
                  "020000000000000001",
                  make(2, a(8), b(8), ack));
}

// -- round trips ----------------------------------------------------------------

std::vector<internal_command> one_of_each() {
  vector nested{count{1}, set{"x"s, integer{-2}}, table{{real{0.5}, data{}}}};
  return {
    make(2, a(1), nil_entity, put_command{nested, "v"s, timespan{0}, a(0)}),
    make(3, b(2), a(1), put_unique_command{data{}, nested, {}, b(3), 99, b(2)}),
    make(4, a(1), nil_entity, put_unique_result_command{false, b(3), 99, a(1)}),
    make(5, a(1), nil_entity, erase_command{nested, a(1)}),
    make(6, a(1), nil_entity, expire_command{port{80, port::protocol::tcp},
                                             a(1)}),
    make(7, b(2), a(1), add_command{"s"s, set{count{1}}, wire_tag::set,
                                    timespan{-5}, b(2)}),
    make(8, b(2), a(1), subtract_command{"n"s, real{1.5}, {}, b(2)}),
    make(9, a(1), nil_entity, clear_command{nil_entity}),
    make(0, b(2), a(1), attach_writer_command{~uint64_t{0}, 0xffff}),
    make(0, b(2), nil_entity, keepalive_command{~uint64_t{0}}),
    make(0, a(1), b(2), cumulative_ack_command{12}),
    make(0, b(2), a(1), nack_command{}),
    make(3, a(1), b(2), ack_clone_command{3, 7, {{nested, nested}, {"k"s, data{}}}}),
    make(0, a(1), b(2), retransmit_failed_command{5}),
  };
}

TEST(FormatInternalCommand, EveryTypeRoundTrips) {
  std::set<size_t> indices;
  for (auto& cmd : one_of_each()) {
    indices.insert(cmd.content.index());
    std::vector<uint8_t> out{0xee}; // appends behind what is there
    ASSERT_TRUE(write_internal_command(cmd, out)) << content_name(cmd.content);
    EXPECT_EQ(out[0], 0xee);
    EXPECT_EQ(out[57], cmd.content.index()) << "index after 56 header bytes";
    auto got = read_internal_command(out.data() + 1, out.size() - 1);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(*got == cmd) << content_name(cmd.content);
  }
  EXPECT_EQ(indices.size(), max_command_index + 1u);
}

TEST(FormatInternalCommand, ContentNames) {
  auto cmds = one_of_each();
  EXPECT_STREQ(content_name(cmds[0].content), "put");
  EXPECT_STREQ(content_name(cmds[2].content), "put_unique_result");
  EXPECT_STREQ(content_name(cmds[13].content), "retransmit_failed");
}

TEST(FormatInternalCommand, Equality) {
  auto x = make(2, a(5), nil_entity, keepalive_command{3});
  auto y = x;
  EXPECT_TRUE(x == y);
  y.receiver = b(0);
  EXPECT_TRUE(x != y);
  y = x;
  y.content = cumulative_ack_command{3};
  EXPECT_TRUE(x != y);
}

// -- refusals -------------------------------------------------------------------

const std::string keepalive_hex
  = "0000000000000000 <B>0000000000000009 <nil>0000000000000000"
    "09 0000000000000003";

TEST(FormatInternalCommand, RefusesEveryTruncation) {
  for (auto& cmd : one_of_each()) {
    std::vector<uint8_t> out;
    ASSERT_TRUE(write_internal_command(cmd, out));
    for (size_t n = 0; n < out.size(); ++n) {
      auto got = read_internal_command(out.data(), n);
      ASSERT_FALSE(got) << content_name(cmd.content) << " cut at " << n;
      EXPECT_EQ(got.error().code(), ec::invalid_data);
      EXPECT_EQ(got.error().message().rfind("offset ", 0), 0u);
    }
  }
}

TEST(FormatInternalCommand, RefusesUnknownContentIndex) {
  auto bytes = spec_bytes(keepalive_hex);
  bytes[56] = 14; // one past retransmit_failed
  check_refused(bytes, "offset 56: unknown command type 14");
  bytes[56] = 0xff;
  check_refused(bytes, "offset 56: unknown command type 255");
}

TEST(FormatInternalCommand, RefusesInitTypeBeyondTheDataTags) {
  auto bytes = spec_bytes("0000000000000004 <B>0000000000000008"
                          "<A>0000000000000008 05 05016b 020000000000000001"
                          "0f 00 <B>0000000000000008");
  check_refused(bytes, "offset 69: init_type 15 is no data type");
  bytes[69] = 14; // vector: the last data tag
  EXPECT_TRUE(decode_bytes(bytes));
}

TEST(FormatInternalCommand, RefusesTrailingBytes) {
  auto bytes = spec_bytes(keepalive_hex + "00");
  check_refused(bytes, "offset 65: 1 trailing bytes after the value");
}

TEST(FormatInternalCommand, RefusesCountsBeyondTheInput) {
  // Two sequence numbers announced, room for one.
  check_refused(spec_bytes("0000000000000000 <A>0000000000000005 <nil>"
                           "0000000000000000 0b 02 0000000000000000"),
                "offset 57: sequence list of 2 entries exceeds the 8 "
                "remaining bytes");
  // 2^32 - 1 announced: refused before anything is allocated.
  check_refused(spec_bytes("0000000000000000 <A>0000000000000005 <nil>"
                           "0000000000000000 0b ffffffff0f"),
                "offset 57: sequence list of 4294967295 entries exceeds the "
                "0 remaining bytes");
  check_refused(spec_bytes("0000000000000001 <B>0000000000000009"
                           "<A>0000000000000005 0c 0000000000000001 0005"
                           "03 05016b 00"),
                "offset 67: snapshot of 3 entries exceeds the 4 remaining "
                "bytes");
}

TEST(FormatInternalCommand, RefusesRepeatedSnapshotKeys) {
  check_refused(spec_bytes("0000000000000001 <B>0000000000000009"
                           "<A>0000000000000005 0c 0000000000000001 0005"
                           "02 05016b 00 05016b 0101"),
                "offset 72: snapshot entry 1 repeats a key");
}

TEST(FormatInternalCommand, RefusesMalformedData) {
  // The key's tag 0x0f is no data type; the data reader reports it.
  auto got = decode_bytes(spec_bytes("0000000000000005 <B>0000000000000008"
                                     "<A>0000000000000008 03 0f"
                                     "<B>0000000000000008"));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message().rfind("offset 57: ", 0), 0u)
    << got.error().message();
}

TEST(FormatInternalCommand, NonZeroFlagsMeanTrue) {
  // Upstream reads a presence flag or a bool as "non-zero"; so do we.
  auto got = decode_bytes(spec_bytes(
    "0000000000000005 <A>0000000000000008 <nil>0000000000000000"
    "02 02 <B>0000000000000009 0000000000000001 <A>0000000000000008"));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_TRUE(std::get<put_unique_result_command>(got->content).inserted);
  got = decode_bytes(spec_bytes(
    "0000000000000009 <A>0000000000000008 <nil>0000000000000000"
    "06 050173 03ffffffffffffffff 80 0000000000000007 <A>0000000000000008"));
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(std::get<subtract_command>(got->content).expiry, timespan{7});
}

// -- what the encoder refuses -----------------------------------------------------

void check_not_written(const internal_command& cmd) {
  std::vector<uint8_t> out{1, 2, 3};
  EXPECT_FALSE(write_internal_command(cmd, out)) << content_name(cmd.content);
  EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3})) << "left as it was";
}

TEST(FormatInternalCommand, WriterRefusesWhatCannotBeDecoded) {
  ack_clone_command dup{1, 5, {{"k"s, count{1}}, {"j"s, data{}}, {"k"s, data{}}}};
  check_not_written(make(1, a(1), b(1), dup));
  add_command add{"k"s, count{1}, static_cast<wire_tag>(15), {}, a(1)};
  check_not_written(make(1, a(1), nil_entity, add));
  data deep = vector{};
  for (size_t i = 0; i < max_nesting_depth; ++i)
    deep = vector{deep};
  check_not_written(make(1, a(1), nil_entity, erase_command{deep, a(1)}));
}

// -- entities and topics ----------------------------------------------------------

TEST(FormatInternalCommand, EntityIds) {
  EXPECT_TRUE(nil_entity.is_nil());
  EXPECT_FALSE(a(0).is_nil());
  EXPECT_FALSE((entity_id{node_id{}, 1}).is_nil());
  EXPECT_TRUE(a(5) == a(5));
  EXPECT_TRUE(a(5) != a(6));
  EXPECT_TRUE(a(9) < b(0)) << "the endpoint decides first";
  EXPECT_TRUE(a(5) < a(6));
  EXPECT_FALSE(a(5) < a(5));
  EXPECT_TRUE(nil_entity < a(0));
  EXPECT_EQ(to_string(nil_entity), "nil");
  EXPECT_EQ(to_string(a(5)), "5@00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(to_string(entity_id{node_id{}, 3}), "3@nil");
}

TEST(FormatInternalCommand, StoreTopics) {
  EXPECT_EQ(store_master_topic("mystore").string(), "mystore/<$>/data/master");
  EXPECT_EQ(store_clone_topic("mystore").string(), "mystore/<$>/data/clone");
  std::string_view name;
  EXPECT_EQ(classify_store_topic("mystore/<$>/data/master", &name),
            store_topic_kind::master);
  EXPECT_EQ(name, "mystore");
  EXPECT_EQ(classify_store_topic("a/b/<$>/data/clone", &name),
            store_topic_kind::clone);
  EXPECT_EQ(name, "a/b");
  EXPECT_EQ(classify_store_topic("<$>/data/master", &name),
            store_topic_kind::master);
  EXPECT_EQ(name, "");
  EXPECT_EQ(classify_store_topic(store_clone_topic("").string()),
            store_topic_kind::clone);
}

TEST(FormatInternalCommand, OtherTopicsAreNoStoreTopics) {
  for (auto str : {"", "/zeek/events", "mystore", "x<$>/data/master",
                   "mystore/<$>/data/master/", "mystore/<$>/data/clones",
                   "<$>", "<$>/local/data/errors", "mystore/data/master"})
    EXPECT_FALSE(is_store_topic(str)) << str;
  EXPECT_TRUE(is_store_topic("s/<$>/data/master"));
}

} // namespace
