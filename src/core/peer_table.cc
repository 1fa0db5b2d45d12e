// The peers of a core: slots, the advertised filter, peering between cores
// of one process, unpeering, overflow toward peers. Core thread only.
#include "core/peer_table.hh"

#include <algorithm>

#include "core/connections.hh"
#include "core/core.hh"
#include "core/filter.hh"
#include "core/router.hh"
#include "data/log_format.hh"
#include "log/log.hh"
#include "net/connection.hh"

namespace broker::detail {

peer_table::peer_table(core& owner, const core_settings& settings,
                       router& routes, connections& conns)
  : owner_(owner), settings_(settings), routes_(routes), conns_(conns) {}

// -- slots ---------------------------------------------------------------------

uint32_t peer_table::alloc() {
  count_.fetch_add(1);
  if (free_.empty()) {
    slots_.emplace_back();
    return static_cast<uint32_t>(slots_.size() - 1);
  }
  auto slot = free_.back();
  free_.pop_back();
  return slot;
}

uint32_t peer_table::add_slot(const std::shared_ptr<core>& remote,
                              bool outbound) {
  auto slot = alloc();
  auto& peer = slots_[slot];
  peer.remote = remote;
  peer.info = endpoint_info{remote->id(), std::nullopt, "native"};
  peer.outbound = outbound;
  peer.established = false;
  index_[remote->id()] = slot;
  return slot;
}

void peer_table::drop(uint32_t slot) {
  auto& peer = slots_[slot];
  routes_.remove_peer_routes(slot);
  index_.erase(peer.info.node);
  slots_[slot] = peer_slot{};
  free_.push_back(slot);
  count_.fetch_sub(1);
}

void peer_table::set_filter(uint32_t slot, filter_type filter) {
  auto& peer = slots_[slot];
  peer.filter = std::move(filter);
  routes_.set_peer_routes(slot, peer.filter);
}

void peer_table::establish(uint32_t slot) {
  auto& peer = slots_[slot];
  if (!peer.established) {
    peer.established = true;
    BROKER_INFO("[{}] peered with {} in memory", settings_.name,
                peer.info.node);
    routes_.emit<sc::peer_added>(peer.info, "handshake successful");
  }
}

// -- our filter ----------------------------------------------------------------

void peer_table::extend_filter(const filter_type& topics) {
  bool changed = false;
  for (auto& t : topics)
    if (!is_internal(t) && filter_extend(filter_, t))
      changed = true;
  if (changed)
    broadcast_filter();
}

void peer_table::broadcast_filter() {
  BROKER_DEBUG("[{}] our filter is now [{}]", settings_.name,
               fmt::join(filter_, ", "));
  for (auto& peer : slots_) {
    if (peer.conn && peer.established) {
      peer.conn->send_filter(filter_);
      continue;
    }
    if (!peer.remote)
      continue;
    auto remote = peer.remote;
    remote->post([target = remote.get(), me = settings_.id, f = filter_] {
      target->peering().on_filter_update(me, f);
    });
  }
}

void peer_table::on_filter_update(node_id from, filter_type filter) {
  BROKER_DEBUG("[{}] in-memory peer {} subscribes to [{}]", settings_.name,
               from, fmt::join(filter, ", "));
  if (auto slot = find(from); slot != npos)
    set_filter(slot, std::move(filter));
}

// -- in-memory peering ---------------------------------------------------------

void peer_table::request_peering(const std::shared_ptr<core>& other,
                                 std::shared_ptr<std::promise<bool>> done,
                                 std::optional<network_info> dialed,
                                 std::optional<network_info> seen_as) {
  if (auto slot = find(other->id()); slot != npos) {
    done->set_value(slots_[slot].established);
    return;
  }
  BROKER_INFO("[{}] asking {} to peer in memory", settings_.name,
              other->id());
  auto slot = add_slot(other, true);
  slots_[slot].info.network = std::move(dialed);
  auto self = owner_.shared_from_this();
  other->post([target = other.get(), self, f = filter_, done,
               seen_as = std::move(seen_as)]() mutable {
    target->peering().on_peer_request(self, f, done, std::move(seen_as));
  });
}

void peer_table::on_peer_request(std::shared_ptr<core> from,
                                 filter_type filter,
                                 std::shared_ptr<std::promise<bool>> done,
                                 std::optional<network_info> seen_as) {
  if (owner_.is_shutdown()) {
    done->set_value(false);
    return;
  }
  BROKER_INFO("[{}] accepting an in-memory peering from {}", settings_.name,
              from->id());
  auto slot = find(from->id());
  if (slot == npos) {
    slot = add_slot(from, false);
    slots_[slot].info.network = std::move(seen_as);
  } else {
    // Both sides dialled at once: one peering results.
    adopt_in_memory(slot, from, std::move(seen_as));
  }
  set_filter(slot, std::move(filter));
  establish(slot);
  from->post([target = from.get(), me = settings_.id, f = filter_, done] {
    target->peering().on_peer_accepted(me, f, done);
  });
}

void peer_table::adopt_in_memory(uint32_t slot,
                                 const std::shared_ptr<core>& from,
                                 std::optional<network_info> seen_as) {
  auto& peer = slots_[slot];
  if (!peer.conn || peer.established)
    return;
  // A TCP connection from the same process whose extension probe has not
  // finished here yet: the dialler moved the peering into memory already.
  conns_.moved_to_memory(*peer.conn);
  peer.conn.reset();
  peer.remote = from;
  peer.info.network = std::move(seen_as);
}

void peer_table::on_peer_accepted(node_id from, filter_type filter,
                                  std::shared_ptr<std::promise<bool>> done) {
  auto slot = find(from);
  if (slot == npos) {
    done->set_value(false); // Unpeered meanwhile.
    return;
  }
  set_filter(slot, std::move(filter));
  establish(slot);
  done->set_value(true);
}

std::optional<network_info> peer_table::on_peer_gone(node_id from) {
  auto slot = find(from);
  if (slot == npos)
    return std::nullopt;
  auto info = slots_[slot].info;
  bool established = slots_[slot].established;
  // A peering that began as a dial with retries redials the address.
  bool redial = slots_[slot].outbound && info.network
                && info.network->retry.count() > 0;
  drop(slot);
  BROKER_INFO("[{}] in-memory peering with {} ended: the peer went away{}",
              settings_.name, info.node, redial ? "; redialling" : "");
  if (established)
    routes_.emit<sc::peer_lost>(info, "lost connection to remote peer");
  if (redial)
    return info.network;
  return std::nullopt;
}

// -- unpeering -----------------------------------------------------------------

bool peer_table::unpeer(const node_id& id) {
  auto slot = find(id);
  if (slot == npos) {
    BROKER_INFO("[{}] cannot unpeer from {}: not a peer", settings_.name, id);
    routes_.emit(error{ec::peer_invalid, endpoint_info{id, std::nullopt},
                       "cannot unpeer from unknown peer"});
    return false;
  }
  unpeer_slot(slot);
  return true;
}

bool peer_table::unpeer(const std::string& address, uint16_t port) {
  for (uint32_t slot = 0; slot < slots_.size(); ++slot) {
    auto& net = slots_[slot].info.network;
    if ((slots_[slot].conn || slots_[slot].remote) && net
        && net->address == address && net->port == port) {
      unpeer_slot(slot);
      return true;
    }
  }
  BROKER_INFO("[{}] cannot unpeer from {}:{}: not a peer", settings_.name,
              address, port);
  routes_.emit(error{ec::peer_invalid,
                     endpoint_info{node_id{}, network_info{address, port}},
                     "cannot unpeer from unknown peer"});
  return false;
}

void peer_table::unpeer_slot(uint32_t slot) {
  auto info = slots_[slot].info;
  bool established = slots_[slot].established;
  BROKER_INFO("[{}] peering with {} ended: unpeered", settings_.name,
              info.node);
  if (auto& conn = slots_[slot].conn) {
    conns_.forget(*conn);
    conn->say_goodbye();
  } else if (auto& remote = slots_[slot].remote) {
    remote->post([target = remote.get(), me = settings_.id] {
      target->on_peer_gone(me);
    });
  }
  drop(slot);
  if (established)
    routes_.emit<sc::peer_removed>(info, "removed connection to remote peer");
}

// -- overflow ------------------------------------------------------------------

bool peer_table::make_room(uint32_t slot, size_t queued,
                           const std::function<size_t(size_t)>& drop_queued) {
  auto& peer = slots_[slot];
  auto count = peer.pending.size();
  if (queued + count <= settings_.peer_buffer)
    return true;
  auto excess = queued + count - settings_.peer_buffer;
  size_t dropped = 0;
  switch (settings_.peer_policy) {
    case overflow_policy::drop_newest:
      // Keep what fits, drop the rest of the batch.
      dropped = std::min(excess, count);
      peer.pending.resize(count - dropped);
      break;
    case overflow_policy::drop_oldest: {
      // The oldest waiting messages go first; what the queue cannot give
      // up (another sender's share of an inbox) comes off the batch.
      dropped = drop_queued(excess);
      auto from_batch = std::min(excess - std::min(excess, dropped), count);
      peer.pending.erase(peer.pending.begin(),
                         peer.pending.begin() + from_batch);
      dropped += from_batch;
      break;
    }
    default:
      handle_overflow(slot, count);
      return false;
  }
  peer.traffic.dropped += dropped;
  report_drops(peer.info, dropped);
  return !peer.pending.empty();
}

void peer_table::limit_queued_bytes(uint32_t slot) {
  auto& peer = slots_[slot];
  auto& conn = *peer.conn;
  if (conn.queued_bytes() <= settings_.peer_buffer_bytes)
    return;
  auto policy = settings_.peer_policy;
  if (policy != overflow_policy::drop_newest
      && policy != overflow_policy::drop_oldest) {
    handle_overflow(slot, conn.waiting_messages());
    return;
  }
  auto dropped = conn.trim_queued_data(settings_.peer_buffer_bytes,
                                       policy == overflow_policy::drop_newest);
  peer.traffic.dropped += dropped;
  if (dropped > 0)
    report_drops(peer.info, dropped);
}

void peer_table::handle_overflow(uint32_t slot, size_t count) {
  auto& peer = slots_[slot];
  peer.pending.clear();
  auto info = peer.info;
  report_drops(info, count);
  if (settings_.peer_policy != overflow_policy::disconnect)
    return;
  if (auto conn = peer.conn) {
    conns_.forget(*conn);
    conn->close();
  } else {
    auto remote = peer.remote;
    remote->post([target = remote.get(), me = settings_.id] {
      target->on_peer_gone(me);
    });
  }
  drop(slot);
  BROKER_WARNING("[{}] peering with {} ended: its buffer overflowed "
                 "(policy disconnect)",
                 settings_.name, info.node);
  routes_.emit<sc::peer_removed>(info, "removed connection to remote peer");
}

void peer_table::report_drops(const endpoint_info& info, size_t count) {
  BROKER_WARNING("[{}] buffer toward peer {} full: dropped {} messages "
                 "(policy {})",
                 settings_.name, info.node, count,
                 to_string(settings_.peer_policy));
  routes_.emit(error{ec::unspecified, info,
                     "peer buffer full: dropped " + std::to_string(count)
                       + " messages (policy "
                       + to_string(settings_.peer_policy) + ")"});
}

// -- queries and shutdown ------------------------------------------------------

std::vector<peer_info> peer_table::infos() const {
  std::vector<peer_info> xs;
  for (auto& peer : slots_) {
    if (!peer.remote && !peer.conn)
      continue;
    // Peered by address counts as remote, even when it runs in memory.
    bool remote = peer.conn || peer.info.network;
    auto flags = (remote ? peer_flags::remote : peer_flags::local)
                 + (peer.outbound ? peer_flags::outbound
                                  : peer_flags::inbound);
    xs.push_back(peer_info{peer.info, flags,
                           peer.established ? peer_status::peered
                                            : peer_status::connecting});
  }
  return xs;
}

std::vector<peer_stats> peer_table::stats() const {
  std::vector<peer_stats> xs;
  for (auto& peer : slots_) {
    if (!peer.remote && !peer.conn)
      continue;
    peer_stats x;
    x.id = peer.info.node;
    x.address = peer.info.network;
    x.state = peer.established ? "peered" : "connecting";
    x.outbound = peer.outbound;
    x.tcp = peer.conn != nullptr;
    x.traffic = peer.traffic;
    x.capacity = settings_.peer_buffer;
    x.filter = peer.filter;
    if (peer.conn) {
      x.bytes_in = peer.conn->stats().bytes_in;
      x.bytes_out = peer.conn->stats().bytes_out;
      x.buffered = peer.conn->waiting_messages();
    } else {
      // An in-process peer's inbox holds what all its peers sent it.
      x.buffered = peer.remote->mailbox().remote_pending();
    }
    xs.push_back(std::move(x));
  }
  return xs;
}

std::vector<topic> peer_table::subscriptions() const {
  // Only peers the router sends to: a TCP peer whose extension probe is
  // still pending has announced its filter but gets nothing yet.
  std::vector<topic> xs;
  for (auto& peer : slots_)
    if (peer.established)
      xs.insert(xs.end(), peer.filter.begin(), peer.filter.end());
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  return xs;
}

std::vector<std::shared_ptr<net::connection>> peer_table::say_goodbye_all() {
  std::vector<std::shared_ptr<net::connection>> leaving;
  for (auto& slot : slots_) {
    if (!slot.conn || !slot.established || slot.conn->closed())
      continue;
    BROKER_INFO("[{}] peering with {} ends: shutting down", settings_.name,
                slot.info.node);
    conns_.forget(*slot.conn);
    slot.conn->say_goodbye();
    leaving.push_back(slot.conn);
  }
  return leaving;
}

void peer_table::stop() {
  for (auto& slot : slots_)
    if (slot.conn)
      slot.conn->close();
  for (auto& slot : slots_) {
    if (!slot.remote)
      continue;
    auto remote = slot.remote;
    remote->post([target = remote.get(), me = settings_.id] {
      target->on_peer_gone(me);
    });
    slot.remote.reset();
  }
}

void peer_table::clear() {
  slots_.clear();
  index_.clear();
}

} // namespace broker::detail
