#pragma once

// A peer played by a test: a plain TCP socket that speaks Broker's native
// protocol v1 by hand (through our codec), for the behavioural tests of
// connections. Interoperability with upstream is checked independently by
// tests/zeekwire (a peer written from the specification alone).

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <optional>
#include <variant>
#include <vector>

#include "broker/node_id.hh"
#include "broker/topic.hh"
#include "format/frame.hh"
#include "format/handshake.hh"
#include "format/node_message.hh"
#include "format/peer_extensions.hh"

namespace broker::test {

class raw_v1_peer {
public:
  /// Connects to `port` on loopback; reads give up after `timeout_s`.
  explicit raw_v1_peer(uint16_t port, node_id id = node_id::random(),
                       int timeout_s = 10)
    : sock_(io_), id_(id) {
    sock_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{timeout_s, 0};
    setsockopt(sock_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv,
               sizeof(tv));
  }

  const node_id& id() const noexcept { return id_; }

  const node_id& peer_id() const noexcept { return peer_; }

  /// The filter the endpoint sent during the handshake.
  const filter_type& peer_filter() const noexcept { return peer_filter_; }

  void send(const std::vector<uint8_t>& bytes) {
    asio::write(sock_, asio::buffer(bytes));
  }

  /// The next frame body, or nothing once the connection is closed.
  std::optional<std::vector<uint8_t>> next_frame() {
    uint8_t prefix[format::frame_prefix_size];
    std::error_code ec;
    asio::read(sock_, asio::buffer(prefix), ec);
    if (ec)
      return std::nullopt;
    uint32_t size = (uint32_t{prefix[0]} << 24) | (uint32_t{prefix[1]} << 16)
                    | (uint32_t{prefix[2]} << 8) | prefix[3];
    std::vector<uint8_t> body(size);
    asio::read(sock_, asio::buffer(body), ec);
    if (ec)
      return std::nullopt;
    return body;
  }

  /// The next handshake message (monostate once closed or undecodable).
  format::handshake_msg next_handshake() {
    auto body = next_frame();
    if (!body)
      return {};
    format::handshake_failure fail;
    return format::read_handshake(body->data(), body->size(), fail);
  }

  /// Sends `frame` (a whole handshake frame) and returns the drop_conn the
  /// endpoint answers with, skipping its probe; nothing if it answers
  /// anything else or closes.
  std::optional<format::drop_conn_msg> expect_drop(
    const std::vector<uint8_t>& frame) {
    send(frame);
    format::handshake_msg msg;
    do {
      msg = next_handshake();
    } while (std::holds_alternative<format::probe_msg>(msg));
    if (auto drop = std::get_if<format::drop_conn_msg>(&msg))
      return *drop;
    return std::nullopt;
  }

  /// Runs the v1 handshake as connector, in either id order. Returns true
  /// once the ack went out (connector = originator) or arrived.
  bool handshake(const filter_type& filter = {}) {
    std::vector<uint8_t> out;
    format::write_hello(format::hello_msg{id_}, out);
    send(out);
    for (;;) {
      auto msg = next_handshake();
      if (std::holds_alternative<format::probe_msg>(msg))
        continue;
      if (auto hello = std::get_if<format::hello_msg>(&msg))
        return originate(hello->sender, filter);
      if (auto vs = std::get_if<format::version_select_msg>(&msg))
        return respond(vs->sender, filter);
      return false;
    }
  }

  /// The next node message whose type is `type` (others are skipped; pings
  /// are answered). Nothing once the connection is closed.
  std::optional<std::vector<uint8_t>> await(uint8_t type) {
    while (auto body = next_frame()) {
      format::node_view msg;
      if (!format::read_node_message(body->data(), body->size(), msg))
        return std::nullopt;
      if (msg.type == static_cast<uint8_t>(format::msg_type::ping)
          && answer_pings_)
        pong(msg);
      if (msg.type == type)
        return body;
    }
    return std::nullopt;
  }

  /// Answers the endpoint's extension probe (and any ping before it), so
  /// that the endpoint reports the peering; the probe's payload tells
  /// whether the endpoint announced our extensions.
  bool answer_probe() {
    auto body = await(static_cast<uint8_t>(format::msg_type::ping));
    return body.has_value();
  }

  /// Stops answering pings (a peer that went quiet).
  void stop_answering() { answer_pings_ = false; }

  void send_node(uint8_t type, std::string_view topic,
                 const std::vector<uint8_t>& payload,
                 node_id receiver = {}) {
    std::vector<uint8_t> out;
    ASSERT_TRUE(format::write_node_message(out, id_, receiver, type, 16, topic,
                                           payload.data(), payload.size()));
    send(out);
  }

  /// True once the other side closed the connection.
  bool closed_by_peer() {
    while (next_frame()) {
    }
    return true;
  }

private:
  bool originate(const node_id& peer, const filter_type& filter) {
    peer_ = peer;
    std::vector<uint8_t> out;
    format::write_version_select(format::version_select_msg{id_}, out);
    format::write_originator_syn(filter, out);
    send(out);
    auto msg = next_handshake();
    auto ack = std::get_if<format::responder_syn_ack_msg>(&msg);
    if (!ack)
      return false;
    peer_filter_ = ack->filter;
    out.clear();
    format::write_originator_ack(out);
    send(out);
    return true;
  }

  bool respond(const node_id& peer, const filter_type& filter) {
    peer_ = peer;
    auto msg = next_handshake();
    auto syn = std::get_if<format::originator_syn_msg>(&msg);
    if (!syn)
      return false;
    peer_filter_ = syn->filter;
    std::vector<uint8_t> out;
    format::write_responder_syn_ack(filter, out);
    send(out);
    return std::holds_alternative<format::originator_ack_msg>(next_handshake());
  }

  void pong(const format::node_view& ping) {
    std::vector<uint8_t> out;
    format::write_ping(out, format::msg_type::pong, id_, ping.sender,
                       ping.payload, ping.payload_size);
    send(out);
  }

  asio::io_context io_;
  asio::ip::tcp::socket sock_;
  node_id id_;
  node_id peer_;
  filter_type peer_filter_;
  bool answer_pings_ = true;
};

} // namespace broker::test
