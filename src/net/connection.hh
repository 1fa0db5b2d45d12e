#pragma once

#include <asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/error.hh"
#include "broker/topic.hh"
#include "core/envelope.hh"
#include "format/wire.hh"

namespace broker::net {

/// One TCP connection to a peer. It lives on its endpoint's io_context, so
/// every member runs on the core thread and every callback fires there.
/// Reads parse as many frames as arrived; writes go out in batches: frames
/// queue in one buffer while the previous buffer is being written.
class connection : public std::enable_shared_from_this<connection> {
public:
  struct callbacks {
    std::function<void(connection&, format::hello&&)> on_hello;
    std::function<void(connection&, detail::envelope&&)> on_data;
    std::function<void(connection&, filter_type&&)> on_filter;
    /// Called after a batch of incoming frames was handled.
    std::function<void(connection&)> on_batch_done;
    /// The connection is gone; `err` is empty for an orderly goodbye.
    std::function<void(connection&, const error& err)> on_closed;
  };

  connection(asio::ip::tcp::socket sock, callbacks cbs);

  /// Sends our hello and starts reading.
  void start(const format::hello& mine);

  void send_data(const detail::envelope& env);

  void send_filter(const filter_type& filter);

  /// Sends a goodbye (best effort) and closes; no callbacks fire afterwards.
  void close(format::goodbye_reason reason, std::string message);

  bool closed() const noexcept { return closed_; }

  /// Bytes queued but not yet written.
  size_t buffered() const noexcept { return out_.size() + writing_.size(); }

  /// Data frames queued but not yet written.
  size_t queued_messages() const noexcept {
    return out_msgs_ + writing_msgs_;
  }

  const std::string& remote_address() const noexcept { return address_; }

  uint16_t remote_port() const noexcept { return port_; }

private:
  void read_some();
  void handle_input();
  bool handle_frame(format::frame_type type, const uint8_t* payload,
                    size_t size);
  void flush();
  void fail(error err);
  void shut();

  asio::ip::tcp::socket sock_;
  callbacks cbs_;
  std::string address_;
  uint16_t port_ = 0;
  std::vector<uint8_t> in_;
  size_t in_used_ = 0;
  std::vector<uint8_t> out_;
  std::vector<uint8_t> writing_;
  size_t out_msgs_ = 0;
  size_t writing_msgs_ = 0;
  bool got_hello_ = false;
  bool closed_ = false;
};

} // namespace broker::net
