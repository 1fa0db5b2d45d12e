// Peering over TCP on loopback. Endpoints use TLS by default; the tests that
// speak the wire protocol from a raw socket turn it off (tls_test.cc covers
// TLS itself).
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include "broker/broker.hh"
#include "raw_v1_peer.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;

namespace {

status next_status(status_subscriber& ss) {
  return test::next_of<status>(ss);
}

error next_error(status_subscriber& ss) {
  return test::next_of<error>(ss);
}

/// Two endpoints of one process peer in memory even when they peer by
/// address; these tests want the TCP path.
configuration tcp_only() {
  configuration cfg;
  cfg.set("broker.in-process-shortcut", false);
  return cfg;
}

configuration plain_tcp() {
  auto cfg = tcp_only();
  cfg.options().disable_ssl = true;
  return cfg;
}

/// A loopback port nobody listens on (bound, then released).
uint16_t unused_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acc{io, {asio::ip::make_address("127.0.0.1"), 0}};
  return acc.local_endpoint().port();
}

} // namespace

TEST(Tcp, PeerPublishBothWays) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  auto ss_a = a.make_status_subscriber(true);
  auto ss_b = b.make_status_subscriber(true);
  auto sub_a = a.make_subscriber({"/a"});
  auto sub_b = b.make_subscriber({"/b"});
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_NE(port, 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  auto st_a = next_status(ss_a);
  auto st_b = next_status(ss_b);
  EXPECT_EQ(st_a.code(), sc::peer_added);
  EXPECT_EQ(st_b.code(), sc::peer_added);
  ASSERT_TRUE(st_a.context() && st_a.context()->network);
  EXPECT_EQ(st_a.context()->network->address, "127.0.0.1");
  EXPECT_EQ(st_a.context()->node, b.node_id());
  ASSERT_TRUE(st_b.context() && st_b.context()->network);
  EXPECT_EQ(st_b.context()->network->port, port);
  a.publish("/b/x", vector{1, "two", 3.0});
  b.publish("/a/y", set{1, 2, 3});
  auto at_b = sub_b.get(10s);
  auto at_a = sub_a.get(10s);
  ASSERT_TRUE(at_b && at_a);
  EXPECT_EQ(get_data(*at_b), (vector{1, "two", 3.0}));
  EXPECT_EQ(get_topic(*at_a), "/a/y");
  EXPECT_EQ(get_data(*at_a), (set{1, 2, 3}));
  ASSERT_EQ(b.peers().size(), 1u);
  EXPECT_TRUE(has_flag(b.peers()[0].flags, peer_flags::remote));
}

TEST(Tcp, UnavailablePeerWithoutRetry) {
  endpoint a{tcp_only()};
  auto ss = a.make_status_subscriber();
  EXPECT_FALSE(a.peer("127.0.0.1", unused_port(), 0s));
  auto err = next_error(ss);
  EXPECT_EQ(err.code(), ec::peer_unavailable);
  ASSERT_NE(err.context(), nullptr);
  EXPECT_FALSE(err.context()->node.valid());
}

TEST(Tcp, NosyncRetriesUntilTheListenerAppears) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  auto ss = b.make_status_subscriber(true);
  auto port = unused_port();
  b.peer_nosync("127.0.0.1", port, 1s);
  EXPECT_EQ(next_error(ss).code(), ec::peer_unavailable);
  ASSERT_EQ(a.listen("127.0.0.1", port), port);
  EXPECT_EQ(next_status(ss).code(), sc::peer_added);
}

TEST(Tcp, UnpeerAndPeerLost) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  auto ss_a = a.make_status_subscriber(true);
  auto ss_b = b.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  EXPECT_EQ(next_status(ss_a).code(), sc::peer_added);
  EXPECT_EQ(next_status(ss_b).code(), sc::peer_added);
  ASSERT_TRUE(b.unpeer("127.0.0.1", port));
  EXPECT_EQ(next_status(ss_b).code(), sc::peer_removed);
  EXPECT_EQ(next_status(ss_a).code(), sc::peer_lost);
  EXPECT_TRUE(eventually([&] { return a.peers().empty(); }));
  EXPECT_FALSE(b.unpeer("127.0.0.1", port));
  EXPECT_EQ(next_error(ss_b).code(), ec::peer_invalid);
}

TEST(Tcp, ShutdownOfPeerGivesPeerLost) {
  endpoint a{tcp_only()};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  {
    endpoint b{tcp_only()};
    ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
    EXPECT_EQ(next_status(ss).code(), sc::peer_added);
  }
  EXPECT_EQ(next_status(ss).code(), sc::peer_lost);
}

TEST(Tcp, StarFanOutSharesOneEncoding) {
  endpoint hub{tcp_only()};
  endpoint b{tcp_only()};
  endpoint c{tcp_only()};
  auto sub_b = b.make_subscriber({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  auto port = hub.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  ASSERT_TRUE(c.peer("127.0.0.1", port, 0s));
  ASSERT_TRUE(eventually([&] {
    return hub.peers().size() == 2 && hub.peer_subscriptions().size() == 1;
  }));
  std::vector<data_message> batch;
  for (int i = 0; i < 1000; ++i)
    batch.emplace_back(make_data_message("/t", vector{count(i), "x"}));
  hub.publish(std::move(batch));
  for (auto* sub : {&sub_b, &sub_c}) {
    auto got = sub->get(1000, 10s);
    ASSERT_EQ(got.size(), 1000u);
    for (int i = 0; i < 1000; ++i)
      ASSERT_EQ(get_data(got[i]), (data{vector{count(i), "x"}}));
  }
}

TEST(Tcp, ChainForwardsOverTcp) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  endpoint c{tcp_only()};
  b.forward({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  auto port_b = b.listen("127.0.0.1", 0);
  auto port_c = c.listen("127.0.0.1", 0);
  ASSERT_TRUE(a.peer("127.0.0.1", port_b, 0s));
  ASSERT_TRUE(b.peer("127.0.0.1", port_c, 0s));
  ASSERT_TRUE(eventually([&] { return a.peer_subscriptions().size() == 1; }));
  for (int i = 0; i < 1000; ++i)
    a.publish("/t", data{i});
  auto got = sub_c.get(1000, 10s);
  ASSERT_EQ(got.size(), 1000u);
  EXPECT_EQ(get_data(got[999]), data{999});
}

TEST(Tcp, GarbageOnTheListeningPortDropsOnlyThatConnection) {
  endpoint a{plain_tcp()};
  endpoint b{plain_tcp()};
  auto sub_a = a.make_subscriber({"/t"});
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  {
    asio::io_context io;
    asio::ip::tcp::socket sock{io};
    sock.connect({asio::ip::make_address("127.0.0.1"), port});
    std::string junk(4096, '\xff');
    asio::write(sock, asio::buffer(junk));
    // Junk fails the frame header check: a foreign version byte reads as
    // an incompatible peer, anything else as invalid data.
    auto code = next_error(ss).code();
    EXPECT_TRUE(code == ec::invalid_data || code == ec::peer_incompatible)
      << to_string(code);
  }
  b.publish("/t", data{42});
  auto msg = sub_a.get(10s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{42});
}

TEST(Tcp, UnpeerByEndpointClosesTheConnection) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  auto ss_a = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  EXPECT_EQ(next_status(ss_a).code(), sc::peer_added);
  ASSERT_TRUE(b.unpeer(a));
  EXPECT_EQ(next_status(ss_a).code(), sc::peer_lost);
}

TEST(Tcp, PeerThatStopsReadingIsDisconnectedAtTheBufferBound) {
  auto cfg = plain_tcp();
  cfg.set("broker.peer-buffer-size", count{5000});
  endpoint a{std::move(cfg)};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  // A peer that says hello, subscribes to everything, and never reads.
  test::raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake({"/t"}));
  ASSERT_TRUE(peer.answer_probe());
  EXPECT_EQ(next_status(ss).code(), sc::peer_added);
  const std::string payload(1024, 'x');
  bool overflowed = false;
  // Bounded: 100 MB at most; the socket buffers hold a few MB.
  size_t published = 0;
  for (int chunk = 0; chunk < 200 && !overflowed; ++chunk) {
    for (int i = 0; i < 500; ++i, ++published)
      a.publish("/t", payload);
    for (auto& x : ss.poll())
      if (auto err = get_if<error>(&x))
        overflowed = err->message().find("peer buffer full")
                     != std::string::npos;
  }
  if (!overflowed) {
    auto err = next_error(ss);
    overflowed = err.message().find("peer buffer full") != std::string::npos;
  }
  EXPECT_TRUE(overflowed);
  // More than the bound went out before the overflow: the socket buffers
  // took their share first.
  EXPECT_GT(published, 5000u);
  EXPECT_TRUE(eventually([&] { return a.peers().empty(); }));
}

// -- the same-process shortcut -------------------------------------------------

namespace {

/// A message the wire cannot carry (topics are limited to 65,535 bytes), so
/// it arrives only if the peering runs in memory.
std::string unencodable_topic() {
  return "/big/" + std::string(70'000, 'x');
}

} // namespace

TEST(TcpShortcut, PeeringByAddressInOneProcessRunsInMemory) {
  endpoint a;
  endpoint b;
  auto ss_a = a.make_status_subscriber(true);
  auto ss_b = b.make_status_subscriber(true);
  auto sub_a = a.make_subscriber({"/big"});
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  auto st_a = next_status(ss_a);
  auto st_b = next_status(ss_b);
  EXPECT_EQ(st_a.code(), sc::peer_added);
  EXPECT_EQ(st_b.code(), sc::peer_added);
  ASSERT_NE(st_b.context(), nullptr);
  ASSERT_TRUE(st_b.context()->network);
  EXPECT_EQ(st_b.context()->network->port, port);
  ASSERT_NE(st_a.context(), nullptr);
  EXPECT_TRUE(st_a.context()->network);
  ASSERT_EQ(b.peers().size(), 1u);
  EXPECT_TRUE(has_flag(b.peers()[0].flags, peer_flags::remote));
  ASSERT_TRUE(eventually([&] { return !b.peer_subscriptions().empty(); }));
  b.publish(unencodable_topic(), data{1});
  auto msg = sub_a.get(10s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_topic(*msg).string(), unencodable_topic());
  // Unpeering by address works as for a TCP peer.
  EXPECT_TRUE(b.unpeer("127.0.0.1", port));
  EXPECT_EQ(next_status(ss_b).code(), sc::peer_removed);
  EXPECT_EQ(next_status(ss_a).code(), sc::peer_lost);
}

TEST(TcpShortcut, NeedsBothSides) {
  endpoint a{tcp_only()};
  endpoint b;
  auto ss_b = b.make_status_subscriber();
  auto sub_a = a.make_subscriber({"/big"});
  auto sub_a2 = a.make_subscriber({"/small"});
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  ASSERT_TRUE(eventually([&] { return b.peer_subscriptions().size() == 2; }));
  b.publish(unencodable_topic(), data{1});
  b.publish("/small", data{2});
  auto msg = sub_a2.get(10s);
  ASSERT_TRUE(msg);
  // Over TCP the unencodable message could not go out, and b says so.
  EXPECT_TRUE(sub_a.poll().empty());
  EXPECT_EQ(next_error(ss_b).code(), ec::invalid_data);
}

TEST(TcpShortcut, SimultaneousDialInOneProcess) {
  endpoint a;
  endpoint b;
  auto sub_b = b.make_subscriber({"/b"});
  auto port_a = a.listen("127.0.0.1", 0);
  auto port_b = b.listen("127.0.0.1", 0);
  a.peer_nosync("127.0.0.1", port_b, 0s);
  b.peer_nosync("127.0.0.1", port_a, 0s);
  ASSERT_TRUE(eventually([&] {
    return a.peers().size() == 1 && b.peers().size() == 1
           && !a.peer_subscriptions().empty();
  }));
  a.publish("/b", data{1});
  auto msg = sub_b.get(10s);
  ASSERT_TRUE(msg);
  EXPECT_TRUE(sub_b.poll().empty());
}
