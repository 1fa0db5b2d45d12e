// Peering between in-process endpoints, filter exchange, statuses.
#include "core/core.hh"

#include <algorithm>

#include "broker/convert.hh"
#include "core/filter.hh"
#include "net/connection.hh"

namespace broker::detail {

template <sc Code>
void core::emit(const endpoint_info& ctx, std::string msg) {
  auto st = status::make<Code>(ctx, std::move(msg));
  data d;
  if (convert(st, d))
    deliver_now(topic::statuses(), std::move(d));
}


// -- filters -------------------------------------------------------------------

void core::extend_filter(const filter_type& topics) {
  bool changed = false;
  for (auto& t : topics)
    if (!is_internal(t) && filter_extend(filter_, t))
      changed = true;
  if (changed)
    broadcast_filter();
}

void core::broadcast_filter() {
  for (auto& peer : peers_) {
    if (peer.conn && peer.established) {
      peer.conn->send_filter(filter_);
      continue;
    }
    if (!peer.remote)
      continue;
    auto remote = peer.remote;
    remote->post([target = remote.get(), me = id_, f = filter_] {
      target->on_filter_update(me, f);
    });
  }
}

void core::on_filter_update(node_id from, filter_type filter) {
  auto i = peer_index_by_id_.find(from);
  if (i != peer_index_by_id_.end())
    set_peer_filter(i->second, std::move(filter));
}

void core::set_peer_filter(uint32_t slot, filter_type filter) {
  auto& peer = peers_[slot];
  peer_routes_.remove_all(slot);
  peer.filter = std::move(filter);
  for (auto& t : peer.filter)
    peer_routes_.add(t.string(), slot);
  ++routes_version_;
}

// -- peer slots ----------------------------------------------------------------

uint32_t core::alloc_peer_slot() {
  peer_count_.fetch_add(1);
  if (free_peers_.empty()) {
    peers_.emplace_back();
    return static_cast<uint32_t>(peers_.size() - 1);
  }
  auto slot = free_peers_.back();
  free_peers_.pop_back();
  return slot;
}

uint32_t core::add_peer_slot(const std::shared_ptr<core>& remote,
                             bool outbound) {
  auto slot = alloc_peer_slot();
  auto& peer = peers_[slot];
  peer.remote = remote;
  peer.info = endpoint_info{remote->id(), std::nullopt};
  peer.outbound = outbound;
  peer.established = false;
  peer_index_by_id_[remote->id()] = slot;
  return slot;
}

void core::drop_peer(uint32_t slot) {
  auto& peer = peers_[slot];
  peer_routes_.remove_all(slot);
  ++routes_version_;
  peer_index_by_id_.erase(peer.info.node);
  peers_[slot] = peer_slot{};
  free_peers_.push_back(slot);
  peer_count_.fetch_sub(1);
}

// -- handshake -----------------------------------------------------------------

bool core::peer_with(const std::shared_ptr<core>& other) {
  if (!other || other.get() == this || other->is_shutdown() || stopped_)
    return false;
  auto done = std::make_shared<std::promise<bool>>();
  auto fut = done->get_future();
  post([this, other, done] { request_peering(other, done); });
  if (fut.wait_for(timeout::peer) != std::future_status::ready)
    return false;
  return fut.get();
}

void core::request_peering(const std::shared_ptr<core>& other,
                           std::shared_ptr<std::promise<bool>> done,
                           std::optional<network_info> dialed,
                           std::optional<network_info> seen_as) {
  auto i = peer_index_by_id_.find(other->id());
  if (i != peer_index_by_id_.end()) {
    done->set_value(peers_[i->second].established);
    return;
  }
  auto slot = add_peer_slot(other, true);
  peers_[slot].info.network = std::move(dialed);
  auto self = shared_from_this();
  other->post([target = other.get(), self, f = filter_, done,
               seen_as = std::move(seen_as)]() mutable {
    target->on_peer_request(self, f, done, std::move(seen_as));
  });
}

void core::on_peer_request(std::shared_ptr<core> from, filter_type filter,
                           std::shared_ptr<std::promise<bool>> done,
                           std::optional<network_info> seen_as) {
  if (stopped_) {
    done->set_value(false);
    return;
  }
  uint32_t slot;
  auto i = peer_index_by_id_.find(from->id());
  if (i == peer_index_by_id_.end()) {
    slot = add_peer_slot(from, false);
    peers_[slot].info.network = std::move(seen_as);
  } else {
    slot = i->second; // Both sides dialled at once: one peering results.
    adopt_in_memory(slot, from, std::move(seen_as));
  }
  set_peer_filter(slot, std::move(filter));
  auto& peer = peers_[slot];
  if (!peer.established) {
    peer.established = true;
    emit<sc::peer_added>(peer.info, "handshake successful");
  }
  from->post([target = from.get(), me = id_, f = filter_, done] {
    target->on_peer_accepted(me, f, done);
  });
}

void core::adopt_in_memory(uint32_t slot, const std::shared_ptr<core>& from,
                           std::optional<network_info> seen_as) {
  auto& peer = peers_[slot];
  if (!peer.conn || peer.established)
    return;
  // A TCP connection from the same process whose extension probe has not
  // finished here yet: the dialler moved the peering into memory already.
  conn_slots_.erase(peer.conn.get());
  if (auto i = handshakes_.find(peer.conn.get()); i != handshakes_.end())
    i->second.handing_over = true;
  peer.conn.reset();
  peer.remote = from;
  peer.info.network = std::move(seen_as);
}

void core::on_peer_accepted(node_id from, filter_type filter,
                            std::shared_ptr<std::promise<bool>> done) {
  auto i = peer_index_by_id_.find(from);
  if (i == peer_index_by_id_.end()) {
    done->set_value(false); // Unpeered meanwhile.
    return;
  }
  auto slot = i->second;
  set_peer_filter(slot, std::move(filter));
  auto& peer = peers_[slot];
  if (!peer.established) {
    peer.established = true;
    emit<sc::peer_added>(peer.info, "handshake successful");
  }
  done->set_value(true);
}

bool core::unpeer_from(const std::shared_ptr<core>& other) {
  if (!other)
    return false;
  auto result = call([this, other] {
    auto i = peer_index_by_id_.find(other->id());
    if (i == peer_index_by_id_.end()) {
      emit(error{ec::peer_invalid, endpoint_info{other->id(), std::nullopt},
                 "cannot unpeer from unknown peer"});
      return false;
    }
    unpeer_slot(i->second);
    return true;
  });
  return result.value_or(false);
}

void core::unpeer_slot(uint32_t slot) {
  auto info = peers_[slot].info;
  bool established = peers_[slot].established;
  if (auto& conn = peers_[slot].conn) {
    conn_slots_.erase(conn.get());
    conn->say_goodbye();
  } else if (auto& remote = peers_[slot].remote) {
    remote->post(
      [target = remote.get(), me = id_] { target->on_peer_gone(me); });
  }
  drop_peer(slot);
  if (established)
    emit<sc::peer_removed>(info, "removed connection to remote peer");
}

void core::on_peer_gone(node_id from) {
  auto i = peer_index_by_id_.find(from);
  if (i == peer_index_by_id_.end())
    return;
  auto slot = i->second;
  auto info = peers_[slot].info;
  bool established = peers_[slot].established;
  // A peering that began as a dial with retries redials the address.
  bool redial = peers_[slot].outbound && info.network
                && info.network->retry.count() > 0;
  drop_peer(slot);
  if (established)
    emit<sc::peer_lost>(info, "lost connection to remote peer");
  if (redial && !stopped_)
    redial_after(*info.network);
}

void core::handle_peer_overflow(uint32_t slot, size_t count) {
  auto& peer = peers_[slot];
  peer.pending.clear();
  auto info = peer.info;
  auto policy = peer_policy_;
  report_peer_drops(info, count, policy);
  if (policy == overflow_policy::disconnect) {
    if (auto conn = peer.conn) {
      conn_slots_.erase(conn.get());
      conn->close();
    } else {
      auto remote = peer.remote;
      remote->post(
        [target = remote.get(), me = id_] { target->on_peer_gone(me); });
    }
    drop_peer(slot);
    emit<sc::peer_removed>(info, "removed connection to remote peer");
  }
}

bool core::make_room(uint32_t slot, size_t queued,
                     const std::function<size_t(size_t)>& drop_queued) {
  auto& peer = peers_[slot];
  auto count = peer.pending.size();
  if (queued + count <= peer_buffer_)
    return true;
  auto excess = queued + count - peer_buffer_;
  size_t dropped = 0;
  switch (peer_policy_) {
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
      handle_peer_overflow(slot, count);
      return false;
  }
  report_peer_drops(peer.info, dropped, peer_policy_);
  return !peer.pending.empty();
}

void core::report_peer_drops(const endpoint_info& info, size_t count,
                             overflow_policy policy) {
  emit(error{ec::unspecified, info,
             "peer buffer full: dropped " + std::to_string(count)
               + " messages (policy " + to_string(policy) + ")"});
}

void core::report_overflows() {
  for (auto [slot, drops] : overflows_)
    emit(error{ec::unspecified,
               "subscriber buffer full: dropped " + std::to_string(drops)
                 + " messages (policy " + to_string(subscriber_policy_)
                 + ")"});
  overflows_.clear();
}

// -- queries -------------------------------------------------------------------

std::vector<peer_info> core::peers() {
  auto result = call([this] {
    std::vector<peer_info> xs;
    for (auto& peer : peers_) {
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
  });
  return result ? std::move(*result) : std::vector<peer_info>{};
}

std::vector<topic> core::peer_subscriptions() {
  auto result = call([this] {
    std::vector<topic> xs;
    for (auto& peer : peers_)
      xs.insert(xs.end(), peer.filter.begin(), peer.filter.end());
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    return xs;
  });
  return result ? std::move(*result) : std::vector<topic>{};
}

// -- statuses and errors -------------------------------------------------------

// The codes the other files of the core emit.
template void core::emit<sc::peer_added>(const endpoint_info&, std::string);
template void core::emit<sc::peer_removed>(const endpoint_info&, std::string);
template void core::emit<sc::peer_lost>(const endpoint_info&, std::string);

void core::emit(error err) {
  data d;
  if (convert(err, d))
    deliver_now(topic::errors(), std::move(d));
}

void core::deliver_local(topic t, std::vector<data> xs) {
  post([this, t = std::move(t), xs = std::move(xs)]() mutable {
    for (auto& x : xs)
      deliver_now(t, std::move(x));
  });
}

void core::report_error(error err) {
  post([this, err = std::move(err)]() mutable { emit(std::move(err)); });
}

void core::deliver_now(topic t, data d) {
  data_message msg{std::move(t), std::move(d)};
  deliver_to_subscribers(msg);
  for (auto slot : touched_subs_)
    if (auto& sub = subs_[slot]; sub.queue)
      sub.queue->push(sub.pending);
    else
      sub.pending.clear();
  touched_subs_.clear();
}

} // namespace broker::detail
