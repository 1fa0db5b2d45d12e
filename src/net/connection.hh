#pragma once

#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/error.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"
#include "format/compact_message.hh"
#include "format/handshake.hh"
#include "format/node_message.hh"
#include "format/peer_extensions.hh"
#include "net/connection_stats.hh"
#include "net/envelope.hh"
#include "net/stream.hh"

namespace broker::net {

/// Deadlines of a connection (docs/protocol.md §8.3-§8.4,
/// docs/configuration.md).
struct connection_timing {
  /// From connect until the peering is ready: TLS, the v1 handshake and
  /// the extension probe.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// A ping goes out after this long without sending anything.
  std::chrono::milliseconds heartbeat_interval{1'000};
  /// A peer that sends nothing for this long is dropped; zero disables it.
  std::chrono::milliseconds peer_timeout{10'000};
  /// How long an orderly unpeer waits for the pong to its BYE ping.
  std::chrono::milliseconds bye_timeout{3'000};
  /// Routing updates a peer may send per second before it counts as
  /// flooding and is dropped; zero disables the check.
  uint32_t routing_update_limit = 1000;
};

/// Who we are on a connection.
struct local_identity {
  node_id id;
  /// Announced to peers of ours (peer_extensions).
  uint64_t process_token = 0;
  bool shortcut = false;
};

/// What the owner decides when a handshake wants to commit to a peer
/// (docs/protocol.md §5.3).
enum class commit_decision : uint8_t {
  proceed,
  redundant,     ///< drop_conn 39: we are peered or peering already
  responder_dup, ///< drop_conn 40 (the responder's answer to the same)
  shutting_down, ///< drop_conn 28
};

/// One connection to a peer over TCP or TLS, speaking Broker's native
/// protocol v1 (docs/protocol.md). It lives on its endpoint's io_context,
/// so every member runs on the core thread and every callback fires there.
/// Reads parse as many frames as arrived; writes go out in batches: frames
/// queue in one buffer while the previous one is written.
class connection : public std::enable_shared_from_this<connection> {
public:
  struct callbacks {
    /// A handshake is about to commit to `peer`; `originator` tells our
    /// role. Called at most once per connection.
    std::function<commit_decision(connection&, const node_id& peer,
                                  bool originator)>
      on_commit;
    /// Our filter as of now (for originator_syn / responder_syn_ack).
    std::function<filter_type()> current_filter;
    /// The v1 handshake finished: the peer's filter; node messages may flow
    /// from now on, and the extension probe runs.
    std::function<void(connection&, filter_type&&)> on_handshake;
    /// The extension probe finished: the peering is ready for data.
    std::function<void(connection&, const format::peer_extensions&)> on_ready;
    std::function<void(connection&, envelope&&)> on_data;
    std::function<void(connection&, filter_type&&)> on_filter;
    /// Called after a batch of incoming frames was handled.
    std::function<void(connection&)> on_batch_done;
    /// The connection is gone; `err` is empty after our own orderly
    /// goodbye (see `drop_received` for a peer's drop_conn).
    std::function<void(connection&, const error& err)> on_closed;
  };

  connection(stream s, callbacks cbs, connection_timing timing,
             local_identity me);

  /// Runs the TLS handshake (if any), then the v1 handshake as acceptor
  /// (`inbound`) or connector.
  void start(bool inbound);

  /// Queues a data message; false if it exceeds the wire format's limits.
  /// Call `flush()` after a batch: one write carries all of it.
  bool send_data(const envelope& env);

  /// Queues an already encoded data message (see `send_data`).
  void send_encoded(const uint8_t* frame, size_t size);

  /// Starts writing what is queued unless a write is in progress (whose
  /// completion writes the rest).
  void flush();

  /// Removes up to `n` of the oldest queued data messages that are not
  /// being written yet (the `drop_oldest` policy); returns how many.
  size_t drop_queued_data(size_t n);

  /// Removes queued data messages that are not being written yet, the
  /// newest (`newest`) or the oldest first, until at most `limit` bytes are
  /// queued or no data message is left; returns how many it removed.
  size_t trim_queued_data(size_t limit, bool newest);

  /// Bytes queued behind the write in progress.
  size_t queued_bytes() const noexcept { return out_.size(); }

  /// Sends a routing_update with our complete filter.
  void send_filter(const filter_type& filter);

  /// Orderly end (unpeer): a BYE ping, then close when its pong arrives or
  /// after `bye_timeout`. No data goes out after it; `on_closed` fires
  /// with an empty error.
  void say_goodbye();

  /// Closes at once (shutdown): a BYE ping if the socket takes it without
  /// waiting, then close. No callbacks fire afterwards.
  void close();

  bool closed() const noexcept { return closed_; }

  /// True once the v1 handshake finished.
  bool handshake_done() const noexcept;

  /// The peer's id once its hello or version_select named it.
  const node_id& peer_id() const noexcept { return peer_; }

  /// What the peer announced about itself (valid once ready).
  const format::peer_extensions& extensions() const noexcept { return ext_; }

  /// True once we write compact frames (the peer is ours): data for this
  /// peer must then be encoded with `format::write_compact_data`.
  bool compact_output() const noexcept { return compact_out_; }

  /// The code of a drop_conn the peer sent us, if one ended the connection.
  std::optional<format::drop_code> drop_received() const noexcept {
    return drop_received_;
  }

  /// True if the connection ended because we dialled ourselves.
  bool connected_to_self() const noexcept { return self_; }

  /// True if we ended the handshake with drop_conn 39: the peering exists
  /// on another connection.
  bool found_redundant() const noexcept { return redundant_; }

  /// The filter our originator_syn / responder_syn_ack carried.
  const filter_type& sent_filter() const noexcept { return sent_filter_; }

  /// Data messages waiting behind the write in progress (the peer buffer
  /// bound applies to these).
  size_t waiting_messages() const noexcept { return out_msgs_; }


  /// Sets the peer's address if the socket could not tell (it was reset).
  void remember_remote(const asio::ip::tcp::endpoint& ep);

  /// Bytes and control messages carried so far (docs/metrics.md).
  const connection_stats& stats() const noexcept { return stats_; }

  const std::string& remote_address() const noexcept { return address_; }
  uint16_t remote_port() const noexcept { return port_; }
  const std::string& local_address() const noexcept { return local_address_; }
  uint16_t local_port() const noexcept { return local_port_; }

private:
  /// Removes the data frames [first, last) of `out_data_` from `out_`.
  void erase_data_frames(size_t first, size_t last);

  using clock = std::chrono::steady_clock;

  enum class state : uint8_t;

  // Handshake (connection_handshake.cc).
  void begin_handshake(bool inbound);
  bool handle_handshake_frame(const uint8_t* body, size_t size);
  bool on_hello(const format::hello_msg& msg);
  bool on_version_select(const format::version_select_msg& msg);
  bool on_drop_conn(const format::drop_conn_msg& msg);
  bool commit(bool originator);
  bool send_syn_ack_filter(bool syn);
  void finish_handshake(filter_type&& filter);
  bool protocol_error(format::drop_code code, std::string text);

  // Node messages (connection.cc).
  bool handle_node_frame(const uint8_t* body, size_t size);
  bool handle_compact_frame(const uint8_t* body, size_t size);
  bool handle_node_message(const format::node_view& msg);
  bool handle_data(const format::node_view& msg);
  bool handle_command(const format::node_view& msg);
  bool write_command(const envelope& env);
  bool handle_compact_data(const uint8_t* body, size_t size);
  bool deliver(envelope& env, std::string_view topic,
               const uint8_t* payload, size_t size);
  void learned_extensions(const format::peer_extensions& theirs);
  void finish_control_frame(size_t start);
  bool handle_routing_update(const format::node_view& msg);
  bool handle_ping(const format::node_view& msg);
  bool handle_pong(const format::node_view& msg);
  void send_ping(format::msg_type type, const node_id& to,
                 const uint8_t* payload, size_t size);

  void read_some();
  void handle_input();
  void schedule_tick();
  void tick();
  bool check_deadlines(clock::time_point now);
  void fail(error err);
  void shut();

  stream stream_;
  callbacks cbs_;
  connection_timing timing_;
  local_identity me_;
  asio::steady_timer ticker_;
  std::string address_;
  uint16_t port_ = 0;
  std::string local_address_;
  uint16_t local_port_ = 0;
  state state_;
  node_id peer_;
  format::peer_extensions ext_;
  std::vector<uint8_t> probe_payload_;
  std::vector<uint8_t> bye_payload_;
  std::vector<uint8_t> in_;
  size_t in_used_ = 0;
  std::vector<uint8_t> out_;
  /// Where each data message in `out_` starts and how long it is.
  std::vector<std::pair<size_t, size_t>> out_data_;
  std::vector<uint8_t> writing_;
  size_t out_msgs_ = 0;
  clock::time_point started_;
  clock::time_point last_rx_;
  clock::time_point last_tx_;
  clock::time_point bye_sent_;
  uint64_t heartbeats_ = 0;
  clock::time_point updates_since_;
  uint32_t updates_ = 0;
  std::optional<format::drop_code> drop_received_;
  filter_type peer_filter_;
  filter_type sent_filter_;
  bool self_ = false;
  bool redundant_ = false;
  bool compact_out_ = false;
  bool compact_in_ = false;
  bool closed_ = false;
  connection_stats stats_;
};

} // namespace broker::net
