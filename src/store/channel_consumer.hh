#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "store/channel_consumer_backend.hh"
#include "store/channel_messages.hh"
#include "store/channel_settings.hh"

namespace broker::detail::channel {

/// The receiving side of the replication channel (docs/stores.md):
/// delivers events once and in order, ACKs what it consumed, asks for what
/// is missing, and gives up when that fails. Driven only by method calls;
/// everything it says goes to the backend. Not thread-safe.
///
/// Memory: it keeps only events that arrived ahead of a gap, which the
/// producer still buffers as well.
template <class Handle, class Payload>
class consumer {
public:
  using backend_type = consumer_backend<Handle, Payload>;
  using event_type = event<Payload>;

  enum class state {
    /// Created; waits for `attach` or a handshake.
    idle,
    /// Broadcasting NACK 0 until a producer answers.
    attaching,
    /// Handshake accepted; consuming.
    running,
    /// Gave up (see `failure`); ignores input until `attach` again.
    failed,
  };

  consumer(backend_type* backend, settings cfg)
    : backend_(backend), cfg_(cfg.sanitized()),
      heartbeat_(cfg_.heartbeat_interval) {
    // Nothing to do.
  }

  // -- inputs -----------------------------------------------------------------

  /// Asks any producer to take us on: NACK 0 now and every NACK timeout
  /// until a handshake arrives. Also starts over after a failure.
  void attach() {
    reset();
    state_ = state::attaching;
    send_attach_request();
  }

  /// Accepts the first handshake: events after `hs.offset` are ours. A
  /// repeated one from our producer is answered with an ACK only. Returns
  /// whether this one was accepted, so the owner loads a snapshot only then
  /// (before this call if `!running()`, because buffered events follow).
  bool handle_handshake(const Handle& hdl, const handshake& hs) {
    if (state_ == state::running && producer_ == hdl) {
      heard_from_producer();
      send_ack();
    }
    if (state_ != state::idle && state_ != state::attaching)
      return false;
    start(hdl, hs);
    return true;
  }

  void handle_event(const Handle& hdl, event_type ev) {
    if (!from_producer(hdl) || ev.seq < next_)
      return;
    if (ev.seq == next_)
      consume(std::move(ev.content));
    else
      stash(std::move(ev));
    update_gap();
  }

  void handle_keepalive(const Handle& hdl, const keepalive& ka) {
    if (!from_producer(hdl))
      return;
    announced_ = std::max(announced_, ka.seq);
    update_gap();
  }

  /// The producer lost `x.seq`: fatal unless it arrived in the meantime.
  void handle_retransmit_failed(const Handle& hdl, const retransmit_failed& x) {
    if (!from_producer(hdl) || x.seq < next_ || buf_.count(x.seq) > 0)
      return;
    fail(failure::retransmit_failed);
  }

  /// One tick of `settings::tick_interval` passed.
  void tick() {
    ++tick_;
    if (state_ == state::attaching)
      tick_attaching();
    else if (state_ == state::running)
      tick_running();
  }

  // -- properties -------------------------------------------------------------

  state current_state() const noexcept {
    return state_;
  }

  bool running() const noexcept {
    return state_ == state::running;
  }

  /// The producer we attached to, once its handshake arrived.
  const std::optional<Handle>& producer() const noexcept {
    return producer_;
  }

  /// The sequence number we wait for next.
  uint64_t next_seq() const noexcept {
    return next_;
  }

  /// Events held back by a gap.
  size_t buffered() const noexcept {
    return buf_.size();
  }

  /// The sequence numbers a NACK would ask for now.
  std::vector<uint64_t> missing() const {
    std::vector<uint64_t> result;
    auto i = buf_.begin();
    for (auto seq = next_; seq <= announced_; ++seq) {
      if (result.size() == settings::max_nack_size)
        break;
      while (i != buf_.end() && i->first < seq)
        ++i;
      if (i == buf_.end() || i->first != seq)
        result.push_back(seq);
    }
    return result;
  }

private:
  void reset() {
    producer_.reset();
    buf_.clear();
    gap_since_.reset();
    next_ = announced_ = 0;
    heartbeat_ = cfg_.heartbeat_interval;
  }

  void start(const Handle& hdl, const handshake& hs) {
    state_ = state::running;
    producer_ = hdl;
    next_ = hs.offset + 1;
    announced_ = hs.offset;
    // We ACK at the producer's pace, which its handshake tells us.
    if (hs.heartbeat_interval != 0)
      heartbeat_ = hs.heartbeat_interval;
    heard_from_producer();
    send_ack();
  }

  /// Input from anyone but our producer, or before/after we run, is noise.
  /// Events that arrive ahead of the handshake are dropped too: they are
  /// either covered by the handshake or show up as a gap later.
  bool from_producer(const Handle& hdl) {
    if (state_ != state::running || producer_ != hdl)
      return false;
    heard_from_producer();
    return true;
  }

  void heard_from_producer() {
    last_heard_ = tick_;
  }

  void consume(Payload content) {
    ++next_;
    backend_->deliver(std::move(content));
    for (auto i = buf_.begin(); i != buf_.end() && i->first == next_;) {
      ++next_;
      auto next = std::next(i);
      backend_->deliver(std::move(i->second));
      buf_.erase(i);
      i = next;
    }
    announced_ = std::max(announced_, next_ - 1);
  }

  void stash(event_type ev) {
    announced_ = std::max(announced_, ev.seq);
    buf_.emplace(ev.seq, std::move(ev.content));
  }

  /// A gap is open while the producer told us of an event we lack; it
  /// starts the NACK timer.
  void update_gap() {
    if (announced_ < next_)
      gap_since_.reset();
    else if (!gap_since_)
      gap_since_ = tick_;
  }

  void tick_attaching() {
    if (tick_ - last_attach_ >= cfg_.nack_timeout)
      send_attach_request();
  }

  void tick_running() {
    auto timeout = uint64_t{cfg_.connection_timeout_factor} * heartbeat_;
    if (tick_ - last_heard_ >= timeout) {
      fail(failure::connection_timeout);
      return;
    }
    if (gap_since_ && tick_ - *gap_since_ >= cfg_.nack_timeout)
      send_nack();
    if (tick_ - last_ack_ >= heartbeat_)
      send_ack();
  }

  void send_attach_request() {
    last_attach_ = tick_;
    backend_->broadcast(nack{{0}});
  }

  void send_ack() {
    last_ack_ = tick_;
    backend_->send(*producer_, cumulative_ack{next_ - 1});
  }

  void send_nack() {
    gap_since_ = tick_;
    backend_->send(*producer_, nack{missing()});
  }

  void fail(failure reason) {
    state_ = state::failed;
    buf_.clear();
    gap_since_.reset();
    backend_->on_failure(reason);
  }

  backend_type* backend_;
  settings cfg_;
  uint16_t heartbeat_;
  state state_ = state::idle;
  std::optional<Handle> producer_;
  /// The next sequence number to deliver.
  uint64_t next_ = 0;
  /// The highest sequence number we know exists (events, keepalives).
  uint64_t announced_ = 0;
  std::map<uint64_t, Payload> buf_;
  std::optional<uint64_t> gap_since_;
  uint64_t tick_ = 0;
  uint64_t last_heard_ = 0;
  uint64_t last_ack_ = 0;
  uint64_t last_attach_ = 0;
};

} // namespace broker::detail::channel
