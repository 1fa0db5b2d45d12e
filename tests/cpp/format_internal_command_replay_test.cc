// Replays the store traffic two real upstream nodes exchanged
// (tests/zeekwire/transcripts/store-master-on-listener.txt, scenario in
// tests/zeekwire/README.md / ZEEK-WIRE.md §6): every command payload decodes
// completely and re-encodes to the very same bytes, and the decoded commands
// tell the scenario the README describes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "format/internal_command.hh"
#include "format/node_message.hh"
#include "hex_util.hh"

using namespace broker;
using namespace broker::format;
using namespace std::literals;
using broker::test::from_hex;
using broker::test::hex;

namespace {

/// One command frame of the transcript, decoded.
struct command_frame {
  bool from_listener = false; // L->D: master to clone
  node_id envelope_receiver;
  std::string topic;
  internal_command cmd;
};

/// Decodes the payload of a type-2 node message and checks that it
/// re-encodes to the same bytes.
void replay_command(const node_view& msg, bool from_listener,
                    std::vector<command_frame>& out) {
  command_frame x{from_listener, msg.receiver, std::string{msg.topic}, {}};
  auto err = read_internal_command(msg.payload, msg.payload_size, x.cmd);
  ASSERT_FALSE(err) << err.message();
  std::vector<uint8_t> again;
  ASSERT_TRUE(write_internal_command(x.cmd, again));
  EXPECT_EQ(hex(again), hex(msg.payload, msg.payload_size))
    << content_name(x.cmd.content);
  out.push_back(std::move(x));
}

/// All command frames of the store transcript, in file order; `marked`
/// counts the lines whose comment calls them a command.
std::vector<command_frame> load_commands(size_t& marked) {
  std::ifstream in{std::string{BROKER_TRANSCRIPT_DIR}
                   + "/store-master-on-listener.txt"};
  EXPECT_TRUE(in);
  std::vector<command_frame> result;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields{line};
    std::string direction, body_hex;
    size_t length = 0;
    if (line.empty() || line[0] == '#' || !(fields >> direction >> length
                                            >> body_hex))
      continue;
    if (line.find("# command") != std::string::npos)
      ++marked;
    auto body = from_hex(body_hex);
    EXPECT_EQ(body.size(), length);
    node_view msg;
    if (body.size() < node_header_size
        || !read_node_message(body.data(), body.size(), msg) || msg.type != 2)
      continue; // handshake, routing update, ping or pong
    replay_command(msg, direction == "L->D", result);
  }
  return result;
}

template <class T>
std::vector<const command_frame*> all_of(const std::vector<command_frame>& xs,
                                         bool from_listener) {
  std::vector<const command_frame*> result;
  for (auto& x : xs)
    if (x.from_listener == from_listener
        && std::holds_alternative<T>(x.cmd.content))
      result.push_back(&x);
  return result;
}

/// The actions (command types 0-7) one side sent, in order.
std::vector<const command_frame*>
actions_of(const std::vector<command_frame>& xs, bool from_listener) {
  std::vector<const command_frame*> result;
  for (auto& x : xs)
    if (x.from_listener == from_listener && x.cmd.content.index() <= 7)
      result.push_back(&x);
  return result;
}

template <class T>
const T& as(const command_frame* x) {
  return std::get<T>(x->cmd.content);
}

class FormatInternalCommandReplay : public ::testing::Test {
protected:
  void SetUp() override {
    frames = load_commands(marked);
    ASSERT_FALSE(frames.empty());
    auto& first = frames.front();
    clone = first.cmd.sender; // the clone sends the first command
    ASSERT_TRUE(frames[1].from_listener);
    master = frames[1].cmd.sender;
  }

  std::vector<command_frame> frames;
  size_t marked = 0;
  entity_id master;
  entity_id clone;
};

TEST_F(FormatInternalCommandReplay, EveryPayloadRoundTrips) {
  // load_commands checked each one; none was skipped.
  EXPECT_EQ(frames.size(), marked);
  EXPECT_EQ(frames.size(), 46u);
}

TEST_F(FormatInternalCommandReplay, TopicsAndAddressing) {
  for (auto& x : frames) {
    std::string_view name;
    auto kind = classify_store_topic(x.topic, &name);
    EXPECT_EQ(name, "mystore");
    EXPECT_EQ(kind, x.from_listener ? store_topic_kind::clone
                                    : store_topic_kind::master);
    EXPECT_EQ(x.cmd.sender, x.from_listener ? master : clone);
    // A broadcast command travels by topic; a unicast envelope names the
    // command's receiver endpoint.
    if (x.cmd.receiver.is_nil() || x.envelope_receiver)
      EXPECT_EQ(x.envelope_receiver, x.cmd.receiver.endpoint)
        << content_name(x.cmd.content);
  }
}

TEST_F(FormatInternalCommandReplay, CloneAttaches) {
  auto& nack = frames[0];
  EXPECT_FALSE(nack.from_listener);
  EXPECT_EQ(nack.cmd.seq, 0u);
  EXPECT_TRUE(nack.cmd.receiver.is_nil());
  EXPECT_EQ(std::get<nack_command>(nack.cmd.content).seqs,
            std::vector<uint64_t>{0});
  auto& ack = frames[1];
  EXPECT_EQ(ack.cmd.seq, 1u);
  EXPECT_EQ(ack.cmd.receiver, clone);
  auto& content = std::get<ack_clone_command>(ack.cmd.content);
  EXPECT_EQ(content.offset, 1u);
  EXPECT_EQ(content.heartbeat_interval, 5u);
  EXPECT_TRUE(content.state.empty()) << "the master was still empty";
  auto writers = all_of<attach_writer_command>(frames, false);
  ASSERT_EQ(writers.size(), 1u);
  EXPECT_EQ(as<attach_writer_command>(writers[0]).offset, 1u);
  EXPECT_EQ(as<attach_writer_command>(writers[0]).heartbeat_interval, 5u);
  EXPECT_EQ(writers[0]->cmd.receiver, master);
}

TEST_F(FormatInternalCommandReplay, CloneWritesToTheMaster) {
  auto xs = actions_of(frames, false);
  ASSERT_EQ(xs.size(), 4u);
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_EQ(xs[i]->cmd.seq, i + 2) << "the writer's own channel";
    EXPECT_EQ(xs[i]->cmd.receiver, master);
  }
  auto& put = as<put_command>(xs[0]);
  EXPECT_EQ(put.key, data{"from-clone"s});
  EXPECT_EQ(put.value, data{"v"s});
  auto& unique = as<put_unique_command>(xs[1]);
  EXPECT_EQ(unique.key, data{"u"s});
  EXPECT_EQ(unique.value, data{integer{1}});
  auto& add = as<add_command>(xs[2]);
  EXPECT_EQ(add.key, data{"k"s});
  EXPECT_EQ(add.value, data{count{1}});
  EXPECT_EQ(add.init_type, wire_tag::count);
  EXPECT_EQ(as<erase_command>(xs[3]).key, data{"from-clone"s});
}

TEST_F(FormatInternalCommandReplay, MasterBroadcastsEveryChange) {
  auto xs = actions_of(frames, true);
  ASSERT_EQ(xs.size(), 9u);
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_EQ(xs[i]->cmd.seq, i + 2) << "the first event carries 2";
    EXPECT_TRUE(xs[i]->cmd.receiver.is_nil());
  }
  EXPECT_EQ(as<put_command>(xs[0]).key, data{"k"s});
  EXPECT_EQ(as<put_command>(xs[0]).value, data{count{42}});
  EXPECT_EQ(as<put_command>(xs[0]).publisher, master);
  EXPECT_EQ(as<put_command>(xs[1]).publisher, clone) << "relayed write";
  EXPECT_EQ(as<put_command>(xs[4]).key, data{"e"s});
  EXPECT_EQ(as<put_command>(xs[4]).expiry, timespan{300'000'000});
  EXPECT_EQ(as<put_command>(xs[5]).value, data{count{43}}) << "k + 1";
  EXPECT_EQ(as<erase_command>(xs[6]).key, data{"from-clone"s});
  EXPECT_EQ(as<expire_command>(xs[7]).key, data{"e"s});
  EXPECT_EQ(as<clear_command>(xs[8]).publisher, master);
}

TEST_F(FormatInternalCommandReplay, PutUniqueExchange) {
  auto request = as<put_unique_command>(actions_of(frames, false)[1]);
  auto xs = actions_of(frames, true);
  // The master answers with the put it performed, then the result.
  auto& put = as<put_command>(xs[2]);
  EXPECT_EQ(put.key, request.key);
  EXPECT_EQ(put.value, request.value);
  auto& result = as<put_unique_result_command>(xs[3]);
  EXPECT_TRUE(result.inserted);
  EXPECT_EQ(result.who, request.who);
  EXPECT_EQ(result.req_id, request.req_id);
}

TEST_F(FormatInternalCommandReplay, KeepalivesAndAcks) {
  for (bool from_listener : {true, false}) {
    auto alive = all_of<keepalive_command>(frames, from_listener);
    auto acks = all_of<cumulative_ack_command>(frames, from_listener);
    EXPECT_GE(alive.size(), 3u);
    EXPECT_GE(acks.size(), 3u);
    for (auto x : alive) {
      EXPECT_EQ(x->cmd.seq, 0u);
      EXPECT_TRUE(x->cmd.receiver.is_nil());
    }
    for (auto x : acks)
      EXPECT_EQ(x->cmd.receiver, from_listener ? clone : master);
  }
  // The clone acknowledges the master's last event, 10 (the clear).
  auto acks = all_of<cumulative_ack_command>(frames, false);
  EXPECT_EQ(as<cumulative_ack_command>(acks.back()).seq, 10u);
  auto alive = all_of<keepalive_command>(frames, true);
  EXPECT_EQ(as<keepalive_command>(alive.back()).seq, 10u);
}

} // namespace
