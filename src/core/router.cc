// The hot path: matching topics, batching per destination, flushing; plus
// subscriber slots and the delivery of statuses. Core thread only.
#include "core/router.hh"

#include <algorithm>
#include <string_view>
#include <utility>

#include "broker/convert.hh"
#include "core/core.hh"
#include "core/peer_table.hh"
#include "core/remember.hh"
#include "data/log_format.hh"
#include "log/log.hh"
#include "net/connection.hh"

namespace broker::detail {

namespace {

/// Where `processed_` counts a message.
size_t kind_index(const data_message& msg) noexcept {
  return static_cast<size_t>(is_command(msg) ? message_kind::command
                                             : message_kind::data);
}

bool ends_with(std::string_view str, std::string_view suffix) {
  return str.size() >= suffix.size()
         && str.compare(str.size() - suffix.size(), suffix.size(), suffix)
              == 0;
}

} // namespace

router::router(const core_settings& settings, peer_table& peers)
  : settings_(settings), peers_(peers) {}

// -- the hot path --------------------------------------------------------------

void router::route_local(publish_request& req) {
  if (req.source && req.source->drop_all)
    return;
  ++processed_[kind_index(req.msg)];
  // The request is done with its message: only its source is used later.
  envelope env{std::move(req.msg), settings_.id, ++seq_, settings_.ttl,
               req.target != nullptr};
  if (env.targeted) {
    auto slot = peers_.find(*req.target);
    if (slot == peer_table::npos || !peers_[slot].established) {
      if (!is_command(env.msg)) {
        // No such peer: upstream logs and drops as well.
        BROKER_DEBUG("[{}] dropping a message on {} for an endpoint that "
                     "is not a peer",
                     settings_.name, env.msg.get_topic());
        return;
      }
      // A store's reply to an endpoint that is not a direct peer: by topic,
      // the command names its receiver (docs/stores.md).
      env.targeted = false;
      forward_to_peers(std::move(env), UINT32_MAX);
      return;
    }
    if (peers_[slot].pending.empty())
      touched_peers_.push_back(slot);
    peers_[slot].pending.emplace_back(std::move(env));
    return;
  }
  // Own publications go to peers only, never to local subscribers.
  forward_to_peers(std::move(env), UINT32_MAX);
}

void router::route_remote(peer_batch& batch) {
  auto from = peers_.find(batch.sender);
  if (from == peer_table::npos)
    return; // Unpeered while the batch was in flight.
  for (auto& env : batch.items)
    route_incoming(env, from);
}

void router::route_incoming(envelope& env, uint32_t from) {
  ++processed_[kind_index(env.msg)];
  ++peers_[from].traffic.messages_in;
  if (env.origin == settings_.id || env.ttl == 0)
    return;
  // Plain v1 messages carry no sequence number (the sender field names the
  // last hop only): they cannot be told apart, so nothing is suppressed.
  if (env.seq != 0 && !window_of(env.origin).accept(env.seq))
    return;
  deliver_to_subscribers(env.msg);
  if (env.targeted || !settings_.forward)
    return;
  auto ttl = std::min<uint16_t>(settings_.ttl, env.ttl - 1);
  if (ends_with(env.msg.get_topic().string(), topic::clone_suffix_str))
    ttl = 0;
  if (ttl == 0)
    return;
  env.ttl = ttl;
  forward_to_peers(std::move(env), from);
}

template <class F>
void router::for_each_route(route_cache& cache,
                            const prefix_index<uint32_t>& routes,
                            const std::string& topic, F&& f) {
  if (cache.version != routes_version_ || cache.topic != topic) {
    cache.slots.clear();
    routes.for_each_match(topic,
                          [&](uint32_t slot) { cache.slots.push_back(slot); });
    cache.topic = topic;
    cache.version = routes_version_;
  }
  for (auto slot : cache.slots)
    f(slot);
}

dedup_window& router::window_of(const node_id& origin) {
  // Batches mostly carry one origin: skip hashing the id for each message.
  if (last_origin_ == nullptr || *last_origin_ != origin) {
    auto i = seen_.try_emplace(origin).first;
    last_origin_ = &i->first;
    last_window_ = &i->second;
  }
  return *last_window_;
}

void router::deliver_to_subscribers(const data_message& msg) {
  ++epoch_;
  auto& t = msg.get_topic().string();
  auto command = is_command(msg);
  for_each_route(local_cache_, local_routes_, t, [&](uint32_t slot) {
    auto& sub = subs_[slot];
    if (command && !sub.commands)
      return; // Store traffic is for stores only, as upstream.
    if (sub.epoch == epoch_)
      return; // Overlapping prefixes of one subscriber: deliver once.
    sub.epoch = epoch_;
    if (sub.pending.empty())
      touched_subs_.push_back(slot);
    sub.pending.emplace_back(msg);
  });
}

void router::forward_to_peers(envelope&& env, uint32_t except) {
  ++epoch_;
  auto enqueue = [this](uint32_t slot, auto&& x) {
    auto& peer = peers_[slot];
    if (peer.pending.empty())
      touched_peers_.push_back(slot);
    peer.pending.emplace_back(std::forward<decltype(x)>(x));
  };
  // Every recipient but the last gets a copy; the last takes `env` itself,
  // which saves the common single-peer case a reference count round trip.
  auto last = UINT32_MAX;
  auto& t = env.msg.get_topic().string();
  for_each_route(peer_cache_, peer_routes_, t, [&](uint32_t slot) {
    auto& peer = peers_[slot];
    if (slot == except || peer.epoch == epoch_ || !peer.established)
      return;
    peer.epoch = epoch_;
    if (last != UINT32_MAX)
      enqueue(last, std::as_const(env));
    last = slot;
  });
  if (last != UINT32_MAX)
    enqueue(last, std::move(env));
}

void router::flush() {
  if (log::enabled(log::level::debug))
    log_batches();
  for (auto slot : touched_subs_) {
    auto& sub = subs_[slot];
    if (!sub.queue) {
      sub.pending.clear();
      continue;
    }
    if (auto drops = sub.queue->push(sub.pending); drops > 0)
      overflows_.emplace_back(slot, drops);
  }
  touched_subs_.clear();
  flush_peers();
  touched_peers_.clear();
  encoded_.clear();
  report_overflows();
}

void router::flush_peers() {
  size_t connections = 0;
  for (auto slot : touched_peers_)
    connections += peers_[slot].conn ? 1 : 0;
  for (auto slot : touched_peers_) {
    auto& peer = peers_[slot];
    if (peer.conn) {
      send_to_connection(slot, connections > 1);
      continue;
    }
    if (!peer.remote && peer.established
        && peer.pending.size() <= settings_.peer_buffer)
      continue; // Between connections (simultaneous dial): keep them.
    if (!peer.remote || peer.pending.empty()) {
      peer.pending.clear();
      continue;
    }
    auto& there = peer.remote->mailbox();
    auto me = settings_.id;
    if (!peers_.make_room(slot, there.remote_pending(), [&there, me](size_t n) {
          return there.drop_oldest_from(me, n);
        }))
      continue;
    auto count = peer.pending.size();
    peer.traffic.messages_out += count;
    there.push(peer_batch{settings_.id, std::move(peer.pending)});
    // The moved-from vector lost its buffer: size the next one at once
    // instead of growing it element by element.
    peer.pending = std::vector<envelope>{};
    peer.pending.reserve(count);
  }
}

void router::send_to_connection(uint32_t slot, bool shared) {
  auto& peer = peers_[slot];
  // Frames wait here when the kernel's socket buffer is full and a write is
  // in progress: the peer reads slower than we send.
  auto& conn = *peer.conn;
  if (!peers_.make_room(slot, conn.waiting_messages(),
                        [&conn](size_t n) { return conn.drop_queued_data(n); }))
    return;
  size_t unencodable = 0;
  for (auto& env : peer.pending) {
    bool sent;
    if (shared && !env.targeted && !is_command(env.msg)) {
      auto frame = encoded_.frame_of(env, settings_.id,
                                     conn.compact_output());
      sent = !frame.empty();
      if (sent)
        conn.send_encoded(frame.data, frame.size);
    } else {
      sent = peer.conn->send_data(env);
    }
    unencodable += sent ? 0 : 1;
  }
  peer.conn->flush();
  peer.traffic.messages_out += peer.pending.size() - unencodable;
  peer.pending.clear();
  if (unencodable > 0)
    BROKER_WARNING("[{}] {} message(s) exceed the wire format's limits and "
                   "were not sent to peer {}",
                   settings_.name, unencodable, peer.info.node);
  if (unencodable > 0)
    emit(error{ec::invalid_data, peer.info,
               std::to_string(unencodable)
                 + " message(s) exceed the wire format's limits and were "
                   "not sent to this peer"});
  // Last: with the disconnect policy this may drop the peer.
  peers_.limit_queued_bytes(slot);
}

void router::log_batches() const {
  // Per batch at debug; per message at trace, from here too, so that the
  // per-message code (route_local, route_incoming) has no log check.
  auto each = log::enabled(log::level::trace);
  size_t to_subs = 0;
  for (auto slot : touched_subs_) {
    to_subs += subs_[slot].pending.size();
    if (each)
      for (auto& msg : subs_[slot].pending)
        BROKER_TRACE("[{}] to local subscriber {}: {} {}", settings_.name,
                     slot, msg.get_topic(), abbreviated(msg.get_data()));
  }
  if (to_subs > 0)
    BROKER_DEBUG("[{}] delivering {} messages to {} local subscribers",
                 settings_.name, to_subs, touched_subs_.size());
  for (auto slot : touched_peers_) {
    auto& peer = peers_[slot];
    if (peer.pending.empty())
      continue;
    BROKER_DEBUG("[{}] sending {} messages to peer {} (first on {})",
                 settings_.name, peer.pending.size(), peer.info.node,
                 peer.pending.front().msg.get_topic());
    if (each)
      for (auto& env : peer.pending)
        BROKER_TRACE("[{}] to peer {}: {} (origin {}, ttl {}) {}",
                     settings_.name, peer.info.node, env.msg.get_topic(),
                     env.origin, env.ttl, abbreviated(env.msg.get_data()));
  }
}

void router::report_overflows() {
  for (auto& entry : overflows_) {
    // A plain variable: clang (C++17) lets no lambda, such as the log
    // macro's, capture a structured binding.
    auto drops = entry.second;
    BROKER_WARNING("[{}] subscriber buffer full: dropped {} messages "
                   "(policy {})",
                   settings_.name, drops,
                   to_string(settings_.subscriber_policy));
    emit(error{ec::unspecified,
               "subscriber buffer full: dropped " + std::to_string(drops)
                 + " messages (policy "
                 + to_string(settings_.subscriber_policy) + ")"});
  }
  overflows_.clear();
}

// -- subscribers ---------------------------------------------------------------

const filter_type&
router::add_subscriber(std::shared_ptr<subscriber_queue> queue,
                       const filter_type& topics, bool commands) {
  uint32_t slot;
  if (free_subs_.empty()) {
    slot = static_cast<uint32_t>(subs_.size());
    subs_.emplace_back();
  } else {
    slot = free_subs_.back();
    free_subs_.pop_back();
  }
  auto& entry = subs_[slot];
  entry.queue = queue;
  entry.commands = commands;
  entry.topics.clear();
  for (auto& t : topics)
    if (std::find(entry.topics.begin(), entry.topics.end(), t)
        == entry.topics.end())
      entry.topics.emplace_back(t);
  for (auto& t : entry.topics)
    local_routes_.add(t.string(), slot);
  local_routes_changed();
  sub_index_.emplace(queue.get(), slot);
  return entry.topics;
}

void router::remove_subscriber(subscriber_queue* queue) {
  auto i = sub_index_.find(queue);
  if (i == sub_index_.end())
    return;
  auto slot = i->second;
  sub_index_.erase(i);
  local_routes_.remove_all(slot);
  local_routes_changed();
  subs_[slot] = subscriber_slot{};
  free_subs_.push_back(slot);
}

router::change router::update_subscriber(subscriber_queue* queue,
                                         const topic& t, bool add) {
  auto i = sub_index_.find(queue);
  if (i == sub_index_.end())
    return change::unknown_subscriber;
  auto slot = i->second;
  auto& topics = subs_[slot].topics;
  auto pos = std::find(topics.begin(), topics.end(), t);
  if (add && pos == topics.end()) {
    topics.emplace_back(t);
    local_routes_.add(t.string(), slot);
    local_routes_changed();
    return change::added;
  }
  if (!add && pos != topics.end()) {
    topics.erase(pos);
    local_routes_.remove(t.string(), slot);
    local_routes_changed();
    return change::removed;
  }
  return change::unchanged;
}

void router::watch(const std::shared_ptr<local_interest>& x) {
  remember(interests_, x);
  local_routes_changed();
}

void router::local_routes_changed() {
  ++routes_version_;
  for (auto& weak : interests_) {
    auto x = weak.lock();
    if (!x)
      continue;
    bool any = false;
    local_routes_.for_each_match(x->watched().string(),
                                 [&any](uint32_t) { any = true; });
    x->set(any);
  }
}

void router::close_subscribers() {
  for (auto& slot : subs_)
    if (slot.queue)
      slot.queue->close();
}

std::vector<subscriber_stats> router::subscribers() const {
  std::vector<subscriber_stats> xs;
  for (size_t slot = 0; slot < subs_.size(); ++slot) {
    auto& sub = subs_[slot];
    if (!sub.queue)
      continue;
    subscriber_stats x;
    x.id = static_cast<uint32_t>(slot);
    x.topics = sub.topics;
    x.store = sub.commands;
    x.buffered = sub.queue->size();
    x.capacity = sub.queue->capacity();
    x.dropped = sub.queue->dropped();
    xs.push_back(std::move(x));
  }
  return xs;
}

// -- peers' filters ------------------------------------------------------------

void router::set_peer_routes(uint32_t slot, const filter_type& filter) {
  peer_routes_.remove_all(slot);
  for (auto& t : filter)
    peer_routes_.add(t.string(), slot);
  ++routes_version_;
}

void router::remove_peer_routes(uint32_t slot) {
  peer_routes_.remove_all(slot);
  ++routes_version_;
}

// -- local delivery ------------------------------------------------------------

void router::deliver_now(topic t, data d) {
  data_message msg{std::move(t), std::move(d)};
  deliver_to_subscribers(msg);
  for (auto slot : touched_subs_)
    if (auto& sub = subs_[slot]; sub.queue)
      sub.queue->push(sub.pending);
    else
      sub.pending.clear();
  touched_subs_.clear();
}

template <sc Code>
void router::emit(const endpoint_info& ctx, std::string msg) {
  auto st = status::make<Code>(ctx, std::move(msg));
  data d;
  if (convert(st, d))
    deliver_now(topic::statuses(), std::move(d));
}

// The codes the other parts of the core emit.
template void router::emit<sc::peer_added>(const endpoint_info&, std::string);
template void router::emit<sc::peer_removed>(const endpoint_info&,
                                             std::string);
template void router::emit<sc::peer_lost>(const endpoint_info&, std::string);

void router::emit(error err) {
  data d;
  if (convert(err, d))
    deliver_now(topic::errors(), std::move(d));
}

} // namespace broker::detail
