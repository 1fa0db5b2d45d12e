#include "net/stream.hh"

#include <asio/post.hpp>
#include <asio/write.hpp>

namespace broker::net {

stream::stream(asio::ip::tcp::socket sock) : plain_(std::move(sock)) {}

stream::stream(asio::ip::tcp::socket sock, asio::ssl::context& ctx)
  : plain_(sock.get_executor()),
    tls_(std::make_unique<tls_stream>(std::move(sock), ctx)) {
  // asio turns on SSL_MODE_RELEASE_BUFFERS for every stream: OpenSSL then
  // frees (and zeroes) its ~17 KB record buffers whenever they run empty and
  // allocates them again for the next record, i.e. once or twice per message
  // on a connection carrying one message at a time. Keeping them costs ~34 KB
  // per TLS peer and saves that churn (bench/RESULTS.md, "TLS round trip").
  SSL_clear_mode(tls_->native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

asio::ip::tcp::socket& stream::socket() noexcept {
  return tls_ ? tls_->next_layer() : plain_;
}

void stream::async_handshake(bool as_server, handshake_handler handler) {
  if (!tls_) {
    asio::post(plain_.get_executor(),
               [h = std::move(handler)] { h(std::error_code{}); });
    return;
  }
  tls_->async_handshake(as_server ? asio::ssl::stream_base::server
                                  : asio::ssl::stream_base::client,
                        std::move(handler));
}

void stream::async_read_some(asio::mutable_buffer buf, io_handler handler) {
  if (tls_)
    tls_->async_read_some(buf, std::move(handler));
  else
    plain_.async_read_some(buf, std::move(handler));
}

void stream::async_write(asio::const_buffer buf, io_handler handler) {
  if (tls_)
    asio::async_write(*tls_, buf, std::move(handler));
  else
    asio::async_write(plain_, buf, std::move(handler));
}

void stream::write_now(asio::const_buffer buf) noexcept {
  std::error_code ec;
  socket().non_blocking(true, ec);
  if (tls_)
    asio::write(*tls_, buf, ec);
  else
    asio::write(plain_, buf, ec);
}

void stream::close() noexcept {
  std::error_code ec;
  auto& sock = socket();
  sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  sock.close(ec);
}

} // namespace broker::net
