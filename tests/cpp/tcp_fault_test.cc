// Connection faults over plain TCP, driven from a raw socket that speaks the
// wire protocol by hand: timeouts, heartbeats, goodbyes on bad input,
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
#include "format/wire.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;

namespace {

configuration plain(std::initializer_list<std::pair<const char*, data>> kvs) {
  broker_options opts;
  opts.disable_ssl = true;
  configuration cfg{opts};
  cfg.set("broker.in-process-shortcut", false);
  for (auto& [key, value] : kvs)
    cfg.set(key, value);
  return cfg;
}

/// A peer played by the test: a plain TCP socket, frames written and read
/// by hand. Reads give up after 10 s.
class raw_peer {
public:
  explicit raw_peer(uint16_t port) : sock_(io_) {
    sock_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{10, 0};
    setsockopt(sock_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv,
               sizeof(tv));
  }

  void send(const std::vector<uint8_t>& bytes) {
    asio::write(sock_, asio::buffer(bytes));
  }

  void send_hello(std::vector<topic> filter = {}) {
    format::hello msg;
    msg.id = node_id::random();
    msg.filter = std::move(filter);
    std::vector<uint8_t> buf;
    ASSERT_TRUE(format::write_hello(msg, buf));
    send(buf);
  }

  /// The next frame, or nothing once the connection is closed.
  std::optional<std::pair<format::frame_type, std::vector<uint8_t>>>
  next_frame() {
    uint8_t hdr_bytes[format::frame_header_size];
    std::error_code ec;
    asio::read(sock_, asio::buffer(hdr_bytes), ec);
    if (ec)
      return std::nullopt;
    format::frame_header hdr;
    if (format::parse_frame_header(hdr_bytes, sizeof(hdr_bytes), hdr)
        != format::header_status::ok)
      return std::nullopt;
    std::vector<uint8_t> payload(hdr.payload_size);
    asio::read(sock_, asio::buffer(payload), ec);
    if (ec)
      return std::nullopt;
    return std::make_pair(hdr.type, std::move(payload));
  }

  /// Skips frames up to the next one of `type`.
  std::optional<std::vector<uint8_t>> await(format::frame_type type) {
    while (auto frame = next_frame())
      if (frame->first == type)
        return std::move(frame->second);
    return std::nullopt;
  }

  /// True once the other side closed the connection.
  bool closed_by_peer() {
    while (next_frame()) {
    }
    return true;
  }

private:
  asio::io_context io_;
  asio::ip::tcp::socket sock_;
};

error next_error(status_subscriber& ss) {
  return test::next_of<error>(ss);
}

format::goodbye_reason goodbye_reason_of(const std::vector<uint8_t>& bytes) {
  auto bye = format::read_goodbye(bytes.data(), bytes.size());
  EXPECT_TRUE(bye.has_value());
  return bye ? bye->reason : format::goodbye_reason::shutdown;
}

} // namespace

TEST(TcpFault, SilentClientIsDroppedAfterTheHandshakeTimeout) {
  endpoint a{plain({{"broker.handshake-timeout", "200ms"}})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_peer silent{port};
  EXPECT_EQ(next_error(ss).code(), ec::peer_timeout);
  EXPECT_TRUE(silent.closed_by_peer());
}

TEST(TcpFault, IdlePeeringCarriesHeartbeats) {
  endpoint a{plain({{"broker.heartbeat-interval", "50ms"}})};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  raw_peer peer{port};
  peer.send_hello();
  auto hb = peer.await(format::frame_type::heartbeat);
  ASSERT_TRUE(hb);
  auto msg = format::read_heartbeat(hb->data(), hb->size());
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->counter, 1u);
}

TEST(TcpFault, HalfOpenPeerIsDetectedAndLost) {
  endpoint a{plain({{"broker.heartbeat-interval", "50ms"},
                    {"broker.peer-timeout", "300ms"}})};
  auto ss = a.make_status_subscriber(true);
  auto port = a.listen("127.0.0.1", 0);
  raw_peer mute{port};
  mute.send_hello(); // ... and then nothing, like a host that vanished.
  auto bye = mute.await(format::frame_type::goodbye);
  ASSERT_TRUE(bye);
  EXPECT_EQ(goodbye_reason_of(*bye), format::goodbye_reason::timeout);
  EXPECT_EQ(next_error(ss).code(), ec::peer_timeout);
  EXPECT_TRUE(eventually([&] { return a.peers().empty(); }));
}

TEST(TcpFault, MalformedFrameGetsAProtocolErrorGoodbye) {
  endpoint a{plain({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_peer peer{port};
  peer.send_hello();
  // A header naming an unknown frame type.
  peer.send({0x00, 0x00, 0x00, 0x00, format::wire_version, 0x09});
  auto bye = peer.await(format::frame_type::goodbye);
  ASSERT_TRUE(bye);
  EXPECT_EQ(goodbye_reason_of(*bye), format::goodbye_reason::protocol_error);
  EXPECT_EQ(next_error(ss).code(), ec::invalid_data);
}

TEST(TcpFault, ForeignWireVersionGetsAnIncompatibleGoodbye) {
  endpoint a{plain({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_peer peer{port};
  std::vector<uint8_t> hello;
  format::hello msg;
  msg.id = node_id::random();
  ASSERT_TRUE(format::write_hello(msg, hello));
  hello[4] = format::wire_version + 1;
  peer.send(hello);
  auto bye = peer.await(format::frame_type::goodbye);
  ASSERT_TRUE(bye);
  EXPECT_EQ(goodbye_reason_of(*bye), format::goodbye_reason::incompatible);
  EXPECT_EQ(next_error(ss).code(), ec::peer_incompatible);
}

TEST(TcpFault, ForeignProtocolVersionIsIncompatible) {
  endpoint a{plain({})};
  auto ss = a.make_status_subscriber();
  auto port = a.listen("127.0.0.1", 0);
  raw_peer peer{port};
  std::vector<uint8_t> hello;
  format::hello msg;
  msg.id = node_id::random();
  ASSERT_TRUE(format::write_hello(msg, hello));
  hello[format::frame_header_size + 5] = 0x02; // protocol version 2
  peer.send(hello);
  auto bye = peer.await(format::frame_type::goodbye);
  ASSERT_TRUE(bye);
  EXPECT_EQ(goodbye_reason_of(*bye), format::goodbye_reason::incompatible);
  auto err = next_error(ss);
  EXPECT_EQ(err.code(), ec::peer_incompatible);
  EXPECT_NE(err.message().find("version 2"), std::string::npos)
    << err.message();
}

TEST(TcpFault, ConnectionClosedDuringTheHandshake) {
  asio::io_context io;
  asio::ip::tcp::acceptor acc{io, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = acc.local_endpoint().port();
  endpoint b{plain({})};
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
    endpoint a{plain({})};
    endpoint b{plain({})};
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
