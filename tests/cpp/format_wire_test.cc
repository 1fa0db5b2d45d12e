// Frame payloads of the peer protocol (src/format/wire.hh): round trips,
// golden bytes matching docs/protocol.md section 5, and malformed input.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"
#include "format/frame.hh"
#include "format/limits.hh"
#include "format/wire.hh"
#include "hex_util.hh"

using namespace broker;
using namespace broker::format;
using bytes = std::vector<uint8_t>;
using broker::test::from_hex;
using broker::test::hex;

namespace {

// The id used by the golden examples: bytes 00 11 22 ... ff, pid 4711.
node_id example_id() {
  node_id::bytes_type raw;
  for (size_t i = 0; i < raw.size(); ++i)
    raw[i] = static_cast<uint8_t>(i * 0x11);
  return node_id{raw, 4711};
}

// Checks that `frame` holds exactly one complete frame of type `type` and
// returns its payload.
bytes payload_of(const bytes& frame, frame_type type) {
  frame_header hdr;
  broker::error err;
  EXPECT_EQ(parse_frame_header(frame.data(), frame.size(), hdr, &err),
            header_status::ok)
    << to_string(err);
  EXPECT_EQ(hdr.type, type);
  EXPECT_EQ(hdr.payload_size + frame_header_size, frame.size());
  return bytes(frame.begin() + frame_header_size, frame.end());
}

template <class T, class Write>
bytes encode_ok(const T& x, Write write) {
  bytes out;
  EXPECT_TRUE(write(x, out));
  return out;
}

hello example_hello() {
  hello x;
  x.id = example_id();
  x.process_token = 0x0123456789abcdefull;
  x.filter = {"/a", "/b/c"};
  return x;
}

data_frame example_data() {
  data_frame x;
  x.origin = example_id();
  x.seq = 42;
  x.ttl = 20;
  x.dst = "/a";
  x.payload = data{std::string{"hi"}};
  return x;
}

const char* golden_hello =
  "00 00 00 2b 01 01"                              // header: 43 bytes, hello
  "42 52 4b 52"                                    // magic "BRKR"
  "00 01"                                          // protocol version 1
  "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" // node id bytes
  "00 00 12 67"                                    // pid 4711
  "01 23 45 67 89 ab cd ef"                        // process token
  "02"                                             // 2 filter entries
  "02 2f 61"                                       // "/a"
  "04 2f 62 2f 63";                                // "/b/c"

const char* golden_data =
  "00 00 00 26 01 02"                              // header: 38 bytes, data
  "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff" // origin bytes
  "00 00 12 67"                                    // origin pid 4711
  "00 00 00 00 00 00 00 2a"                        // seq 42
  "00 14"                                          // ttl 20
  "00"                                             // flags: not targeted
  "02 2f 61"                                       // topic "/a"
  "05 02 68 69";                                   // string "hi"

bytes frame_hello(const hello& x) {
  bytes out;
  EXPECT_TRUE(write_hello(x, out));
  return out;
}

bytes frame_data(const data_frame& x) {
  bytes out;
  EXPECT_TRUE(write_data_frame(x, out));
  return out;
}

bytes frame_filter(const filter_update& x) {
  bytes out;
  EXPECT_TRUE(write_filter_update(x, out));
  return out;
}

bytes frame_heartbeat(const heartbeat& x) {
  bytes out;
  EXPECT_TRUE(write_heartbeat(x, out));
  return out;
}

bytes frame_goodbye(const goodbye& x) {
  bytes out;
  EXPECT_TRUE(write_goodbye(x, out));
  return out;
}

template <class T>
broker::error error_of(const expected<T>& res) {
  return res ? broker::error{} : res.error();
}

// One valid payload per frame type plus its decoder, for the truncation and
// trailing-byte tests.
struct sample {
  std::string name;
  bytes payload;
  broker::error (*parse)(const bytes&);
};

std::vector<sample> samples() {
  data_frame dat = example_data();
  dat.targeted = true;
  dat.payload = vector{count{1}, std::string{"abc"}, set{integer{-1}}};
  return {
    {"hello", payload_of(frame_hello(example_hello()), frame_type::hello),
     [](const bytes& b) { return error_of(read_hello(b.data(), b.size())); }},
    {"filter_update",
     payload_of(frame_filter(filter_update{{"/x", "", "/zeek/events"}}),
                frame_type::filter_update),
     [](const bytes& b) {
       return error_of(read_filter_update(b.data(), b.size()));
     }},
    {"data", payload_of(frame_data(dat), frame_type::data),
     [](const bytes& b) {
       return error_of(read_data_frame(b.data(), b.size()));
     }},
    {"heartbeat", payload_of(frame_heartbeat({7}), frame_type::heartbeat),
     [](const bytes& b) {
       return error_of(read_heartbeat(b.data(), b.size()));
     }},
    {"goodbye",
     payload_of(frame_goodbye({goodbye_reason::duplicate, "tie break"}),
                frame_type::goodbye),
     [](const bytes& b) {
       return error_of(read_goodbye(b.data(), b.size()));
     }},
  };
}

// Payload offsets of the golden hello (without the 6-byte header).
constexpr size_t hello_filter_offset = 4 + 2 + 20 + 8;
// Payload offsets of the golden data frame.
constexpr size_t data_flags_offset = 20 + 8 + 2;
constexpr size_t data_topic_offset = data_flags_offset + 1;

} // namespace

// -- round trips --------------------------------------------------------------

TEST(FormatWireRoundTrip, Hello) {
  std::vector<hello> inputs;
  inputs.push_back(example_hello());
  hello empty;
  empty.id = node_id::random();
  inputs.push_back(empty);
  hello odd;
  odd.id = example_id();
  odd.process_token = std::numeric_limits<uint64_t>::max();
  odd.filter = {"", std::string(max_wire_topic_size, 'x'),
                std::string("a\0b", 3)};
  inputs.push_back(odd);
  for (auto& x : inputs) {
    auto payload = payload_of(frame_hello(x), frame_type::hello);
    auto y = read_hello(payload.data(), payload.size());
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_EQ(*y, x);
    EXPECT_EQ(y->version, peer_protocol_version);
  }
}

TEST(FormatWireRoundTrip, FilterUpdate) {
  for (auto& f : std::vector<std::vector<topic>>{
         {}, {"/a"}, {"/zeek/", "/zeek/", ""}}) {
    filter_update x{f};
    auto payload = payload_of(frame_filter(x), frame_type::filter_update);
    auto y = read_filter_update(payload.data(), payload.size());
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_EQ(*y, x);
  }
}

TEST(FormatWireRoundTrip, DataFrame) {
  std::vector<data_frame> inputs;
  inputs.push_back(example_data());
  auto x = example_data();
  x.seq = std::numeric_limits<uint64_t>::max();
  x.ttl = std::numeric_limits<uint16_t>::max();
  x.targeted = true;
  x.dst = "";
  x.payload = table{{count{1}, vector{}}, {std::string{"k"}, set{}}};
  inputs.push_back(x);
  x.origin = node_id::random();
  x.seq = 0;
  x.ttl = 0;
  x.targeted = false;
  x.payload = data{};
  inputs.push_back(x);
  for (auto& in : inputs) {
    auto payload = payload_of(frame_data(in), frame_type::data);
    auto out = read_data_frame(payload.data(), payload.size());
    ASSERT_TRUE(out) << to_string(out.error());
    EXPECT_EQ(*out, in);
  }
}

TEST(FormatWireRoundTrip, DataFrameFromParts) {
  auto x = example_data();
  x.targeted = true;
  bytes from_parts;
  ASSERT_TRUE(write_data_frame(x.origin, x.seq, x.ttl, x.targeted, x.dst,
                               x.payload, from_parts));
  EXPECT_EQ(from_parts, frame_data(x));
}

TEST(FormatWireRoundTrip, Heartbeat) {
  for (uint64_t n : {uint64_t{0}, uint64_t{1}, uint64_t{0x0102030405060708},
                     std::numeric_limits<uint64_t>::max()}) {
    auto payload = payload_of(frame_heartbeat({n}), frame_type::heartbeat);
    ASSERT_EQ(payload.size(), 8u);
    auto y = read_heartbeat(payload.data(), payload.size());
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_EQ(y->counter, n);
  }
}

TEST(FormatWireRoundTrip, Goodbye) {
  for (uint8_t r = 0; r <= max_goodbye_reason; ++r) {
    goodbye x{static_cast<goodbye_reason>(r), "reason " + std::to_string(r)};
    EXPECT_STRNE(to_string(x.reason), "unknown");
    auto payload = payload_of(frame_goodbye(x), frame_type::goodbye);
    auto y = read_goodbye(payload.data(), payload.size());
    ASSERT_TRUE(y) << to_string(y.error());
    EXPECT_EQ(*y, x);
  }
  goodbye longest{goodbye_reason::shutdown,
                  std::string(max_goodbye_message_size, 'm')};
  auto payload = payload_of(frame_goodbye(longest), frame_type::goodbye);
  EXPECT_TRUE(read_goodbye(payload.data(), payload.size()));
}

TEST(FormatWireRoundTrip, FramesAppendToOneBuffer) {
  // The transport batches frames: every writer appends and a reader walks
  // the buffer header by header.
  bytes buf{0xaa};
  ASSERT_TRUE(write_hello(example_hello(), buf));
  ASSERT_TRUE(write_data_frame(example_data(), buf));
  ASSERT_TRUE(write_heartbeat({3}, buf));
  ASSERT_TRUE(write_goodbye({goodbye_reason::shutdown, ""}, buf));
  std::vector<frame_type> seen;
  size_t pos = 1;
  while (pos < buf.size()) {
    frame_header hdr;
    ASSERT_EQ(parse_frame_header(buf.data() + pos, buf.size() - pos, hdr),
              header_status::ok);
    seen.push_back(hdr.type);
    pos += frame_header_size + hdr.payload_size;
  }
  EXPECT_EQ(pos, buf.size());
  EXPECT_EQ(seen, (std::vector<frame_type>{frame_type::hello, frame_type::data,
                                           frame_type::heartbeat,
                                           frame_type::goodbye}));
}

// -- golden bytes (docs/protocol.md, section 5) -------------------------------

TEST(FormatWireGolden, Hello) {
  EXPECT_EQ(hex(frame_hello(example_hello())), hex(from_hex(golden_hello)));
  auto frame = from_hex(golden_hello);
  auto y = read_hello(frame.data() + frame_header_size,
                      frame.size() - frame_header_size);
  ASSERT_TRUE(y) << to_string(y.error());
  EXPECT_EQ(*y, example_hello());
}

TEST(FormatWireGolden, DataFrame) {
  EXPECT_EQ(hex(frame_data(example_data())), hex(from_hex(golden_data)));
  auto targeted = example_data();
  targeted.targeted = true;
  auto frame = frame_data(targeted);
  EXPECT_EQ(frame[frame_header_size + data_flags_offset], 0x01);
}

TEST(FormatWireGolden, HeartbeatAndGoodbye) {
  EXPECT_EQ(hex(frame_heartbeat({0x0102})),
            "00 00 00 08 01 04 00 00 00 00 00 00 01 02");
  EXPECT_EQ(hex(frame_goodbye({goodbye_reason::duplicate, "dup"})),
            "00 00 00 05 01 05 01 03 64 75 70");
  EXPECT_EQ(hex(frame_filter(filter_update{{"/a"}})),
            "00 00 00 04 01 03 01 02 2f 61");
}

// -- malformed input ----------------------------------------------------------

TEST(FormatWireMalformed, EveryTruncationFails) {
  for (auto& s : samples()) {
    ASSERT_FALSE(s.parse(s.payload)) << s.name;
    for (size_t n = 0; n < s.payload.size(); ++n) {
      bytes cut(s.payload.begin(), s.payload.begin() + n);
      auto err = s.parse(cut);
      EXPECT_EQ(err.code(), ec::invalid_data) << s.name << " cut at " << n;
      EXPECT_FALSE(err.message().empty()) << s.name << " cut at " << n;
    }
  }
}

TEST(FormatWireMalformed, TrailingBytesFail) {
  for (auto& s : samples()) {
    auto longer = s.payload;
    longer.push_back(0);
    auto err = s.parse(longer);
    EXPECT_EQ(err.code(), ec::invalid_data) << s.name;
    EXPECT_NE(err.message().find("trailing"), std::string::npos)
      << s.name << ": " << err.message();
  }
}

TEST(FormatWireMalformed, WrongMagic) {
  auto payload = payload_of(frame_hello(example_hello()), frame_type::hello);
  for (size_t i = 0; i < 4; ++i) {
    auto bad = payload;
    bad[i] ^= 0x20;
    auto res = read_hello(bad.data(), bad.size());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code(), ec::invalid_data);
    EXPECT_NE(res.error().message().find("not a broker peer"),
              std::string::npos);
  }
  auto http = from_hex("47 45 54 20 2f 20 48 54 54 50"); // "GET / HTTP"
  auto res = read_hello(http.data(), http.size());
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message().find("not a broker peer"), std::string::npos);
}

TEST(FormatWireMalformed, WrongVersionIsIncompatible) {
  auto payload = payload_of(frame_hello(example_hello()), frame_type::hello);
  for (uint16_t v : {uint16_t{0}, uint16_t{2}, uint16_t{0x0100}}) {
    auto bad = payload;
    bad[4] = static_cast<uint8_t>(v >> 8);
    bad[5] = static_cast<uint8_t>(v);
    auto res = read_hello(bad.data(), bad.size());
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code(), ec::peer_incompatible);
    auto& msg = res.error().message();
    EXPECT_NE(msg.find("version " + std::to_string(v)), std::string::npos)
      << msg;
    EXPECT_NE(msg.find("version 1"), std::string::npos) << msg;
  }
  // A future version may change everything after the version field: the
  // mismatch is reported even if the rest is garbage or missing.
  auto future = from_hex("42 52 4b 52 00 02");
  auto res = read_hello(future.data(), future.size());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ec::peer_incompatible);
}

TEST(FormatWireMalformed, HugeCounts) {
  // Filter entry count of 2^60: rejected without reserving anything.
  auto payload = payload_of(frame_hello(example_hello()), frame_type::hello);
  bytes huge(payload.begin(), payload.begin() + hello_filter_offset);
  for (auto b : from_hex("80 80 80 80 80 80 80 80 10"))
    huge.push_back(b);
  auto res = read_hello(huge.data(), huge.size());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ec::invalid_data);
  EXPECT_NE(res.error().message().find("exceeds the limit"), std::string::npos);
  // A count within the limit but beyond the input.
  auto f = from_hex("ff 01 00"); // 255 entries, 1 byte left
  auto upd = read_filter_update(f.data(), f.size());
  ASSERT_FALSE(upd);
  EXPECT_NE(upd.error().message().find("remaining"), std::string::npos);
  // One entry more than the limit, with enough (empty) topics present.
  bytes over{0x81, 0x80, 0x04}; // 65537
  over.resize(over.size() + max_wire_filter_size + 1, 0);
  upd = read_filter_update(over.data(), over.size());
  ASSERT_FALSE(upd);
  EXPECT_NE(upd.error().message().find("limit"), std::string::npos);
  // Exactly the limit is fine.
  bytes at_limit{0x80, 0x80, 0x04}; // 65536
  at_limit.resize(at_limit.size() + max_wire_filter_size, 0);
  EXPECT_TRUE(read_filter_update(at_limit.data(), at_limit.size()));
}

TEST(FormatWireMalformed, OversizedStrings) {
  // A topic of 65536 bytes, all present.
  auto payload = payload_of(frame_data(example_data()), frame_type::data);
  bytes big(payload.begin(), payload.begin() + data_topic_offset);
  for (auto b : from_hex("80 80 04"))
    big.push_back(b);
  big.resize(big.size() + max_wire_topic_size + 1, 'x');
  big.push_back(0); // nil payload
  auto res = read_data_frame(big.data(), big.size());
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message().find("topic length 65536 exceeds the limit"),
            std::string::npos)
    << res.error().message();
  // A topic length of 2^63 in a filter.
  auto f = from_hex("01 80 80 80 80 80 80 80 80 80 01");
  auto upd = read_filter_update(f.data(), f.size());
  ASSERT_FALSE(upd);
  EXPECT_EQ(upd.error().code(), ec::invalid_data);
  // A goodbye message one byte over the limit.
  bytes bye{0x00, 0x81, 0x20}; // length 4097
  bye.resize(bye.size() + max_goodbye_message_size + 1, 'm');
  auto gb = read_goodbye(bye.data(), bye.size());
  ASSERT_FALSE(gb);
  EXPECT_NE(gb.error().message().find("limit"), std::string::npos);
  // A data payload claiming a vector of 2^32 - 1 elements (the largest
  // varbyte).
  bytes vec(payload.begin(), payload.begin() + data_topic_offset + 3);
  for (auto b : from_hex("0e ff ff ff ff 0f"))
    vec.push_back(b);
  res = read_data_frame(vec.data(), vec.size());
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ec::invalid_data);
}

TEST(FormatWireMalformed, InvalidFields) {
  // All-zero node id in a hello and in a data frame.
  auto h = payload_of(frame_hello(example_hello()), frame_type::hello);
  std::fill(h.begin() + 6, h.begin() + 26, 0);
  auto hres = read_hello(h.data(), h.size());
  ASSERT_FALSE(hres);
  EXPECT_NE(hres.error().message().find("node id"), std::string::npos);
  auto d = payload_of(frame_data(example_data()), frame_type::data);
  auto zero = d;
  std::fill(zero.begin(), zero.begin() + 20, 0);
  EXPECT_FALSE(read_data_frame(zero.data(), zero.size()));
  // Unknown flag bits.
  for (uint8_t flags : {0x02, 0x80, 0xff}) {
    auto bad = d;
    bad[data_flags_offset] = flags;
    auto res = read_data_frame(bad.data(), bad.size());
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().message().find("flags"), std::string::npos);
    EXPECT_NE(res.error().message().find("data frame"), std::string::npos);
  }
  // Invalid data payload (bad tag).
  auto bad_tag = d;
  bad_tag[data_topic_offset + 3] = 0x0f;
  EXPECT_FALSE(read_data_frame(bad_tag.data(), bad_tag.size()));
  // Missing data payload.
  bytes no_payload(d.begin(), d.begin() + data_topic_offset + 3);
  EXPECT_FALSE(read_data_frame(no_payload.data(), no_payload.size()));
  // Unknown goodbye reason.
  bytes bye{max_goodbye_reason + 1, 0x00};
  auto gb = read_goodbye(bye.data(), bye.size());
  ASSERT_FALSE(gb);
  EXPECT_NE(gb.error().message().find("reason"), std::string::npos);
  // Non-canonical varint for a topic length.
  auto f = from_hex("01 80 00");
  EXPECT_FALSE(read_filter_update(f.data(), f.size()));
  // Empty payloads.
  EXPECT_FALSE(read_hello(nullptr, 0));
  EXPECT_FALSE(read_data_frame(nullptr, 0));
  EXPECT_FALSE(read_heartbeat(nullptr, 0));
  EXPECT_FALSE(read_goodbye(nullptr, 0));
  EXPECT_FALSE(read_filter_update(nullptr, 0));
}

// -- encoder refusals ---------------------------------------------------------

TEST(FormatWireEncoder, RefusesWhatDecodersReject) {
  bytes buf{1, 2, 3};
  const bytes before = buf;
  hello h = example_hello();
  h.id = node_id{};
  EXPECT_FALSE(write_hello(h, buf));
  h = example_hello();
  h.filter.emplace_back(std::string(max_wire_topic_size + 1, 'x'));
  EXPECT_FALSE(write_hello(h, buf));
  filter_update upd;
  upd.filter.resize(max_wire_filter_size + 1);
  EXPECT_FALSE(write_filter_update(upd, buf));
  auto d = example_data();
  d.origin = node_id{};
  EXPECT_FALSE(write_data_frame(d, buf));
  d = example_data();
  d.dst = std::string(max_wire_topic_size + 1, 't');
  EXPECT_FALSE(write_data_frame(d, buf));
  d = example_data();
  data deep = vector{};
  for (size_t i = 0; i < max_nesting_depth; ++i)
    deep = vector{deep};
  d.payload = deep;
  EXPECT_FALSE(write_data_frame(d, buf));
  EXPECT_FALSE(write_goodbye(
    {goodbye_reason::shutdown, std::string(max_goodbye_message_size + 1, 'm')},
    buf));
  EXPECT_FALSE(
    write_goodbye({static_cast<goodbye_reason>(max_goodbye_reason + 1), ""},
                  buf));
  EXPECT_STREQ(to_string(static_cast<goodbye_reason>(99)), "unknown");
  EXPECT_EQ(buf, before);
}

TEST(FormatWireEncoder, RefusesOversizedFrame) {
  bytes buf{9};
  auto d = example_data();
  d.payload = std::string(max_frame_payload, 'z');
  EXPECT_FALSE(write_data_frame(d, buf));
  EXPECT_EQ(buf, bytes{9});
}
