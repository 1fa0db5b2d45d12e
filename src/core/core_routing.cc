// The hot path: draining the inbox, matching topics, batching per
// destination, flushing. Runs on the core thread only.
#include "core/core.hh"

#include "net/connection.hh"

#include <algorithm>
#include <string_view>
#include <utility>

namespace broker::detail {

namespace {

bool ends_with(std::string_view str, std::string_view suffix) {
  return str.size() >= suffix.size()
         && str.compare(str.size() - suffix.size(), suffix.size(), suffix)
              == 0;
}

} // namespace

void core::drain() {
  inbox_.drain(local_batch_, remote_batch_);
  for (auto& batch : remote_batch_)
    route_remote(batch);
  for (auto& req : local_batch_)
    route_local(req);
  flush();
  release_publishers(local_batch_);
  local_batch_.clear();
  remote_batch_.clear();
}

void core::route_local(publish_request& req) {
  if (req.source && req.source->drop_all)
    return;
  // The request is done with its message: only its source is used later.
  envelope env{std::move(req.msg), id_, ++seq_, ttl_, req.target != nullptr};
  if (env.targeted) {
    auto i = peer_index_by_id_.find(*req.target);
    if (i == peer_index_by_id_.end() || !peers_[i->second].established)
      return; // No such peer: upstream logs and drops as well.
    auto slot = i->second;
    if (peers_[slot].pending.empty())
      touched_peers_.push_back(slot);
    peers_[slot].pending.emplace_back(std::move(env));
    return;
  }
  // Own publications go to peers only, never to local subscribers.
  forward_to_peers(std::move(env), UINT32_MAX);
}

void core::route_remote(peer_batch& batch) {
  auto sender = peer_index_by_id_.find(batch.sender);
  if (sender == peer_index_by_id_.end())
    return; // Unpeered while the batch was in flight.
  auto from = sender->second;
  for (auto& env : batch.items)
    route_incoming(env, from);
}

void core::route_incoming(envelope& env, uint32_t from) {
  if (env.origin == id_ || env.ttl == 0)
    return;
  // Plain v1 messages carry no sequence number (the sender field names the
  // last hop only): they cannot be told apart, so nothing is suppressed.
  if (env.seq != 0 && !window_of(env.origin).accept(env.seq))
    return;
  deliver_to_subscribers(env.msg);
  if (env.targeted || !forward_)
    return;
  auto ttl = std::min<uint16_t>(ttl_, env.ttl - 1);
  if (ends_with(env.msg.get_topic().string(), topic::clone_suffix_str))
    ttl = 0;
  if (ttl == 0)
    return;
  env.ttl = ttl;
  forward_to_peers(std::move(env), from);
}

template <class F>
void core::for_each_route(route_cache& cache,
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

dedup_window& core::window_of(const node_id& origin) {
  // Batches mostly carry one origin: skip hashing the id for each message.
  if (last_origin_ == nullptr || *last_origin_ != origin) {
    auto i = seen_.try_emplace(origin).first;
    last_origin_ = &i->first;
    last_window_ = &i->second;
  }
  return *last_window_;
}

void core::deliver_to_subscribers(const data_message& msg) {
  ++epoch_;
  auto& t = msg.get_topic().string();
  for_each_route(local_cache_, local_routes_, t, [&](uint32_t slot) {
    auto& sub = subs_[slot];
    if (sub.epoch == epoch_)
      return; // Overlapping prefixes of one subscriber: deliver once.
    sub.epoch = epoch_;
    if (sub.pending.empty())
      touched_subs_.push_back(slot);
    sub.pending.emplace_back(msg);
  });
}

void core::forward_to_peers(envelope&& env, uint32_t except) {
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

void core::flush() {
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
  size_t connections = 0;
  for (auto slot : touched_peers_)
    connections += peers_[slot].conn ? 1 : 0;
  for (auto slot : touched_peers_) {
    auto& peer = peers_[slot];
    if (peer.conn) {
      send_to_connection(slot, connections > 1);
      continue;
    }
    if (!peer.remote && peer.established && peer.pending.size() <= peer_buffer_)
      continue; // Between connections (simultaneous dial): keep them.
    if (!peer.remote || peer.pending.empty()) {
      peer.pending.clear();
      continue;
    }
    auto& there = peer.remote->inbox_;
    if (!make_room(slot, there.remote_pending(), [&there, this](size_t n) {
          return there.drop_oldest_from(id_, n);
        }))
      continue;
    auto count = peer.pending.size();
    peer.remote->inbox_.push(peer_batch{id_, std::move(peer.pending)});
    // The moved-from vector lost its buffer: size the next one at once
    // instead of growing it element by element.
    peer.pending = std::vector<envelope>{};
    peer.pending.reserve(count);
  }
  touched_peers_.clear();
  encoded_.clear();
  report_overflows();
}

void core::send_to_connection(uint32_t slot, bool shared) {
  auto& peer = peers_[slot];
  // Frames wait here when the kernel's socket buffer is full and a write is
  // in progress: the peer reads slower than we send.
  auto& conn = *peer.conn;
  if (!make_room(slot, conn.waiting_messages(),
                 [&conn](size_t n) { return conn.drop_queued_data(n); }))
    return;
  size_t unencodable = 0;
  for (auto& env : peer.pending) {
    bool sent;
    if (shared && !env.targeted) {
      auto frame = encoded_.frame_of(env, id_, conn.compact_output());
      sent = !frame.empty();
      if (sent)
        conn.send_encoded(frame.data, frame.size);
    } else {
      sent = peer.conn->send_data(env);
    }
    unencodable += sent ? 0 : 1;
  }
  peer.conn->flush();
  peer.pending.clear();
  if (unencodable > 0)
    emit(error{ec::invalid_data, peer.info,
               std::to_string(unencodable)
                 + " message(s) exceed the wire format's limits and were "
                   "not sent to this peer"});
}

void core::release_publishers(std::vector<publish_request>& reqs) {
  publisher_state* last = nullptr;
  size_t run = 0;
  for (auto& req : reqs) {
    auto src = req.source.get();
    if (src != last) {
      if (last)
        last->release(run);
      last = src;
      run = 0;
    }
    ++run;
  }
  if (last)
    last->release(run);
}

} // namespace broker::detail
