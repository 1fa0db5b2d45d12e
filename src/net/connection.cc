#include "net/connection.hh"

#include <asio/write.hpp>

#include <cstring>

namespace broker::net {

namespace {

constexpr size_t read_chunk = 64 * 1024;

} // namespace

connection::connection(asio::ip::tcp::socket sock, callbacks cbs)
  : sock_(std::move(sock)), cbs_(std::move(cbs)) {
  std::error_code ec;
  auto ep = sock_.remote_endpoint(ec);
  if (!ec) {
    address_ = ep.address().to_string();
    port_ = ep.port();
  }
  sock_.set_option(asio::ip::tcp::no_delay{true}, ec);
}

void connection::start(const format::hello& mine) {
  format::write_hello(mine, out_);
  flush();
  read_some();
}

void connection::send_data(const detail::envelope& env) {
  if (closed_)
    return;
  if (format::write_data_frame(env.origin, env.seq, env.ttl, env.targeted,
                               env.msg.get_topic(), env.msg.get_data(), out_))
    ++out_msgs_;
  flush();
}

void connection::send_filter(const filter_type& filter) {
  if (closed_)
    return;
  format::write_filter_update(format::filter_update{filter}, out_);
  flush();
}

void connection::close(format::goodbye_reason reason, std::string message) {
  if (closed_)
    return;
  closed_ = true;
  // Best effort: a goodbye that fits the socket buffer goes out at once.
  std::vector<uint8_t> bye;
  format::write_goodbye(format::goodbye{reason, std::move(message)}, bye);
  std::error_code ec;
  if (writing_.empty()) {
    out_.insert(out_.end(), bye.begin(), bye.end());
    // Never block here: a peer that stopped reading gets no goodbye.
    sock_.non_blocking(true, ec);
    asio::write(sock_, asio::buffer(out_), ec);
  }
  shut();
}

void connection::shut() {
  std::error_code ec;
  sock_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  sock_.close(ec);
}

void connection::flush() {
  if (!writing_.empty() || out_.empty() || closed_)
    return;
  writing_.swap(out_);
  writing_msgs_ = out_msgs_;
  out_msgs_ = 0;
  asio::async_write(sock_, asio::buffer(writing_),
                    [self = shared_from_this()](std::error_code ec, size_t) {
                      self->writing_.clear();
                      self->writing_msgs_ = 0;
                      if (self->closed_)
                        return;
                      if (ec) {
                        self->fail(error{ec::peer_unavailable,
                                         "write failed: " + ec.message()});
                        return;
                      }
                      self->flush();
                    });
}

void connection::read_some() {
  if (in_.size() - in_used_ < read_chunk)
    in_.resize(in_used_ + read_chunk);
  sock_.async_read_some(
    asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
    [self = shared_from_this()](std::error_code ec, size_t n) {
      if (self->closed_)
        return;
      if (ec) {
        self->fail(error{ec::peer_unavailable,
                         ec == asio::error::eof
                           ? "connection closed by peer"
                           : "read failed: " + ec.message()});
        return;
      }
      self->in_used_ += n;
      self->handle_input();
      if (!self->closed_)
        self->read_some();
    });
}

void connection::handle_input() {
  size_t pos = 0;
  while (!closed_) {
    format::frame_header hdr;
    error err;
    auto status = format::parse_frame_header(in_.data() + pos, in_used_ - pos,
                                             hdr, &err);
    if (status == format::header_status::invalid) {
      fail(err);
      return;
    }
    if (status == format::header_status::incomplete
        || in_used_ - pos < format::frame_header_size + hdr.payload_size)
      break;
    auto payload = in_.data() + pos + format::frame_header_size;
    pos += format::frame_header_size + hdr.payload_size;
    if (!handle_frame(hdr.type, payload, hdr.payload_size))
      return;
  }
  if (closed_)
    return;
  // Keep the partial frame at the front for the next read.
  std::memmove(in_.data(), in_.data() + pos, in_used_ - pos);
  in_used_ -= pos;
  if (cbs_.on_batch_done)
    cbs_.on_batch_done(*this);
}

bool connection::handle_frame(format::frame_type type, const uint8_t* payload,
                              size_t size) {
  using format::frame_type;
  if (!got_hello_ && type != frame_type::hello) {
    fail(error{ec::invalid_data, "expected a hello frame first"});
    return false;
  }
  switch (type) {
    case frame_type::hello: {
      auto msg = format::read_hello(payload, size);
      if (!msg || got_hello_) {
        fail(msg ? error{ec::invalid_data, "second hello"} : msg.error());
        return false;
      }
      got_hello_ = true;
      cbs_.on_hello(*this, std::move(*msg));
      return !closed_;
    }
    case frame_type::data: {
      auto msg = format::read_data_frame(payload, size);
      if (!msg) {
        fail(msg.error());
        return false;
      }
      cbs_.on_data(*this, detail::envelope{
                            data_message{std::move(msg->dst),
                                         std::move(msg->payload)},
                            msg->origin, msg->seq, msg->ttl, msg->targeted});
      return !closed_;
    }
    case frame_type::filter_update: {
      auto msg = format::read_filter_update(payload, size);
      if (!msg) {
        fail(msg.error());
        return false;
      }
      cbs_.on_filter(*this, std::move(msg->filter));
      return !closed_;
    }
    case frame_type::heartbeat:
      return true;
    case frame_type::goodbye:
      closed_ = true;
      shut();
      cbs_.on_closed(*this, error{});
      return false;
  }
  return true;
}

void connection::fail(error err) {
  if (closed_)
    return;
  closed_ = true;
  shut();
  cbs_.on_closed(*this, err);
}

} // namespace broker::net
