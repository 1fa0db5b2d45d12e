#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "store/channel_messages.hh"
#include "store/channel_producer_backend.hh"
#include "store/channel_settings.hh"

namespace broker::detail::channel {

/// The sending side of the replication channel (docs/stores.md): numbers
/// events, keeps the ones some consumer still needs, answers NACKs, sends
/// keepalives and drops consumers that went quiet. Driven only by method
/// calls; everything it says goes to the backend. Not thread-safe.
///
/// Memory: the buffer holds only events after the lowest acknowledged point
/// of the live consumers. A consumer that stays silent, or whose ACK stops
/// advancing while it has events outstanding, for the connection timeout is
/// dropped, so one stalled consumer cannot pin the buffer for longer.
/// `Payload` is copied into every broadcast and retransmission: make it cheap
/// to copy (e.g. a shared pointer) if commands are large.
template <class Handle, class Payload>
class producer {
public:
  using backend_type = producer_backend<Handle, Payload>;
  using event_type = event<Payload>;

  /// How a consumer that joins catches up.
  enum class catch_up {
    /// Its handshake carries the state (ack_clone's snapshot), so it starts
    /// after the current sequence number; with no consumer nothing is kept.
    snapshot,
    /// It needs every unacknowledged event (a clone's writes to its master):
    /// events produced while no consumer exists are held for the next one.
    replay,
  };

  producer(backend_type* backend, settings cfg,
           catch_up mode = catch_up::snapshot)
    : backend_(backend), cfg_(cfg.sanitized()), mode_(mode) {
    // Nothing to do.
  }

  // -- inputs -----------------------------------------------------------------

  /// Adds a consumer and sends it the handshake. False if already known.
  bool add(const Handle& hdl) {
    if (find(hdl) != paths_.end())
      return false;
    auto replay = mode_ == catch_up::replay && !buf_.empty();
    auto offset = replay ? buf_.front().seq - 1 : seq_;
    paths_.push_back(path{hdl, offset, 0, tick_, tick_, tick_});
    send_handshake(paths_.back());
    if (replay)
      for (auto& ev : buf_)
        backend_->send(hdl, ev);
    return true;
  }

  /// Numbers `content` and broadcasts it (or holds it, see `catch_up`).
  void produce(Payload content) {
    ++seq_;
    if (paths_.empty() && mode_ == catch_up::snapshot)
      return;
    buf_.push_back(event_type{seq_, std::move(content)});
    if (paths_.empty())
      return;
    last_broadcast_ = tick_;
    backend_->broadcast(buf_.back());
  }

  /// A consumer consumed everything up to `seq`.
  void handle_ack(const Handle& hdl, uint64_t seq) {
    auto i = find(hdl);
    if (i == paths_.end())
      return;
    i->last_seen = tick_;
    if (seq > seq_ || seq <= i->acked)
      return;
    i->acked = seq;
    i->progress_at = tick_;
    trim();
  }

  /// A consumer misses `seqs` (sorted); `[0]` asks to join.
  void handle_nack(const Handle& hdl, const std::vector<uint64_t>& seqs) {
    if (seqs.empty())
      return;
    if (seqs.front() == 0) {
      handle_join(hdl);
      return;
    }
    auto i = find(hdl);
    auto known = i != paths_.end();
    if (known)
      i->last_seen = tick_;
    // A consumer we dropped learns it here and re-attaches.
    auto lost = false;
    for (auto seq : seqs)
      lost |= !retransmit(hdl, seq, known);
    // It gives up on a retransmit_failed; its NACK 0 must find it unknown.
    if (known && lost)
      remove(hdl);
  }

  /// NACK 0: adds an unknown consumer or repeats the handshake to one that
  /// has not acknowledged it yet. A consumer that acknowledged before and
  /// asks again started over (e.g. after losing its peering to us): it gets
  /// a fresh handshake with the current offset. Over one ordered link a
  /// NACK 0 cannot overtake the ACK sent after it, so this is never a late
  /// duplicate. Returns whether a handshake went out.
  bool handle_join(const Handle& hdl) {
    auto i = find(hdl);
    if (i != paths_.end() && i->acked != 0) {
      paths_.erase(i);
      trim();
      i = paths_.end();
    }
    if (i == paths_.end())
      return add(hdl);
    i->last_seen = tick_;
    send_handshake(*i);
    return true;
  }

  /// Forgets `hdl` (a consumer the owner knows is gone); false if unknown.
  /// In replay mode its unacknowledged events stay for the next consumer.
  bool drop(const Handle& hdl) {
    if (find(hdl) == paths_.end())
      return false;
    remove(hdl);
    return true;
  }

  /// One tick of `settings::tick_interval` passed.
  void tick() {
    ++tick_;
    drop_stalled();
    for (auto& p : paths_)
      if (p.acked == 0 && tick_ - p.handshake_at >= cfg_.heartbeat_interval)
        send_handshake(p);
    if (!paths_.empty() && tick_ - last_broadcast_ >= cfg_.heartbeat_interval)
      send_keepalive();
  }

  /// Replay mode without consumers: gives up the held events (the owner's
  /// limit on how long writes may wait for a master). Returns how many.
  size_t drop_held() {
    if (!paths_.empty())
      return 0;
    auto n = buf_.size();
    buf_.clear();
    return n;
  }

  // -- properties -------------------------------------------------------------

  /// The last sequence number handed out (1 before the first event).
  uint64_t seq() const noexcept {
    return seq_;
  }

  /// Events kept for retransmission.
  size_t buffered() const noexcept {
    return buf_.size();
  }

  size_t num_consumers() const noexcept {
    return paths_.size();
  }

  bool has_consumer(const Handle& hdl) const {
    return find(hdl) != paths_.end();
  }

  /// Whether `hdl` acknowledged its handshake.
  bool acknowledged(const Handle& hdl) const {
    auto i = find(hdl);
    return i != paths_.end() && i->acked != 0;
  }

  const settings& config() const noexcept {
    return cfg_;
  }

  /// Whether nothing is in flight: every consumer acknowledged its
  /// handshake and everything produced so far, and no event waits for a
  /// consumer (replay mode). Upstream 2.3's idle state, which
  /// store::await_idle waits for.
  bool idle() const noexcept {
    if (paths_.empty())
      return buf_.empty();
    return std::all_of(paths_.begin(), paths_.end(), [this](const path& p) {
      return p.acked != 0 && p.needs_after() >= seq_;
    });
  }

private:
  struct path {
    Handle hdl;
    /// The consumer needs events after this one (its handshake's offset).
    uint64_t offset;
    /// Its last cumulative ACK; 0 until it answered the handshake.
    uint64_t acked;
    uint64_t last_seen;
    /// When its ACK last advanced (or it had nothing outstanding).
    uint64_t progress_at;
    uint64_t handshake_at;

    uint64_t needs_after() const noexcept {
      return std::max(acked, offset);
    }
  };

  using path_iterator = typename std::vector<path>::iterator;
  using const_path_iterator = typename std::vector<path>::const_iterator;

  path_iterator find(const Handle& hdl) {
    return std::find_if(paths_.begin(), paths_.end(),
                        [&](const path& p) { return p.hdl == hdl; });
  }

  const_path_iterator find(const Handle& hdl) const {
    return std::find_if(paths_.begin(), paths_.end(),
                        [&](const path& p) { return p.hdl == hdl; });
  }

  void send_handshake(path& p) {
    p.handshake_at = tick_;
    backend_->send(p.hdl, handshake{p.offset, cfg_.heartbeat_interval});
  }

  void send_keepalive() {
    last_broadcast_ = tick_;
    backend_->broadcast(keepalive{seq_});
  }

  /// False if `seq` is gone.
  bool retransmit(const Handle& hdl, uint64_t seq, bool known) {
    if (seq == 0 || seq > seq_)
      return true;
    if (auto* ev = known ? lookup(seq) : nullptr) {
      backend_->send(hdl, *ev);
      return true;
    }
    backend_->send(hdl, retransmit_failed{seq});
    return false;
  }

  void remove(const Handle& hdl) {
    paths_.erase(find(hdl));
    trim();
    backend_->on_drop(hdl);
  }

  /// The buffer is contiguous, so the position follows from the number.
  const event_type* lookup(uint64_t seq) const {
    if (buf_.empty() || seq < buf_.front().seq || seq > buf_.back().seq)
      return nullptr;
    return &buf_[seq - buf_.front().seq];
  }

  bool stalled(path& p) {
    if (p.needs_after() >= seq_)
      p.progress_at = tick_;
    auto limit = cfg_.connection_timeout();
    return tick_ - p.last_seen >= limit || tick_ - p.progress_at >= limit;
  }

  void drop_stalled() {
    std::vector<Handle> dropped;
    auto is_stalled = [&](path& p) {
      if (!stalled(p))
        return false;
      dropped.push_back(p.hdl);
      return true;
    };
    paths_.erase(std::remove_if(paths_.begin(), paths_.end(), is_stalled),
                 paths_.end());
    if (dropped.empty())
      return;
    trim();
    // Last, so that the backend may call back into us.
    for (auto& hdl : dropped)
      backend_->on_drop(hdl);
  }

  /// Forgets the events every consumer is past.
  void trim() {
    if (paths_.empty()) {
      if (mode_ == catch_up::snapshot)
        buf_.clear();
      return;
    }
    auto floor = paths_.front().needs_after();
    for (auto& p : paths_)
      floor = std::min(floor, p.needs_after());
    while (!buf_.empty() && buf_.front().seq <= floor)
      buf_.pop_front();
  }

  backend_type* backend_;
  settings cfg_;
  catch_up mode_;
  /// Upstream starts at 1 so that the first event carries 2: 0 is reserved
  /// for "never acknowledged" and for the attach request.
  uint64_t seq_ = 1;
  uint64_t tick_ = 0;
  uint64_t last_broadcast_ = 0;
  std::deque<event_type> buf_;
  std::vector<path> paths_;
};

} // namespace broker::detail::channel
