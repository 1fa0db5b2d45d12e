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
#include "broker/topic.hh"
#include "core/envelope.hh"
#include "format/wire.hh"
#include "net/stream.hh"

namespace broker::net {

/// Deadlines of a connection (docs/protocol.md §5.7, docs/configuration.md).
struct connection_timing {
  /// From connect to the peer's hello (TLS handshake included).
  std::chrono::milliseconds handshake_timeout{10'000};
  /// A heartbeat goes out after this long without sending anything.
  std::chrono::milliseconds heartbeat_interval{1'000};
  /// An established peer that sends nothing for this long is dropped;
  /// zero disables the check.
  std::chrono::milliseconds peer_timeout{10'000};
};

/// One connection to a peer over TCP or TLS. It lives on its endpoint's
/// io_context, so every member runs on the core thread and every callback
/// fires there. Reads parse as many frames as arrived; writes go out in
/// batches: frames queue in one buffer while the previous one is written.
class connection : public std::enable_shared_from_this<connection> {
public:
  struct callbacks {
    std::function<void(connection&, format::hello&&)> on_hello;
    std::function<void(connection&, detail::envelope&&)> on_data;
    std::function<void(connection&, filter_type&&)> on_filter;
    /// Called after a batch of incoming frames was handled.
    std::function<void(connection&)> on_batch_done;
    /// The connection is gone; `err` is empty for a received goodbye
    /// (see `goodbye_received`).
    std::function<void(connection&, const error& err)> on_closed;
  };

  connection(stream s, callbacks cbs, connection_timing timing);

  /// Runs the TLS handshake (if any), then sends our hello and reads.
  void start(const format::hello& mine, bool inbound);

  /// Queues a data frame; false if the message exceeds the wire format's
  /// limits. Call `flush()` after a batch: one write carries all of it.
  bool send_data(const detail::envelope& env);

  /// Queues an already encoded data frame (see `send_data`).
  void send_encoded(const uint8_t* frame, size_t size);

  /// Starts writing what is queued unless a write is in progress (whose
  /// completion writes the rest).
  void flush();

  /// Removes up to `n` of the oldest queued data frames that are not being
  /// written yet (the `drop_oldest` policy); returns how many it removed.
  size_t drop_queued_data(size_t n);

  void send_filter(const filter_type& filter);

  /// Sends a goodbye (best effort) and closes; no callbacks fire afterwards.
  void close(format::goodbye_reason reason, std::string message);

  /// Sends a goodbye and nothing after it, but keeps reading until the peer
  /// closes: frames it sent before seeing the goodbye still arrive.
  void retire(format::goodbye_reason reason, std::string message);

  bool closed() const noexcept { return closed_; }

  /// The reason of the goodbye that ended the connection, if one arrived.
  std::optional<format::goodbye_reason> goodbye_received() const noexcept {
    return goodbye_;
  }

  /// Data frames waiting behind the write in progress (the peer buffer
  /// bound applies to these; the write in progress holds at most as many
  /// again).
  size_t waiting_messages() const noexcept { return out_msgs_; }

  /// Sets the peer's address if the socket could not tell (it was reset).
  void remember_remote(const asio::ip::tcp::endpoint& ep);

  const std::string& remote_address() const noexcept { return address_; }

  uint16_t remote_port() const noexcept { return port_; }

  const std::string& local_address() const noexcept { return local_address_; }

  uint16_t local_port() const noexcept { return local_port_; }

private:
  using clock = std::chrono::steady_clock;

  void begin_peering(const format::hello& mine);
  void read_some();
  void handle_input();
  bool handle_frame(format::frame_type type, const uint8_t* payload,
                    size_t size);
  bool handle_data(const uint8_t* payload, size_t size);
  void schedule_tick();
  void tick();
  void fail(error err, std::optional<format::goodbye_reason> bye = {});
  void shut();

  stream stream_;
  callbacks cbs_;
  connection_timing timing_;
  asio::steady_timer ticker_;
  std::string address_;
  uint16_t port_ = 0;
  std::string local_address_;
  uint16_t local_port_ = 0;
  std::vector<uint8_t> in_;
  size_t in_used_ = 0;
  std::vector<uint8_t> out_;
  /// Where each data frame in `out_` starts and how long it is.
  std::vector<std::pair<size_t, size_t>> out_data_;
  std::vector<uint8_t> writing_;
  size_t out_msgs_ = 0;
  clock::time_point started_;
  clock::time_point last_rx_;
  clock::time_point last_tx_;
  uint64_t heartbeats_ = 0;
  std::optional<format::goodbye_reason> goodbye_;
  bool got_hello_ = false;
  bool closed_ = false;
  bool retired_ = false;
};

} // namespace broker::net
