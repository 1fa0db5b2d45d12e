#include "net/connection.hh"

#include <algorithm>
#include <cstring>

namespace broker::net {

namespace {

constexpr size_t read_chunk = 64 * 1024;

/// The goodbye a receiver sends for a frame it cannot accept.
format::goodbye_reason reason_for(const error& err) {
  return err.code() == ec::peer_incompatible
           ? format::goodbye_reason::incompatible
           : format::goodbye_reason::protocol_error;
}

std::string seconds_text(std::chrono::milliseconds ms) {
  auto text = std::to_string(ms.count() / 1000.0);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.')
    text.pop_back();
  return text + "s";
}

} // namespace

connection::connection(stream s, callbacks cbs, connection_timing timing)
  : stream_(std::move(s)),
    cbs_(std::move(cbs)),
    timing_(timing),
    ticker_(stream_.socket().get_executor()) {
  std::error_code ec;
  auto& sock = stream_.socket();
  if (auto ep = sock.remote_endpoint(ec); !ec) {
    address_ = ep.address().to_string();
    port_ = ep.port();
  }
  if (auto ep = sock.local_endpoint(ec); !ec) {
    local_address_ = ep.address().to_string();
    local_port_ = ep.port();
  }
  sock.set_option(asio::ip::tcp::no_delay{true}, ec);
}

void connection::remember_remote(const asio::ip::tcp::endpoint& ep) {
  if (!address_.empty())
    return;
  address_ = ep.address().to_string();
  port_ = ep.port();
}

void connection::start(const format::hello& mine, bool inbound) {
  started_ = last_rx_ = last_tx_ = clock::now();
  schedule_tick();
  stream_.async_handshake(inbound, [self = shared_from_this(),
                                    mine](std::error_code ec) {
    if (self->closed_)
      return;
    if (ec) {
      self->fail(error{ec::peer_unavailable,
                       "TLS handshake failed: " + ec.message()});
      return;
    }
    self->begin_peering(mine);
  });
}

void connection::begin_peering(const format::hello& mine) {
  format::write_hello(mine, out_);
  flush();
  read_some();
}

bool connection::send_data(const detail::envelope& env) {
  if (closed_ || retired_)
    return true;
  auto start = out_.size();
  if (!format::write_data_frame(env.origin, env.seq, env.ttl, env.targeted,
                                env.msg.get_topic(), env.msg.get_data(),
                                out_))
    return false;
  out_data_.emplace_back(start, out_.size() - start);
  ++out_msgs_;
  return true;
}

void connection::send_encoded(const uint8_t* frame, size_t size) {
  if (closed_ || retired_)
    return;
  out_data_.emplace_back(out_.size(), size);
  out_.insert(out_.end(), frame, frame + size);
  ++out_msgs_;
}

size_t connection::drop_queued_data(size_t n) {
  auto k = std::min(n, out_data_.size());
  if (k == 0)
    return 0;
  // Close the holes: keep what lies between and after the dropped frames
  // (other frames, e.g. filter updates and heartbeats, are never dropped).
  auto base = out_.data();
  auto dst = out_data_[0].first;
  size_t removed = 0;
  for (size_t i = 0; i < k; ++i) {
    auto end = out_data_[i].first + out_data_[i].second;
    auto next = i + 1 < k ? out_data_[i + 1].first : out_.size();
    std::memmove(base + dst, base + end, next - end);
    dst += next - end;
    removed += out_data_[i].second;
  }
  out_.resize(dst);
  out_data_.erase(out_data_.begin(), out_data_.begin() + k);
  for (auto& frame : out_data_)
    frame.first -= removed;
  out_msgs_ -= k;
  return k;
}

void connection::send_filter(const filter_type& filter) {
  if (closed_ || retired_)
    return;
  format::write_filter_update(format::filter_update{filter}, out_);
  flush();
}

void connection::close(format::goodbye_reason reason, std::string message) {
  if (closed_)
    return;
  closed_ = true;
  // Best effort: a goodbye that fits the socket buffer goes out at once; a
  // peer that stopped reading gets none.
  if (writing_.empty()) {
    format::write_goodbye(format::goodbye{reason, std::move(message)}, out_);
    stream_.write_now(asio::buffer(out_));
  }
  shut();
}

void connection::retire(format::goodbye_reason reason, std::string message) {
  if (closed_ || retired_)
    return;
  format::write_goodbye(format::goodbye{reason, std::move(message)}, out_);
  flush();
  retired_ = true;
}

void connection::shut() {
  ticker_.cancel();
  stream_.close();
}

void connection::flush() {
  if (!writing_.empty() || out_.empty() || closed_)
    return;
  writing_.swap(out_);
  out_data_.clear();
  out_msgs_ = 0;
  last_tx_ = clock::now();
  stream_.async_write(asio::buffer(writing_),
                      [self = shared_from_this()](std::error_code ec, size_t) {
                        self->writing_.clear();
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

// -- liveness ------------------------------------------------------------------

void connection::schedule_tick() {
  auto period = got_hello_ ? timing_.heartbeat_interval
                           : std::min(timing_.heartbeat_interval,
                                      timing_.handshake_timeout);
  ticker_.expires_after(period);
  ticker_.async_wait([self = shared_from_this()](std::error_code ec) {
    if (!ec && !self->closed_)
      self->tick();
  });
}

void connection::tick() {
  auto now = clock::now();
  if (!got_hello_) {
    if (now - started_ >= timing_.handshake_timeout) {
      fail(error{ec::peer_timeout,
                 "no handshake within "
                   + seconds_text(timing_.handshake_timeout)});
      return;
    }
  } else if (timing_.peer_timeout.count() > 0
             && now - last_rx_ >= timing_.peer_timeout) {
    fail(error{ec::peer_timeout, "no frame from the peer for "
                                   + seconds_text(timing_.peer_timeout)},
         format::goodbye_reason::timeout);
    return;
  }
  if (got_hello_ && !retired_
      && now - last_tx_ >= timing_.heartbeat_interval) {
    format::write_heartbeat(format::heartbeat{++heartbeats_}, out_);
    flush();
  }
  schedule_tick();
}

// -- input ---------------------------------------------------------------------

void connection::read_some() {
  if (in_.size() - in_used_ < read_chunk)
    in_.resize(in_used_ + read_chunk);
  stream_.async_read_some(
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
      self->last_rx_ = clock::now();
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
      fail(err, reason_for(err));
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
  auto reject = [this](error err) {
    fail(err, reason_for(err));
    return false;
  };
  if (!got_hello_ && type != frame_type::hello)
    return reject(error{ec::invalid_data, "expected a hello frame first"});
  switch (type) {
    case frame_type::hello: {
      auto msg = format::read_hello(payload, size);
      if (!msg || got_hello_)
        return reject(msg ? error{ec::invalid_data, "second hello"}
                          : msg.error());
      got_hello_ = true;
      cbs_.on_hello(*this, std::move(*msg));
      return !closed_;
    }
    case frame_type::data:
      return handle_data(payload, size);
    case frame_type::filter_update: {
      auto msg = format::read_filter_update(payload, size);
      if (!msg)
        return reject(msg.error());
      cbs_.on_filter(*this, std::move(msg->filter));
      return !closed_;
    }
    case frame_type::heartbeat:
      if (auto msg = format::read_heartbeat(payload, size); !msg)
        return reject(msg.error());
      return true;
    case frame_type::goodbye: {
      auto msg = format::read_goodbye(payload, size);
      goodbye_ = msg ? msg->reason : format::goodbye_reason::protocol_error;
      closed_ = true;
      shut();
      cbs_.on_closed(*this, error{});
      return false;
    }
  }
  return true;
}

bool connection::handle_data(const uint8_t* payload, size_t size) {
  // Decode straight into a recycled message: its topic and value buffers
  // usually fit the next message of the same stream.
  auto blk = detail::reuse_message_block();
  auto msg = detail::adopt_message_block(blk);
  format::data_routing routing;
  auto err = format::read_data_frame(payload, size, routing, blk->topic_,
                                     blk->data_);
  detail::seal_message_block(blk);
  if (err) {
    fail(err, reason_for(err));
    return false;
  }
  cbs_.on_data(*this, detail::envelope{std::move(msg), routing.origin,
                                       routing.seq, routing.ttl,
                                       routing.targeted});
  return !closed_;
}

void connection::fail(error err, std::optional<format::goodbye_reason> bye) {
  if (closed_)
    return;
  if (bye) {
    close(*bye, err.message());
  } else {
    closed_ = true;
    shut();
  }
  cbs_.on_closed(*this, err);
}

} // namespace broker::net
