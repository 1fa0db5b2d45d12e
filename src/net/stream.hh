#pragma once

#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <system_error>

namespace broker::net {

/// A connected TCP socket, optionally wrapped in TLS. The connection code
/// reads and writes through this one interface and never needs to know
/// which of the two it has.
class stream {
public:
  using io_handler = std::function<void(std::error_code, size_t)>;
  using handshake_handler = std::function<void(std::error_code)>;

  /// Plain TCP.
  explicit stream(asio::ip::tcp::socket sock);

  /// TLS over `sock`; the handshake starts with `async_handshake`.
  stream(asio::ip::tcp::socket sock, asio::ssl::context& ctx);

  bool is_tls() const noexcept { return tls_ != nullptr; }

  asio::ip::tcp::socket& socket() noexcept;

  /// Completes at once for plain TCP.
  void async_handshake(bool as_server, handshake_handler handler);

  void async_read_some(asio::mutable_buffer buf, io_handler handler);

  /// Writes the whole buffer.
  void async_write(asio::const_buffer buf, io_handler handler);

  /// Writes what the socket takes right now without blocking; for a
  /// farewell frame right before `close`.
  void write_now(asio::const_buffer buf) noexcept;

  void close() noexcept;

private:
  using tls_stream = asio::ssl::stream<asio::ip::tcp::socket>;

  asio::ip::tcp::socket plain_;
  std::unique_ptr<tls_stream> tls_;
};

} // namespace broker::net
