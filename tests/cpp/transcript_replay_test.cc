// Replays the frames two real upstream nodes exchanged (Broker 2.8.0-dev,
// tests/zeekwire/transcripts/, one frame per line) through our decoders:
// every handshake frame decodes, every node message parses, every data
// payload decodes completely and re-encodes to the very same bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/handshake.hh"
#include "format/node_message.hh"
#include "hex_util.hh"

using namespace broker;
using namespace broker::format;
using broker::test::from_hex;

namespace {

struct frame_line {
  std::string direction;
  size_t length = 0;
  std::vector<uint8_t> body;
  std::string comment;
};

std::vector<frame_line> load(const std::string& name) {
  std::ifstream in{std::string{BROKER_TRANSCRIPT_DIR} + "/" + name};
  EXPECT_TRUE(in) << name;
  std::vector<frame_line> result;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields{line};
    frame_line x;
    std::string hex;
    fields >> x.direction >> x.length >> hex;
    x.body = from_hex(hex);
    auto hash = line.find('#');
    x.comment = hash == std::string::npos ? "" : line.substr(hash + 2);
    result.push_back(std::move(x));
  }
  return result;
}

bool is_handshake(const frame_line& x) {
  return !x.body.empty() && x.body[0] >= 6 && x.body[0] <= 12
         && x.body.size() < node_header_size;
}

/// Checks one node message; returns its type.
uint8_t replay_node(const frame_line& x) {
  node_view msg;
  EXPECT_TRUE(read_node_message(x.body.data(), x.body.size(), msg))
    << x.comment;
  EXPECT_GE(msg.type, 1);
  EXPECT_LE(msg.type, 5) << "upstream never sends other types";
  EXPECT_EQ(msg.ttl, 16) << "upstream always writes its default ttl";
  if (msg.type == static_cast<uint8_t>(msg_type::data)) {
    auto value = decode(msg.payload, msg.payload_size);
    EXPECT_TRUE(value) << x.comment << ": " << value.error().message();
    if (value) {
      std::vector<uint8_t> again;
      EXPECT_TRUE(encode(*value, again));
      EXPECT_EQ(again, std::vector<uint8_t>(msg.payload,
                                            msg.payload + msg.payload_size))
        << x.comment;
    }
  }
  if (msg.type == static_cast<uint8_t>(msg_type::routing_update)) {
    filter_type filter;
    EXPECT_TRUE(read_routing_update(msg, filter)) << x.comment;
    EXPECT_FALSE(filter.empty());
  }
  return msg.type;
}

void replay(const std::string& name, size_t min_data) {
  auto frames = load(name);
  ASSERT_FALSE(frames.empty());
  size_t handshakes = 0;
  size_t data_msgs = 0;
  for (auto& x : frames) {
    ASSERT_EQ(x.length, x.body.size()) << x.comment;
    if (is_handshake(x)) {
      handshake_failure fail;
      auto msg = read_handshake(x.body.data(), x.body.size(), fail);
      EXPECT_FALSE(std::holds_alternative<std::monostate>(msg))
        << x.comment << ": " << fail.text;
      ++handshakes;
      continue;
    }
    if (replay_node(x) == 1)
      ++data_msgs;
  }
  EXPECT_EQ(handshakes, 7u) << "probe, 2 hellos, version_select, syn, "
                               "syn_ack, ack";
  EXPECT_GE(data_msgs, min_data);
}

TEST(TranscriptReplay, DialerOriginates) {
  replay("pubsub-dialer-originates.txt", 26);
}

TEST(TranscriptReplay, ListenerOriginates) {
  auto frames = load("pubsub-listener-originates.txt");
  // The listener has the smaller id: it answers the hello with
  // version_select, and never sends a hello of its own.
  size_t hellos = 0;
  for (auto& x : frames)
    hellos += is_handshake(x) && x.body[0] == 6 ? 1 : 0;
  EXPECT_EQ(hellos, 1u);
  for (auto& x : frames)
    if (!is_handshake(x))
      replay_node(x);
}

TEST(TranscriptReplay, StoreTrafficParsesAsNodeMessages) {
  replay("store-master-on-listener.txt", 0);
}

TEST(TranscriptReplay, OurHandshakeMessagesMatchUpstreams) {
  // Re-encoding each decoded handshake message gives upstream's bytes.
  for (auto& x : load("pubsub-dialer-originates.txt")) {
    if (!is_handshake(x))
      continue;
    handshake_failure fail;
    auto msg = read_handshake(x.body.data(), x.body.size(), fail);
    std::vector<uint8_t> out;
    ASSERT_TRUE(write_handshake(msg, out)) << x.comment;
    ASSERT_EQ(out.size(), x.body.size() + 4) << x.comment;
    EXPECT_TRUE(std::equal(x.body.begin(), x.body.end(), out.begin() + 4))
      << x.comment;
  }
}

} // namespace
