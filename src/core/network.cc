// Where TCP connections come from: the listening socket, dialling with
// retries, redialling a lost peer, and the TLS context they share. Each
// connected socket goes to `connections`, which takes it through the v1
// handshake; peering and unpeering happen there and in `peer_table`. Runs
// on the core thread: core::listen and core::peer_remote post to it.
#include "core/network.hh"

#include <asio/connect.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>

#include "core/connections.hh"
#include "core/core.hh"
#include "core/router.hh"
#include "data/log_format.hh"
#include "log/log.hh"
#include "net/tls_context.hh"

namespace broker::detail {

network::network(core& owner, asio::io_context& io, const configuration& cfg,
                 router& routes, connections& conns)
  : owner_(owner), io_(io), cfg_(cfg), routes_(routes), conns_(conns) {}

network::~network() = default;

std::shared_ptr<asio::ssl::context>
network::tls_context(const endpoint_info& ctx) {
  if (!tls_) {
    auto made = net::make_tls_context(net::tls_settings::from(cfg_));
    if (!made) {
      BROKER_ERROR("[{}] TLS is misconfigured: {}", owner_.log_name(),
                   made.error().message());
      routes_.emit(error{made.error().code(), ctx, made.error().message()});
      return nullptr;
    }
    tls_ = std::move(*made);
  }
  return tls_;
}

// -- listening -----------------------------------------------------------------

uint16_t network::listen(const std::string& address, uint16_t port) {
  std::error_code ec;
  auto addr = address.empty() ? asio::ip::address{asio::ip::address_v6::any()}
                              : asio::ip::make_address(address, ec);
  asio::ip::tcp::endpoint ep{addr, port};
  auto acc = std::make_unique<asio::ip::tcp::acceptor>(io_);
  if (!ec)
    acc->open(ep.protocol(), ec);
  if (!ec)
    acc->set_option(asio::ip::tcp::acceptor::reuse_address{true}, ec);
  if (!ec && addr.is_v6())
    acc->set_option(asio::ip::v6_only{false}, ec);
  if (!ec)
    acc->bind(ep, ec);
  if (!ec)
    acc->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    BROKER_ERROR("[{}] cannot listen on {}:{}: {}", owner_.log_name(),
                 address, port, ec.message());
    routes_.emit(error{ec::unspecified, "cannot listen on " + address + ":"
                                          + std::to_string(port) + ": "
                                          + ec.message()});
    return 0;
  }
  if (!cfg_.options().disable_ssl
      && !tls_context(endpoint_info{owner_.id(), network_info{address, port}}))
    return 0;
  acceptor_ = std::move(acc);
  accept_next();
  auto bound = acceptor_->local_endpoint().port();
  BROKER_INFO("[{}] listening on {}:{} ({})", owner_.log_name(),
              address.empty() ? "*" : address, bound,
              cfg_.options().disable_ssl ? "plain TCP" : "TLS");
  return bound;
}

void network::accept_next() {
  // The accept records the peer's address: a client that resets at once
  // has none to ask for afterwards, and its error must still name it.
  auto remote = std::make_shared<asio::ip::tcp::endpoint>();
  acceptor_->async_accept(*remote, [this, remote](std::error_code ec,
                                                  asio::ip::tcp::socket sock) {
    if (ec == asio::error::operation_aborted || owner_.is_shutdown()
        || !acceptor_)
      return;
    if (!ec) {
      BROKER_INFO("[{}] accepted a connection from {}:{}", owner_.log_name(),
                  remote->address().to_string(), remote->port());
      conns_.start(std::move(sock), tls_.get(), std::nullopt, nullptr,
                   *remote);
    } else {
      BROKER_WARNING("[{}] accepting a connection failed: {}",
                     owner_.log_name(), ec.message());
    }
    accept_next();
  });
}

void network::stop() {
  if (acceptor_) {
    std::error_code ec;
    acceptor_->close(ec);
  }
}

void network::clear() {
  acceptor_.reset();
}

// -- dialling ------------------------------------------------------------------

void network::dial(network_info where,
                   std::shared_ptr<std::promise<bool>> done) {
  if (owner_.is_shutdown()) {
    if (done)
      done->set_value(false);
    return;
  }
  if (!cfg_.options().disable_ssl && !tls_) {
    if (!tls_context(endpoint_info{node_id{}, where})) {
      connect_failed(where, "TLS is misconfigured", done);
      return;
    }
  }
  BROKER_INFO("[{}] dialling {}", owner_.log_name(), where);
  auto sock = std::make_shared<asio::ip::tcp::socket>(io_);
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
  resolver->async_resolve(
    where.address, std::to_string(where.port),
    [this, sock, resolver, where, done](std::error_code ec, auto results) {
      if (ec) {
        connect_failed(where, ec.message(), done);
        return;
      }
      asio::async_connect(*sock, results,
                          [this, sock, where, done](std::error_code ec,
                                                    const auto&) {
                            if (ec) {
                              connect_failed(where, ec.message(), done);
                              return;
                            }
                            BROKER_INFO("[{}] connected to {}",
                                        owner_.log_name(), where);
                            conns_.start(std::move(*sock), tls_.get(), where,
                                         done);
                          });
    });
}

void network::connect_failed(const network_info& where,
                             const std::string& why,
                             std::shared_ptr<std::promise<bool>> done) {
  if (owner_.is_shutdown()) {
    if (done)
      done->set_value(false);
    return;
  }
  routes_.emit(error{ec::peer_unavailable, endpoint_info{node_id{}, where},
                     "unable to connect to remote peer (" + why + ")"});
  if (log::enabled(log::level::info)) {
    if (where.retry.count() > 0)
      BROKER_INFO("[{}] cannot connect to {}: {}; retrying in {} s",
                  owner_.log_name(), where, why, where.retry.count());
    else
      BROKER_INFO("[{}] cannot connect to {}: {}; giving up",
                  owner_.log_name(), where, why);
  }
  if (where.retry.count() <= 0) {
    if (done)
      done->set_value(false);
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, where.retry);
  timer->async_wait([this, timer, where, done](std::error_code ec) {
    if (!ec && !owner_.is_shutdown())
      dial(where, done);
    else if (done)
      done->set_value(false);
  });
}

void network::redial_after(const network_info& where) {
  BROKER_INFO("[{}] redialling {} in {} s", owner_.log_name(), where,
              where.retry.count());
  auto timer = std::make_shared<asio::steady_timer>(io_, where.retry);
  timer->async_wait([this, timer, where](std::error_code ec) {
    if (!ec && !owner_.is_shutdown())
      dial(where, nullptr);
  });
}

} // namespace broker::detail
