// Connection faults over plain TCP, driven from a raw socket that speaks
// v1 by hand: timeouts, heartbeats, drop_conn and closes on bad input,
// aborted handshakes, and two endpoints dialling each other at once.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <optional>

#include "broker/broker.hh"
#include "format/frame.hh"
#include "raw_v1_peer.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::raw_v1_peer;

namespace {

error next_error(status_subscriber& ss) {
  return test::next_of<error>(ss);
}

} // namespace

TEST(TcpFault, SilentClientIsDroppedAfterTheHandshakeTimeout) {
  endpoint a{test::plain_tcp({{"broker.handshake-timeout", "200ms"}})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer silent{port};
  EXPECT_EQ(next_error(ss).code(), ec::peer_timeout);
  EXPECT_TRUE(silent.closed_by_peer());
}

TEST(TcpFault, IdlePeeringCarriesHeartbeats) {
  endpoint a{test::plain_tcp({{"broker.heartbeat-interval", "50ms"}})};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake());
  ASSERT_TRUE(peer.answer_probe());
  // Heartbeats are v1 pings ("BRKH" + counter), which every peer answers.
  auto ping = peer.await(static_cast<uint8_t>(format::msg_type::ping));
  ASSERT_TRUE(ping);
  format::node_view msg;
  ASSERT_TRUE(format::read_node_message(ping->data(), ping->size(), msg));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(msg.payload), 4), "BRKH");
  EXPECT_EQ(msg.receiver, peer.id());
  EXPECT_EQ(msg.topic, "<$>");
}

TEST(TcpFault, HalfOpenPeerIsDetectedAndLost) {
  endpoint a{test::plain_tcp({{"broker.heartbeat-interval", "50ms"},
                    {"broker.peer-timeout", "300ms"}})};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer mute{port};
  ASSERT_TRUE(mute.handshake());
  ASSERT_TRUE(mute.answer_probe());
  EXPECT_EQ(test::next_of<status>(ss).code(), sc::peer_added);
  mute.stop_answering(); // ... and then nothing, like a host that vanished.
  EXPECT_TRUE(mute.closed_by_peer());
  EXPECT_EQ(next_error(ss).code(), ec::peer_timeout);
  EXPECT_TRUE(eventually([&] { return a.peers().empty(); }));
}

TEST(TcpFault, MalformedNodeMessageDropsTheConnection) {
  endpoint a{test::plain_tcp({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake());
  // A frame shorter than the 37-byte envelope.
  peer.send({0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03});
  EXPECT_TRUE(peer.closed_by_peer());
  EXPECT_EQ(next_error(ss).code(), ec::invalid_data);
}

TEST(TcpFault, UndecodableDataDropsTheConnection) {
  endpoint a{test::plain_tcp({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake());
  peer.send_node(1, "/t", {0x0f}); // tag 15 does not exist
  EXPECT_TRUE(peer.closed_by_peer());
  auto err = next_error(ss);
  EXPECT_EQ(err.code(), ec::invalid_data);
  EXPECT_NE(err.message().find("/t"), std::string::npos) << err.message();
}

TEST(TcpFault, UnsupportedVersionsGetDropConn2) {
  endpoint a{test::plain_tcp({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  std::vector<uint8_t> hello;
  format::write_hello(format::hello_msg{peer.id(), 200, 201}, hello);
  auto drop = peer.expect_drop(hello);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->code, format::drop_code::peer_incompatible);
  EXPECT_EQ(drop->description, "unsupported versions offered");
  EXPECT_TRUE(peer.closed_by_peer());
  EXPECT_EQ(next_error(ss).code(), ec::peer_incompatible);
}

TEST(TcpFault, WrongMagicGetsDropConn38) {
  endpoint a{test::plain_tcp({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  std::vector<uint8_t> hello;
  format::write_hello(format::hello_msg{peer.id()}, hello);
  hello[5] ^= 0xff; // first byte of the magic number
  auto drop = peer.expect_drop(hello);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->code, format::drop_code::wrong_magic_number);
  EXPECT_EQ(next_error(ss).code(), ec::invalid_data);
}

TEST(TcpFault, ConnectionClosedDuringTheHandshake) {
  asio::io_context io;
  asio::ip::tcp::acceptor acc{io, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = acc.local_endpoint().port();
  endpoint b{test::plain_tcp({})};
  auto ss = b.make_status_subscriber();
  std::thread closer{[&] {
    auto sock = acc.accept();
    sock.close();
  }};
  EXPECT_FALSE(b.peer("127.0.0.1", port, 0s));
  closer.join();
  bool aborted = false;
  for (int i = 0; i < 3 && !aborted; ++i)
    aborted = next_error(ss).code() == ec::peer_disconnect_during_handshake;
  EXPECT_TRUE(aborted);
}

TEST(TcpFault, SimultaneousDialEndsWithOneConnection) {
  for (int round = 0; round < 5; ++round) {
    endpoint a{test::plain_tcp({})};
    endpoint b{test::plain_tcp({})};
    auto ss_a = a.make_status_subscriber(true);
    auto sub_a = a.make_subscriber({"/a"});
    auto sub_b = b.make_subscriber({"/b"});
    auto port_a = a.listen("127.0.0.1", 0);
    auto port_b = b.listen("127.0.0.1", 0);
    a.peer_nosync("127.0.0.1", port_b, 0s);
    b.peer_nosync("127.0.0.1", port_a, 0s);
    ASSERT_TRUE(eventually([&] {
      return a.peers().size() == 1 && b.peers().size() == 1
             && !a.peer_subscriptions().empty()
             && !b.peer_subscriptions().empty();
    }));
    a.publish("/b", data{1});
    b.publish("/a", data{2});
    auto at_b = sub_b.get(10s);
    auto at_a = sub_a.get(10s);
    ASSERT_TRUE(at_a && at_b);
    EXPECT_EQ(get_data(*at_a), data{2});
    EXPECT_EQ(get_data(*at_b), data{1});
    // One peering: exactly one peer_added, nothing lost or removed.
    size_t added = 0;
    for (auto& x : ss_a.poll()) {
      auto st = get_if<status>(&x);
      ASSERT_TRUE(!st || st->code() == sc::peer_added) << to_string(*st);
      added += st ? 1 : 0;
    }
    EXPECT_EQ(added, 1u);
  }
}

TEST(TcpFault, RoutingUpdateFloodDropsThatPeerOnly) {
  endpoint a{test::plain_tcp({{"broker.routing-update-limit", count{50}}})};
  auto ss = a.make_status_subscriber();
  auto sub = a.make_subscriber({"/ok"});
  auto port = a.listen("127.0.0.1", 0);
  endpoint good{test::plain_tcp({})};
  ASSERT_TRUE(good.peer("127.0.0.1", port, 0s));
  raw_v1_peer flooder{port};
  ASSERT_TRUE(flooder.handshake());
  std::vector<uint8_t> filter{0x01, 0x02, '/', 'x'};
  // Well past the limit within far less than a second, in one write.
  std::vector<uint8_t> burst;
  for (int i = 0; i < 200; ++i)
    format::write_node_message(burst, flooder.id(), flooder.peer_id(), 3, 16,
                               "<$>", filter.data(), filter.size());
  flooder.send(burst);
  EXPECT_TRUE(flooder.closed_by_peer());
  auto err = next_error(ss);
  EXPECT_EQ(err.code(), ec::peer_invalid);
  EXPECT_NE(err.message().find("flood"), std::string::npos) << err.message();
  // The other peering is unaffected.
  ASSERT_TRUE(eventually([&] { return !good.peer_subscriptions().empty(); }));
  good.publish("/ok", data{42});
  auto msg = sub.get(10s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{42});
}

TEST(TcpFault, SecondConnectionWithTheSameIdIsRedundant) {
  endpoint a{test::plain_tcp({})};
  auto port = a.listen("127.0.0.1", 0);
  // The endpoint is the originator towards the largest id: drop_conn 39.
  auto largest = *to<node_id>(std::string{"ffffffff-ffff-4fff-bfff-ffffffffffff"});
  raw_v1_peer first{port, largest};
  ASSERT_TRUE(first.handshake());
  ASSERT_TRUE(first.answer_probe());
  raw_v1_peer second{port, largest};
  std::vector<uint8_t> hello;
  format::write_hello(format::hello_msg{largest}, hello);
  auto drop = second.expect_drop(hello);
  ASSERT_TRUE(drop);
  EXPECT_EQ(drop->code, format::drop_code::redundant_connection);
  EXPECT_EQ(a.peers().size(), 1u);
  // The first connection keeps working: a ping still gets its pong.
  first.send_node(4, "<$>", {'h', 'i'}, first.peer_id());
  EXPECT_TRUE(first.await(5));
}
