// TCP/TLS connections of the core: the hello exchange, the simultaneous-dial
// rule, and connections going away (docs/protocol.md §5.7, §5.8). Runs on
// the core thread.
#include "core/core.hh"

#include <asio/ssl/context.hpp>

#include "core/registry.hh"
#include "net/connection.hh"

namespace broker::detail {

namespace {

/// Whether a connection initiated by `initiator` survives a duplicate
/// against one initiated by the other side (docs/protocol.md §5.8).
bool initiated_by_smaller(const node_id& initiator, const node_id& other) {
  return initiator < other;
}

} // namespace

void core::start_connection(asio::ip::tcp::socket sock,
                            std::optional<network_info> dialed,
                            std::shared_ptr<std::promise<bool>> done,
                            const asio::ip::tcp::endpoint& remote) {
  net::connection::callbacks cbs;
  cbs.on_hello = [this](auto& c, auto&& msg) {
    on_conn_hello(c, std::move(msg));
  };
  cbs.on_data = [this](auto& c, auto&& env) { on_conn_data(c, std::move(env)); };
  cbs.on_filter = [this](auto& c, auto&& f) { on_conn_filter(c, std::move(f)); };
  cbs.on_batch_done = [this](auto&) { flush(); };
  cbs.on_closed = [this](auto& c, const error& err) { on_conn_closed(c, err); };
  bool inbound = !dialed.has_value();
  auto conn = tls_ ? std::make_shared<net::connection>(
                       net::stream{std::move(sock), *tls_}, std::move(cbs),
                       timing_)
                   : std::make_shared<net::connection>(
                       net::stream{std::move(sock)}, std::move(cbs), timing_);
  if (remote.port() != 0)
    conn->remember_remote(remote);
  auto hello = my_hello();
  handshakes_.emplace(conn.get(),
                      handshake{conn, std::move(dialed), done, hello.filter});
  conn->start(hello, inbound);
}

void core::on_conn_hello(net::connection& conn, format::hello&& msg) {
  auto i = handshakes_.find(&conn);
  if (i == handshakes_.end())
    return;
  auto hs = std::move(i->second);
  handshakes_.erase(i);
  if (msg.id == id_) {
    conn.close(format::goodbye_reason::self, "connected to itself");
    if (hs.done)
      hs.done->set_value(false);
    return;
  }
  if (shortcut_ && msg.process_token == registry::process_token()
      && hand_over(hs, msg))
    return;
  if (auto j = peer_index_by_id_.find(msg.id); j != peer_index_by_id_.end()) {
    resolve_duplicate(j->second, hs, std::move(msg));
    return;
  }
  establish(hs, std::move(msg));
}

bool core::hand_over(handshake& hs, const format::hello& msg) {
  auto other = registry::find(msg.id);
  // Both sides must agree, so both need the shortcut enabled.
  if (!other || other->is_shutdown() || !other->shortcut_)
    return false;
  auto& conn = *hs.conn;
  if (!hs.dialed) {
    // The dialler drives the switch; wait for its goodbye.
    hs.handing_over = true;
    handshakes_.emplace(&conn, std::move(hs));
    return true;
  }
  auto seen_as = network_info{conn.local_address(), conn.local_port()};
  conn.close(format::goodbye_reason::in_process, "peering in memory");
  auto done = hs.done ? hs.done : std::make_shared<std::promise<bool>>();
  request_peering(other, done, *hs.dialed, seen_as);
  return true;
}

void core::establish(handshake& hs, format::hello&& msg) {
  auto& conn = *hs.conn;
  auto slot = alloc_peer_slot();
  auto& peer = peers_[slot];
  peer.conn = hs.conn;
  peer.outbound = hs.dialed.has_value();
  auto net_info = hs.dialed ? *hs.dialed
                            : network_info{conn.remote_address(),
                                           conn.remote_port()};
  peer.info = endpoint_info{msg.id, net_info};
  peer.established = true;
  peer_index_by_id_[msg.id] = slot;
  conn_slots_[&conn] = slot;
  set_peer_filter(slot, std::move(msg.filter));
  // Our filter may have grown while the hello was under way.
  if (hs.sent_filter != filter_)
    conn.send_filter(filter_);
  emit<sc::peer_added>(peer.info, "handshake successful");
  if (hs.done)
    hs.done->set_value(true);
}

void core::resolve_duplicate(uint32_t slot, handshake& hs,
                             format::hello&& msg) {
  auto& peer = peers_[slot];
  bool new_is_ours = hs.dialed.has_value();
  bool keep_new;
  if (!peer.conn)
    keep_new = !peer.remote; // In memory beats any connection; a slot that
                             // lost its connection takes this one.
  else if (peer.outbound == new_is_ours)
    keep_new = true; // Same initiator: it redialled, the old one is stale.
  else
    keep_new = new_is_ours ? initiated_by_smaller(id_, msg.id)
                           : initiated_by_smaller(msg.id, id_);
  if (hs.done)
    hs.done->set_value(true);
  // The losing connection keeps reading until the peer closes it: data the
  // peer sent on it before it learned of the duplicate still arrives.
  if (!keep_new) {
    if (peer.remote) {
      hs.conn->close(format::goodbye_reason::duplicate, "already peered");
      return;
    }
    conn_slots_[hs.conn.get()] = slot;
    hs.conn->retire(format::goodbye_reason::duplicate, "already peered");
    return;
  }
  if (auto old = std::move(peer.conn))
    old->retire(format::goodbye_reason::duplicate,
                "replaced by a newer connection");
  peer.conn = hs.conn;
  peer.outbound = new_is_ours;
  if (hs.dialed)
    peer.info.network = *hs.dialed;
  conn_slots_[hs.conn.get()] = slot;
  set_peer_filter(slot, std::move(msg.filter));
  if (hs.sent_filter != filter_)
    hs.conn->send_filter(filter_);
  // Messages kept while the slot had no connection go out now.
  if (!peer.pending.empty()) {
    touched_peers_.push_back(slot);
    flush();
  }
}

void core::on_conn_data(net::connection& conn, envelope&& env) {
  auto i = conn_slots_.find(&conn);
  if (i != conn_slots_.end())
    route_incoming(env, i->second);
}

void core::on_conn_filter(net::connection& conn, filter_type&& filter) {
  auto i = conn_slots_.find(&conn);
  if (i != conn_slots_.end())
    set_peer_filter(i->second, std::move(filter));
}

void core::on_conn_closed(net::connection& conn, const error& err) {
  // Deliver what the connection's last read batch routed.
  flush();
  if (handshakes_.count(&conn) > 0) {
    on_handshake_closed(conn, err);
    return;
  }
  auto i = conn_slots_.find(&conn);
  if (i == conn_slots_.end())
    return;
  auto slot = i->second;
  conn_slots_.erase(i);
  if (peers_[slot].conn.get() != &conn && peers_[slot].conn)
    return; // A retired duplicate ended; the peering has another one.
  if (conn.goodbye_received() == format::goodbye_reason::duplicate) {
    await_replacement(slot);
    return;
  }
  auto info = peers_[slot].info;
  bool redial = peers_[slot].outbound && info.network
                && info.network->retry.count() > 0;
  if (err && err.code() != ec::peer_unavailable)
    emit(error{err.code(), info, err.message()});
  drop_peer(slot);
  emit<sc::peer_lost>(info, "lost connection to remote peer");
  if (redial && !stopped_)
    redial_after(*info.network);
}

void core::await_replacement(uint32_t slot) {
  // The peer closed this connection as the loser of a simultaneous dial
  // (docs/protocol.md §5.8): its other connection is on the way. Keep the
  // peering without a connection until it arrives, or report it lost.
  auto id = peers_[slot].info.node;
  peers_[slot].conn.reset();
  auto timer = std::make_shared<asio::steady_timer>(
    io_, timing_.handshake_timeout);
  timer->async_wait([this, timer, id](std::error_code ec) {
    auto i = peer_index_by_id_.find(id);
    if (ec || stopped_ || i == peer_index_by_id_.end())
      return;
    auto& peer = peers_[i->second];
    if (peer.conn || peer.remote)
      return;
    auto info = peer.info;
    drop_peer(i->second);
    emit<sc::peer_lost>(info, "lost connection to remote peer");
  });
}

void core::on_handshake_closed(net::connection& conn, const error& err) {
  auto i = handshakes_.find(&conn);
  auto hs = std::move(i->second);
  handshakes_.erase(i);
  auto where = hs.dialed.value_or(
    network_info{conn.remote_address(), conn.remote_port()});
  auto bye = conn.goodbye_received();
  if (hs.handing_over)
    return; // The peering lives on in memory.
  if (bye == format::goodbye_reason::duplicate) {
    // The peer keeps another connection to us.
    if (hs.done)
      hs.done->set_value(true);
    return;
  }
  if (!hs.dialed) {
    // Anything that fails on our port gets reported, scans included; a
    // connection that just ended is a disconnect during the handshake.
    auto code = !err || err.code() == ec::peer_unavailable
                  ? ec::peer_disconnect_during_handshake
                  : err.code();
    emit(error{code, endpoint_info{node_id{}, where},
               err ? err.message()
                   : std::string{"peer said goodbye during the handshake"}});
    return;
  }
  if (err && err.code() != ec::peer_unavailable)
    emit(error{err.code(), endpoint_info{node_id{}, where}, err.message()});
  if (hs.done && where.retry.count() <= 0)
    emit(error{ec::peer_disconnect_during_handshake,
               endpoint_info{node_id{}, where},
               "connection closed during the handshake"});
  connect_failed(where, "failed to complete handshake", hs.done);
}

} // namespace broker::detail
