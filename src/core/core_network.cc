// Peering over TCP: listening, dialling with retries, unpeering. Runs on the core thread; the public
// entry points post to it.
#include "core/core.hh"

#include <asio/connect.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/steady_timer.hpp>


#include "core/registry.hh"
#include "net/connection.hh"
#include "net/tls_context.hh"

#include <asio/ssl/context.hpp>

namespace broker::detail {


std::shared_ptr<asio::ssl::context>
core::tls_context(const endpoint_info& ctx) {
  if (!tls_) {
    auto made = net::make_tls_context(net::tls_settings::from(cfg_));
    if (!made) {
      emit(error{made.error().code(), ctx, made.error().message()});
      return nullptr;
    }
    tls_ = std::move(*made);
  }
  return tls_;
}

// -- listening -----------------------------------------------------------------

uint16_t core::listen(const std::string& address, uint16_t port) {
  auto result = call([this, address, port]() -> uint16_t {
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
      emit(error{ec::unspecified, "cannot listen on " + address + ":"
                                    + std::to_string(port) + ": "
                                    + ec.message()});
      return 0;
    }
    if (!cfg_.options().disable_ssl
        && !tls_context(endpoint_info{id_, network_info{address, port}}))
      return 0;
    acceptor_ = std::move(acc);
    accept_next();
    return acceptor_->local_endpoint().port();
  });
  return result.value_or(0);
}

void core::accept_next() {
  // The accept records the peer's address: a client that resets at once
  // has none to ask for afterwards, and its error must still name it.
  auto remote = std::make_shared<asio::ip::tcp::endpoint>();
  acceptor_->async_accept(*remote, [this, remote](std::error_code ec,
                                                  asio::ip::tcp::socket sock) {
    if (ec == asio::error::operation_aborted || stopped_ || !acceptor_)
      return;
    if (!ec)
      start_connection(std::move(sock), std::nullopt, nullptr, *remote);
    accept_next();
  });
}

// -- dialling ------------------------------------------------------------------

bool core::peer_remote(network_info where, bool wait) {
  if (stopped_)
    return false;
  auto done = std::make_shared<std::promise<bool>>();
  auto fut = done->get_future();
  post([this, where, done] { dial(where, done); });
  if (!wait)
    return true;
  // With retries this may wait forever (as upstream), but never past
  // shutdown, which abandons pending attempts without answering them.
  while (fut.wait_for(std::chrono::milliseconds{50})
         != std::future_status::ready)
    if (stopped_)
      return false;
  return fut.get();
}

void core::dial(network_info where, std::shared_ptr<std::promise<bool>> done) {
  if (stopped_) {
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
                            if (ec)
                              connect_failed(where, ec.message(), done);
                            else
                              start_connection(std::move(*sock), where, done);
                          });
    });
}

void core::connect_failed(const network_info& where, const std::string& why,
                          std::shared_ptr<std::promise<bool>> done) {
  if (stopped_) {
    if (done)
      done->set_value(false);
    return;
  }
  emit(error{ec::peer_unavailable, endpoint_info{node_id{}, where},
             "unable to connect to remote peer (" + why + ")"});
  if (where.retry.count() <= 0) {
    if (done)
      done->set_value(false);
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, where.retry);
  timer->async_wait([this, timer, where, done](std::error_code ec) {
    if (!ec && !stopped_)
      dial(where, done);
    else if (done)
      done->set_value(false);
  });
}

void core::redial_after(const network_info& where) {
  auto timer = std::make_shared<asio::steady_timer>(io_, where.retry);
  timer->async_wait([this, timer, where](std::error_code ec) {
    if (!ec && !stopped_)
      dial(where, nullptr);
  });
}

bool core::unpeer_remote(const std::string& address, uint16_t port) {
  auto result = call([this, address, port] {
    for (uint32_t slot = 0; slot < peers_.size(); ++slot) {
      auto& net = peers_[slot].info.network;
      if ((peers_[slot].conn || peers_[slot].remote) && net
          && net->address == address && net->port == port) {
        unpeer_slot(slot);
        return true;
      }
    }
    emit(error{ec::peer_invalid,
               endpoint_info{node_id{}, network_info{address, port}},
               "cannot unpeer from unknown peer"});
    return false;
  });
  return result.value_or(false);
}

} // namespace broker::detail
