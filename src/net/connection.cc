// A connection's transport, node messages and liveness; the handshake is in
// connection_handshake.cc.
#include "net/connection.hh"
#include "net/connection_state.hh"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "data/log_format.hh"
#include "format/data_reader.hh"
#include "format/frame.hh"
#include "log/log.hh"

namespace broker::net {

namespace {

constexpr size_t read_chunk = 64 * 1024;

std::string seconds_text(std::chrono::milliseconds ms) {
  auto text = std::to_string(ms.count() / 1000.0);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.')
    text.pop_back();
  return text + "s";
}

/// A fresh BYE id: only compared for equality by the peer. Not an address
/// (that would tell the peer where our heap is).
uint64_t next_bye_id() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

bool same_bytes(const format::node_view& msg,
                const std::vector<uint8_t>& bytes) {
  return !bytes.empty() && msg.payload_size == bytes.size()
         && std::memcmp(msg.payload, bytes.data(), bytes.size()) == 0;
}

} // namespace

connection::connection(stream s, callbacks cbs, connection_timing timing,
                       local_identity me)
  : stream_(std::move(s)),
    cbs_(std::move(cbs)),
    timing_(timing),
    me_(me),
    ticker_(stream_.socket().get_executor()),
    state_(state::tls) {
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

void connection::start(bool inbound) {
  started_ = last_rx_ = last_tx_ = clock::now();
  schedule_tick();
  stream_.async_handshake(inbound, [self = shared_from_this(),
                                    inbound](std::error_code ec) {
    if (self->closed_)
      return;
    if (ec) {
      self->fail(error{ec::peer_unavailable,
                       "TLS handshake failed: " + ec.message()});
      return;
    }
    self->begin_handshake(inbound);
  });
}

// -- output --------------------------------------------------------------------

bool connection::send_data(const envelope& env) {
  if (closed_ || state_ == state::leaving)
    return true;
  auto start = out_.size();
  bool ok;
  if (detail::is_command(env.msg)) {
    ok = write_command(env);
  } else if (compact_out_) {
    auto origin = env.origin == me_.id ? node_id{} : env.origin;
    ok = format::write_compact_data(out_, env.targeted, env.ttl,
                                    env.msg.get_topic(), env.msg.get_data(),
                                    origin, env.seq);
  } else {
    // Peers that are not ours get upstream's ttl, and the receiver field.
    auto receiver = env.targeted ? peer_ : node_id{};
    ok = format::write_data_message(out_, me_.id, receiver,
                                    format::upstream_ttl, env.msg.get_topic(),
                                    env.msg.get_data());
  }
  if (!ok)
    return false;
  out_data_.emplace_back(start, out_.size() - start);
  ++out_msgs_;
  return true;
}

bool connection::write_command(const envelope& env) {
  // Store commands travel as v1 type-2 node messages to every peer, ours
  // included (wrapped in a compact frame then): the payload is the encoded
  // internal_command the store wrote.
  auto start = out_.size();
  auto& payload = get<std::string>(env.msg.get_data());
  auto receiver = env.targeted ? peer_ : node_id{};
  auto ttl = compact_out_ ? env.ttl : format::upstream_ttl;
  if (!format::write_node_message(
        out_, me_.id, receiver, static_cast<uint8_t>(format::msg_type::command),
        ttl, env.msg.get_topic().string(),
        reinterpret_cast<const uint8_t*>(payload.data()), payload.size()))
    return false;
  finish_control_frame(start);
  return true;
}

void connection::send_encoded(const uint8_t* frame, size_t size) {
  if (closed_ || state_ == state::leaving)
    return;
  out_data_.emplace_back(out_.size(), size);
  out_.insert(out_.end(), frame, frame + size);
  ++out_msgs_;
}

size_t connection::drop_queued_data(size_t n) {
  auto k = std::min(n, out_data_.size());
  erase_data_frames(0, k);
  return k;
}

size_t connection::trim_queued_data(size_t limit, bool newest) {
  if (out_.size() <= limit)
    return 0;
  auto excess = out_.size() - limit;
  size_t freed = 0;
  size_t k = 0;
  auto n = out_data_.size();
  while (k < n && freed < excess) {
    auto& frame = out_data_[newest ? n - 1 - k : k];
    freed += frame.second;
    ++k;
  }
  if (newest)
    erase_data_frames(n - k, n);
  else
    erase_data_frames(0, k);
  return k;
}

void connection::erase_data_frames(size_t first, size_t last) {
  if (first >= last)
    return;
  // Close the holes: keep what lies between and after the dropped frames
  // (control messages such as routing updates and pings are never dropped).
  auto base = out_.data();
  auto dst = out_data_[first].first;
  size_t removed = 0;
  for (size_t i = first; i < last; ++i) {
    auto end = out_data_[i].first + out_data_[i].second;
    auto next = i + 1 < last ? out_data_[i + 1].first : out_.size();
    std::memmove(base + dst, base + end, next - end);
    dst += next - end;
    removed += out_data_[i].second;
  }
  out_.resize(dst);
  out_data_.erase(out_data_.begin() + first, out_data_.begin() + last);
  for (auto i = first; i < out_data_.size(); ++i)
    out_data_[i].first -= removed;
  out_msgs_ -= last - first;
}

void connection::send_filter(const filter_type& filter) {
  if (closed_ || !handshake_done() || state_ == state::leaving)
    return;
  auto start = out_.size();
  format::write_routing_update(out_, me_.id, peer_, filter);
  finish_control_frame(start);
  flush();
}

void connection::send_ping(format::msg_type type, const node_id& to,
                           const uint8_t* payload, size_t size) {
  auto start = out_.size();
  format::write_ping(out_, type, me_.id, to, payload, size);
  finish_control_frame(start);
}

void connection::finish_control_frame(size_t start) {
  if (compact_out_ && out_.size() > start)
    format::wrap_compact_node(out_, start);
}

void connection::say_goodbye() {
  if (closed_ || state_ == state::leaving)
    return;
  if (!handshake_done()) {
    close();
    return;
  }
  BROKER_DEBUG("[{}] saying goodbye to {}", detail::log_name(me_.id), peer_);
  state_ = state::leaving;
  bye_sent_ = clock::now();
  bye_payload_ = format::bye_payload(next_bye_id());
  send_ping(format::msg_type::ping, peer_, bye_payload_.data(),
            bye_payload_.size());
  flush();
}

void connection::close() {
  if (closed_)
    return;
  closed_ = true;
  // Best effort: a BYE that fits the socket buffer goes out at once; a
  // peer that stopped reading gets none.
  if (writing_.empty() && handshake_done()) {
    auto bye = format::bye_payload(next_bye_id());
    send_ping(format::msg_type::ping, peer_, bye.data(), bye.size());
    stream_.write_now(asio::buffer(out_));
  }
  shut();
}

void connection::shut() {
  ticker_.cancel();
  stream_.close();
}

void connection::flush() {
  if (!writing_.empty() || out_.empty() || closed_)
    return;
  BROKER_DEBUG("[{}] writing {} bytes ({} data messages) to {}",
               detail::log_name(me_.id), out_.size(), out_msgs_, peer_);
  writing_.swap(out_);
  stats_.bytes_out += writing_.size();
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
  auto period = std::min({timing_.heartbeat_interval,
                          timing_.handshake_timeout, timing_.bye_timeout});
  ticker_.expires_after(period);
  ticker_.async_wait([self = shared_from_this()](std::error_code ec) {
    if (!ec && !self->closed_)
      self->tick();
  });
}

void connection::tick() {
  auto now = clock::now();
  if (!check_deadlines(now))
    return;
  if (state_ == state::ready
      && now - last_tx_ >= timing_.heartbeat_interval) {
    BROKER_TRACE("[{}] heartbeat to {}", detail::log_name(me_.id), peer_);
    auto payload = format::heartbeat_payload(++heartbeats_);
    send_ping(format::msg_type::ping, peer_, payload.data(), payload.size());
    flush();
  }
  schedule_tick();
}

bool connection::check_deadlines(clock::time_point now) {
  if (state_ == state::leaving) {
    if (now - bye_sent_ < timing_.bye_timeout)
      return true;
    closed_ = true;
    shut();
    cbs_.on_closed(*this, error{});
    return false;
  }
  if (state_ != state::ready) {
    if (now - started_ < timing_.handshake_timeout)
      return true;
    fail(error{ec::peer_timeout, "no handshake within "
                                   + seconds_text(timing_.handshake_timeout)});
    return false;
  }
  if (timing_.peer_timeout.count() > 0
      && now - last_rx_ >= timing_.peer_timeout) {
    fail(error{ec::peer_timeout, "no message from the peer for "
                                   + seconds_text(timing_.peer_timeout)});
    return false;
  }
  return true;
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
      self->stats_.bytes_in += n;
      self->in_used_ += n;
      self->handle_input();
      if (!self->closed_)
        self->read_some();
    });
}

void connection::handle_input() {
  size_t pos = 0;
  size_t frames = 0;
  while (!closed_) {
    // The phase can change between two frames of one read: bytes after the
    // last handshake message are node messages.
    auto phase = handshake_done() ? format::frame_phase::node
                                  : format::frame_phase::handshake;
    uint32_t size = 0;
    error err;
    auto status = format::parse_frame(in_.data() + pos, in_used_ - pos, phase,
                                      size, &err);
    if (status == format::frame_status::incomplete)
      break;
    if (status == format::frame_status::invalid) {
      fail(err);
      return;
    }
    auto body = in_.data() + pos + format::frame_prefix_size;
    pos += format::frame_prefix_size + size;
    ++frames;
    if (status == format::frame_status::skip)
      continue;
    bool ok = phase == format::frame_phase::node
                ? handle_node_frame(body, size)
                : handle_handshake_frame(body, size);
    if (!ok)
      return;
  }
  if (closed_)
    return;
  BROKER_DEBUG("[{}] read {} frames ({} bytes) from {}",
               detail::log_name(me_.id), frames, pos, peer_);
  // Keep the partial frame at the front for the next read.
  std::memmove(in_.data(), in_.data() + pos, in_used_ - pos);
  in_used_ -= pos;
  flush();
  if (cbs_.on_batch_done)
    cbs_.on_batch_done(*this);
}

bool connection::handle_node_frame(const uint8_t* body, size_t size) {
  if (compact_in_)
    return handle_compact_frame(body, size);
  format::node_view msg;
  if (!format::read_node_message(body, size, msg)) {
    fail(error{ec::invalid_data, "malformed node message envelope"});
    return false;
  }
  return handle_node_message(msg);
}

bool connection::handle_compact_frame(const uint8_t* body, size_t size) {
  switch (static_cast<format::compact_kind>(body[0])) {
    case format::compact_kind::node: {
      format::node_view msg;
      if (!format::read_node_message(body + 1, size - 1, msg))
        break;
      return handle_node_message(msg);
    }
    case format::compact_kind::data:
    case format::compact_kind::relayed_data:
      return handle_compact_data(body, size);
  }
  fail(error{ec::invalid_data, "malformed compact frame"});
  return false;
}

bool connection::handle_node_message(const format::node_view& msg) {
  switch (msg.type) {
    case static_cast<uint8_t>(format::msg_type::data):
      return handle_data(msg);
    case static_cast<uint8_t>(format::msg_type::command):
      return handle_command(msg);
    case static_cast<uint8_t>(format::msg_type::routing_update):
      return handle_routing_update(msg);
    case static_cast<uint8_t>(format::msg_type::ping):
      return handle_ping(msg);
    case static_cast<uint8_t>(format::msg_type::pong):
      return handle_pong(msg);
    case format::compact_switch_type:
      compact_in_ = true; // Every later frame of the peer is compact.
      return true;
    default:
      // Types of later versions: dropping them is what Broker 8.x does
      // with unknown input.
      return true;
  }
}

bool connection::handle_data(const format::node_view& msg) {
  // Unicast data for another endpoint: we route by topic only and do not
  // relay messages addressed to someone else (docs/protocol.md §6.2).
  if (msg.receiver.valid() && msg.receiver != me_.id)
    return true;
  // Plain v1 names only the last hop: no duplicate suppression possible.
  envelope env;
  env.origin = msg.sender;
  env.ttl = msg.ttl;
  env.targeted = msg.receiver == me_.id;
  return deliver(env, msg.topic, msg.payload, msg.payload_size);
}

bool connection::handle_command(const format::node_view& msg) {
  if (msg.receiver.valid() && msg.receiver != me_.id)
    return true; // Unicast for another endpoint, as for data.
  // The store decodes the command (and reports a malformed one): a bad
  // command is the store's business, not a reason to drop the peering.
  envelope env;
  env.origin = msg.sender;
  env.ttl = msg.ttl;
  env.targeted = msg.receiver == me_.id;
  env.msg = detail::make_command_message(
    topic{std::string{msg.topic}},
    std::string{reinterpret_cast<const char*>(msg.payload), msg.payload_size});
  cbs_.on_data(*this, std::move(env));
  return !closed_;
}

bool connection::handle_compact_data(const uint8_t* body, size_t size) {
  format::compact_data_view msg;
  if (!format::read_compact_data(body, size, msg)) {
    fail(error{ec::invalid_data, "malformed compact data message"});
    return false;
  }
  envelope env;
  env.origin = msg.origin.valid() ? msg.origin : peer_;
  env.seq = msg.seq;
  env.ttl = msg.ttl;
  env.targeted = msg.targeted;
  return deliver(env, msg.topic, msg.payload, msg.payload_size);
}

bool connection::deliver(envelope& env, std::string_view topic_name,
                         const uint8_t* payload, size_t size) {
  // Decode straight into a recycled message: its topic and value buffers
  // usually fit the next message of the same stream.
  auto blk = detail::reuse_message_block();
  env.msg = detail::adopt_message_block(blk);
  auto name = std::move(blk->topic_).move_string();
  name.assign(topic_name.data(), topic_name.size());
  blk->topic_ = topic{std::move(name)};
  auto err = format::decode(payload, size, blk->data_);
  detail::seal_message_block(blk);
  if (err) {
    fail(error{ec::invalid_data, "undecodable data message on topic "
                                   + std::string{topic_name} + ": "
                                   + err.message()});
    return false;
  }
  cbs_.on_data(*this, std::move(env));
  return !closed_;
}

bool connection::handle_routing_update(const format::node_view& msg) {
  // Each update replaces the whole filter and rebuilds routes: a peer that
  // sends them without end would keep the core busy for nothing.
  ++stats_.routing_updates_in;
  if (timing_.routing_update_limit > 0) {
    if (last_rx_ - updates_since_ >= std::chrono::seconds{1}) {
      updates_since_ = last_rx_;
      updates_ = 0;
    }
    if (++updates_ > timing_.routing_update_limit) {
      fail(error{ec::peer_invalid,
                 "routing update flood: more than "
                   + std::to_string(timing_.routing_update_limit)
                   + " per second"});
      return false;
    }
  }
  filter_type filter;
  if (!format::read_routing_update(msg, filter)) {
    fail(error{ec::invalid_data, "malformed routing_update"});
    return false;
  }
  BROKER_DEBUG("[{}] {} subscribes to [{}]", detail::log_name(me_.id), peer_,
               fmt::join(filter, ", "));
  cbs_.on_filter(*this, std::move(filter));
  return !closed_;
}

bool connection::handle_ping(const format::node_view& msg) {
  ++stats_.pings_in;
  format::peer_extensions theirs;
  if ((state_ == state::probing || state_ == state::ready)
      && format::read_extension_probe(msg.payload, msg.payload_size, theirs))
    learned_extensions(theirs);
  send_ping(format::msg_type::pong, msg.sender, msg.payload, msg.payload_size);
  return true;
}

void connection::learned_extensions(const format::peer_extensions& theirs) {
  ext_ = theirs;
  if (compact_out_)
    return;
  BROKER_DEBUG("[{}] {} is one of ours: switching to compact frames",
               detail::log_name(me_.id), peer_);
  // The peer is ours: announce compact frames, then write only those. The
  // announcement goes out before anything compact, in the same order.
  const uint8_t version = 1;
  format::write_node_message(out_, me_.id, peer_, format::compact_switch_type,
                             format::upstream_ttl, format::control_topic,
                             &version, 1);
  compact_out_ = true;
}

bool connection::handle_pong(const format::node_view& msg) {
  ++stats_.pongs_in;
  if (state_ == state::probing && same_bytes(msg, probe_payload_)) {
    state_ = state::ready;
    cbs_.on_ready(*this, ext_);
    return !closed_;
  }
  if (state_ == state::leaving && same_bytes(msg, bye_payload_)) {
    closed_ = true;
    shut();
    cbs_.on_closed(*this, error{});
    return false;
  }
  return true; // Heartbeat answers: any frame proves the peer alive.
}

void connection::fail(error err) {
  if (closed_)
    return;
  BROKER_DEBUG("[{}] connection to {} at {}:{} failed: {}",
               detail::log_name(me_.id), peer_, address_, port_,
               err.message());
  closed_ = true;
  // A drop_conn queued by the handshake goes out if the socket takes it.
  if (writing_.empty() && !out_.empty())
    stream_.write_now(asio::buffer(out_));
  shut();
  cbs_.on_closed(*this, err);
}

} // namespace broker::net
