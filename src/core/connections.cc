// TCP/TLS connections of the core: committing to a peer during the v1
// handshake (redundant connections, docs/protocol.md §5.3), the extension
// probe's outcome (§7.1), and connections going away (§8). Runs on the
// core thread.
#include "core/connections.hh"

#include <asio/ssl/context.hpp>

#include "core/core.hh"
#include "core/network.hh"
#include "core/peer_table.hh"
#include "core/registry.hh"
#include "core/router.hh"
#include "data/log_format.hh"
#include "log/log.hh"

namespace broker::detail {

connections::connections(core& owner, const core_settings& settings,
                         router& routes, peer_table& peers, network& net)
  : owner_(owner),
    settings_(settings),
    routes_(routes),
    peers_(peers),
    net_(net) {}

void connections::start(asio::ip::tcp::socket sock, asio::ssl::context* tls,
                        std::optional<network_info> dialed,
                        std::shared_ptr<std::promise<bool>> done,
                        const asio::ip::tcp::endpoint& remote) {
  net::connection::callbacks cbs;
  cbs.on_commit = [this](auto& c, const node_id& peer, bool originator) {
    return on_commit(c, peer, originator);
  };
  cbs.current_filter = [this] { return peers_.filter(); };
  cbs.on_handshake = [this](auto& c, auto&& f) {
    on_handshake(c, std::move(f));
  };
  cbs.on_ready = [this](auto& c, const auto& ext) { on_ready(c, ext); };
  cbs.on_data = [this](auto& c, auto&& env) { on_data(c, std::move(env)); };
  cbs.on_filter = [this](auto& c, auto&& f) { on_filter(c, std::move(f)); };
  cbs.on_batch_done = [this](auto&) { routes_.flush(); };
  cbs.on_closed = [this](auto& c, const error& err) { on_closed(c, err); };
  bool inbound = !dialed.has_value();
  net::local_identity me{settings_.id, registry::process_token(),
                         settings_.shortcut};
  auto conn = tls ? std::make_shared<net::connection>(
                      net::stream{std::move(sock), *tls}, std::move(cbs),
                      settings_.timing, me)
                  : std::make_shared<net::connection>(
                      net::stream{std::move(sock)}, std::move(cbs),
                      settings_.timing, me);
  if (remote.port() != 0)
    conn->remember_remote(remote);
  handshakes_.emplace(conn.get(), handshake{conn, std::move(dialed), done});
  conn->start(inbound);
}

void connections::forget(net::connection& conn) {
  if (slots_.erase(&conn) > 0 && handshakes_.count(&conn) == 0)
    retire(conn);
}

void connections::retire(const net::connection& conn) {
  auto& x = conn.stats();
  retired_.bytes_in += x.bytes_in;
  retired_.bytes_out += x.bytes_out;
  retired_.routing_updates_in += x.routing_updates_in;
  retired_.pings_in += x.pings_in;
  retired_.pongs_in += x.pongs_in;
}

size_t connections::established() const {
  size_t n = 0;
  for (auto& entry : slots_)
    n += handshakes_.count(entry.first) == 0 ? 1 : 0;
  return n;
}

net::connection_stats connections::totals() const {
  auto result = retired_;
  auto add = [&result](const net::connection& conn) {
    auto& x = conn.stats();
    result.bytes_in += x.bytes_in;
    result.bytes_out += x.bytes_out;
    result.routing_updates_in += x.routing_updates_in;
    result.pings_in += x.pings_in;
    result.pongs_in += x.pongs_in;
  };
  for (auto& entry : handshakes_)
    add(*entry.second.conn);
  for (auto& entry : slots_)
    if (handshakes_.count(entry.first) == 0)
      add(*entry.first);
  return result;
}

void connections::moved_to_memory(net::connection& conn) {
  slots_.erase(&conn);
  if (auto i = handshakes_.find(&conn); i != handshakes_.end())
    i->second.handing_over = true;
}

void connections::stop() {
  for (auto& [ptr, hs] : handshakes_)
    hs.conn->close();
}

void connections::clear() {
  handshakes_.clear();
  slots_.clear();
  committing_.clear();
}

net::commit_decision connections::on_commit(net::connection& conn,
                                            const node_id& peer,
                                            bool originator) {
  if (owner_.is_shutdown())
    return net::commit_decision::shutting_down;
  // Peered already (over TCP or in memory), or another handshake with the
  // same peer committed first: this connection is redundant.
  if (peers_.find(peer) != peer_table::npos || committing_.count(peer) > 0) {
    BROKER_DEBUG("[{}] connection from/to {} is redundant: peered or peering "
                 "on another one",
                 settings_.name, peer);
    return originator ? net::commit_decision::redundant
                      : net::commit_decision::responder_dup;
  }
  committing_.emplace(peer, &conn);
  return net::commit_decision::proceed;
}

void connections::on_handshake(net::connection& conn, filter_type&& filter) {
  auto i = handshakes_.find(&conn);
  if (i == handshakes_.end())
    return;
  committing_.erase(conn.peer_id());
  auto& hs = i->second;
  // The peer may send data from now on: give it a slot that receives, but
  // route nothing to it until the extension probe settles (on_ready).
  auto slot = peers_.alloc();
  auto& peer = peers_[slot];
  peer.conn = hs.conn;
  peer.outbound = hs.dialed.has_value();
  peer.info = endpoint_info{
    conn.peer_id(),
    hs.dialed ? *hs.dialed
              : network_info{conn.remote_address(), conn.remote_port()},
    "native"};
  peers_.index(conn.peer_id(), slot);
  slots_[&conn] = slot;
  BROKER_INFO("[{}] handshake with {} done: peer id {} ({})", settings_.name,
              *peer.info.network, conn.peer_id(),
              peer.outbound ? "we dialled" : "it dialled");
  peers_.set_filter(slot, std::move(filter));
  // Our filter may have grown while the handshake was under way.
  if (conn.sent_filter() != peers_.filter())
    conn.send_filter(peers_.filter());
}

void connections::on_ready(net::connection& conn,
                           const format::peer_extensions& ext) {
  auto i = handshakes_.find(&conn);
  auto j = slots_.find(&conn);
  if (i == handshakes_.end() || j == slots_.end())
    return;
  if (settings_.shortcut && ext.ours && ext.shortcut
      && ext.process_token == registry::process_token() && hand_over(i->second))
    return;
  auto done = std::move(i->second.done);
  handshakes_.erase(i);
  auto& peer = peers_[j->second];
  peer.established = true;
  BROKER_INFO("[{}] peered with {} at {} over {} ({})", settings_.name,
              peer.info.node, *peer.info.network,
              conn.compact_output() ? "compact frames" : "native v1",
              ext.ours ? "one of ours" : "not ours");
  routes_.emit<sc::peer_added>(peer.info, "handshake successful");
  if (done)
    done->set_value(true);
}

bool connections::hand_over(handshake& hs) {
  auto& conn = *hs.conn;
  auto other = registry::find(conn.peer_id());
  // Both sides must agree, so both need the shortcut enabled.
  if (!other || other->is_shutdown() || !other->shortcut())
    return false;
  detach(conn);
  hs.handing_over = true;
  BROKER_INFO("[{}] peering with {} continues in memory (same process)",
              settings_.name, conn.peer_id());
  if (!hs.dialed)
    return true; // The dialler drives the switch; wait for it to close.
  auto seen_as = network_info{conn.local_address(), conn.local_port()};
  auto done = hs.done ? hs.done : std::make_shared<std::promise<bool>>();
  auto dialed = *hs.dialed;
  conn.close();
  peers_.request_peering(other, done, dialed, seen_as);
  return true;
}

void connections::detach(net::connection& conn) {
  auto j = slots_.find(&conn);
  if (j == slots_.end())
    return;
  auto slot = j->second;
  slots_.erase(j);
  if (peers_[slot].conn.get() == &conn && !peers_[slot].established)
    peers_.drop(slot);
}

void connections::on_data(net::connection& conn, envelope&& env) {
  auto i = slots_.find(&conn);
  if (i != slots_.end())
    routes_.route_incoming(env, i->second);
}

void connections::on_filter(net::connection& conn, filter_type&& filter) {
  auto i = slots_.find(&conn);
  if (i != slots_.end())
    peers_.set_filter(i->second, std::move(filter));
}

void connections::on_closed(net::connection& conn, const error& err) {
  // Deliver what the connection's last read batch routed.
  routes_.flush();
  if (handshakes_.count(&conn) > 0 || slots_.count(&conn) > 0)
    retire(conn);
  if (auto i = committing_.find(conn.peer_id());
      i != committing_.end() && i->second == &conn)
    committing_.erase(i);
  if (handshakes_.count(&conn) > 0) {
    detach(conn);
    on_handshake_closed(conn, err);
    return;
  }
  auto i = slots_.find(&conn);
  if (i == slots_.end())
    return;
  auto slot = i->second;
  slots_.erase(i);
  auto info = peers_[slot].info;
  bool redial = peers_[slot].outbound && info.network
                && info.network->retry.count() > 0;
  if (err && err.code() != ec::peer_unavailable)
    routes_.emit(error{err.code(), info, err.message()});
  BROKER_INFO("[{}] peering with {} at {} ended: {}", settings_.name,
              info.node, *info.network, closing_reason(conn, err));
  peers_.drop(slot);
  routes_.emit<sc::peer_lost>(info, "lost connection to remote peer");
  if (redial && !owner_.is_shutdown())
    net_.redial_after(*info.network);
}

void connections::on_handshake_closed(net::connection& conn,
                                      const error& err) {
  auto i = handshakes_.find(&conn);
  auto hs = std::move(i->second);
  handshakes_.erase(i);
  if (hs.handing_over)
    return; // The peering lives on in memory.
  auto where = hs.dialed.value_or(
    network_info{conn.remote_address(), conn.remote_port()});
  endpoint_info ctx{conn.peer_id(), where};
  BROKER_INFO("[{}] handshake with {} (peer id {}) ended: {}", settings_.name,
              where, conn.peer_id(), closing_reason(conn, err));
  if (conn.found_redundant()
      || conn.drop_received() == format::drop_code::redundant_connection) {
    // The peer and we are peered on another connection already.
    if (hs.done)
      hs.done->set_value(peers_.find(conn.peer_id()) != peer_table::npos);
    return;
  }
  if (conn.connected_to_self()) {
    routes_.emit(error{ec::peer_invalid, ctx, "connected to itself"});
    if (hs.done)
      hs.done->set_value(false);
    return;
  }
  if (!hs.dialed) {
    report_inbound_failure(ctx, err);
    return;
  }
  if (err && err.code() != ec::peer_unavailable)
    routes_.emit(error{err.code(), ctx, err.message()});
  if (hs.done && where.retry.count() <= 0)
    routes_.emit(error{ec::peer_disconnect_during_handshake, ctx,
                       "connection closed during the handshake"});
  net_.connect_failed(where, "failed to complete handshake", hs.done);
}

std::string connections::closing_reason(const net::connection& conn,
                                        const error& err) {
  if (conn.found_redundant()
      || conn.drop_received() == format::drop_code::redundant_connection)
    return "redundant connection (peered on another one)";
  return err ? err.message() : std::string{"closed"};
}

void connections::report_inbound_failure(const endpoint_info& ctx,
                                         const error& err) {
  // Anything that fails on our port gets reported, scans included; a
  // connection that just ended is a disconnect during the handshake.
  auto code = !err || err.code() == ec::peer_unavailable
                ? ec::peer_disconnect_during_handshake
                : err.code();
  routes_.emit(error{code, ctx,
                     err ? err.message() : std::string{"connection ended"}});
}

} // namespace broker::detail
