// WebSocket++ on the standalone asio the library uses (no Boost): the
// server runs on the io_context it is given, so requests are served on
// that thread, next to the state they report.
#ifndef ASIO_STANDALONE
#  define ASIO_STANDALONE
#endif
#ifndef _WEBSOCKETPP_CPP11_STL_
#  define _WEBSOCKETPP_CPP11_STL_
#endif

#include "metrics/http_server.hh"

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

namespace broker::detail::metrics {

namespace {

using server_type = websocketpp::server<websocketpp::config::asio>;

std::string path_of(const std::string& resource) {
  return resource.substr(0, resource.find('?'));
}

} // namespace

struct http_server::impl {
  explicit impl(handler h) : on_request(std::move(h)) {}

  void serve(websocketpp::connection_hdl hdl) {
    auto con = server.get_con_from_hdl(hdl);
    auto res = on_request(con->get_request().get_method(),
                          path_of(con->get_resource()));
    if (!res.content_type.empty())
      con->append_header("Content-Type", res.content_type);
    con->set_body(std::move(res.body));
    con->set_status(static_cast<websocketpp::http::status_code::value>(
      res.status));
  }

  handler on_request;
  server_type server;
  bool listening = false;
};

http_server::http_server(asio::io_context& io, handler h)
  : impl_(std::make_unique<impl>(std::move(h))) {
  auto& srv = impl_->server;
  // Our log reports what matters (the service logs bind errors itself).
  srv.clear_access_channels(websocketpp::log::alevel::all);
  srv.clear_error_channels(websocketpp::log::elevel::all);
  srv.init_asio(&io);
  // A restarted endpoint must not wait for TIME_WAIT to rebind its port;
  // a port with a live listener still fails on Linux.
  srv.set_reuse_addr(true);
  auto* self = impl_.get();
  srv.set_http_handler(
    [self](websocketpp::connection_hdl hdl) { self->serve(std::move(hdl)); });
}

http_server::~http_server() {
  stop();
}

expected<uint16_t> http_server::listen(const std::string& address,
                                       uint16_t port) {
  using asio::ip::tcp;
  std::error_code ec;
  auto addr = address.empty() ? asio::ip::address{asio::ip::address_v4::any()}
                              : asio::ip::make_address(address, ec);
  if (ec)
    return error{ec::invalid_data,
                 "invalid metrics address '" + address + "': " + ec.message()};
  auto& srv = impl_->server;
  srv.listen(tcp::endpoint{addr, port}, ec);
  if (!ec)
    srv.start_accept(ec);
  if (ec) {
    std::error_code ignored;
    srv.stop_listening(ignored);
    return error{ec::peer_unavailable,
                 "cannot serve metrics on " + address + ":"
                   + std::to_string(port) + ": " + ec.message()};
  }
  impl_->listening = true;
  auto bound = srv.get_local_endpoint(ec);
  return ec ? port : bound.port();
}

void http_server::stop() {
  if (!impl_->listening)
    return;
  impl_->listening = false;
  std::error_code ignored;
  impl_->server.stop_listening(ignored);
}

} // namespace broker::detail::metrics
