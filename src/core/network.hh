#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "broker/configuration.hh"
#include "broker/endpoint_info.hh"
#include "broker/network_info.hh"

namespace asio::ssl {
class context;
} // namespace asio::ssl

namespace broker::detail {

class connections;
class core;
class router;

/// Where TCP connections come from (core thread only): the listening
/// socket, dialling with retries and redialling a lost peer, and the TLS
/// context both use. Each new socket goes to `connections`.
class network {
public:
  network(core& owner, asio::io_context& io, const configuration& cfg,
          router& routes, connections& conns);

  ~network();

  /// Listens for peers; returns the bound port or 0 (with an error status).
  uint16_t listen(const std::string& address, uint16_t port);

  /// Dials `where`; answers `done` (if any) once the peering is ready or,
  /// without retries, once the attempt failed.
  void dial(network_info where, std::shared_ptr<std::promise<bool>> done);

  /// Reports a failed attempt and retries after `where.retry` if set.
  void connect_failed(const network_info& where, const std::string& why,
                      std::shared_ptr<std::promise<bool>> done);

  /// Dials `where` again after its retry interval (a lost peer).
  void redial_after(const network_info& where);

  /// Stops listening (shutdown, core thread).
  void stop();

  /// Drops the listening socket (after the core thread is gone).
  void clear();

private:
  void accept_next();
  /// Our TLS context, made on first use; null (after an error status) if
  /// the settings are wrong.
  std::shared_ptr<asio::ssl::context> tls_context(const endpoint_info& ctx);

  core& owner_;
  asio::io_context& io_;
  const configuration& cfg_;
  router& routes_;
  connections& conns_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  /// Created on first use unless `disable_ssl`.
  std::shared_ptr<asio::ssl::context> tls_;
};

} // namespace broker::detail
