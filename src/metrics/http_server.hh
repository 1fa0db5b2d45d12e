#pragma once

#include <asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "broker/expected.hh"

namespace broker::detail::metrics {

/// What a handler answers to one request.
struct http_response {
  int status = 200;
  std::string content_type;
  std::string body;
};

/// A small HTTP server on someone else's io_context (the endpoint's core
/// thread): WebSocket++ parses the requests and writes the answers; we
/// only map a method and path to a response. Every member runs on the
/// io_context's thread, except that the destructor may run after that
/// thread is gone.
class http_server {
public:
  /// Answers a request for `path` (without the query string) made with
  /// `method`.
  using handler = std::function<http_response(const std::string& method,
                                              const std::string& path)>;

  http_server(asio::io_context& io, handler h);
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds `address` ("" = every IPv4 interface) and `port` (0 = any) and
  /// starts accepting; returns the bound port. Fails with `invalid_data`
  /// for a bad address and with `peer_unavailable` if the address cannot
  /// be bound (e.g. the port is in use), naming the cause.
  expected<uint16_t> listen(const std::string& address, uint16_t port);

  /// Stops accepting; requests in progress finish.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace broker::detail::metrics
