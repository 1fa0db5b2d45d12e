#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "core/envelope.hh"

namespace broker::detail {

/// The hand-off point from user threads (publications) and from other
/// in-process cores (peer batches) to one core. Producers append under a
/// short lock; the core swaps out everything at once, so one wake-up serves
/// a whole batch. Local publications are bounded: a producer waits while
/// `capacity` of them are pending (the endpoint's back-pressure).
class inbox {
public:
  /// `wakeup` runs (on the producer's thread) when the inbox turns
  /// non-empty; it must schedule a drain on the core.
  inbox(size_t capacity, std::function<void()> wakeup);

  /// Appends one local publication; false if the inbox is closed.
  bool push(publish_request&& req);

  /// Appends many local publications, waiting for room as needed.
  bool push(std::vector<publish_request>& reqs);

  /// Appends a batch from an in-process peer (never waits: cores must not
  /// block each other). Returns the number of envelopes now pending from
  /// peers, or 0 if closed.
  size_t push(peer_batch&& batch);

  /// Swaps out everything pending (core thread only).
  void drain(std::vector<publish_request>& local,
             std::vector<peer_batch>& remote);

  /// Envelopes from peers not yet drained.
  size_t remote_pending() const;

  /// True if something arrived since the last drain (lock-free, for the
  /// core's brief spin before it goes to sleep).
  bool has_pending() const noexcept {
    return drain_scheduled_.load(std::memory_order_acquire);
  }

  /// Rejects further input and releases waiting producers.
  void close();

private:
  bool wait_for_room(std::unique_lock<std::mutex>& guard);

  mutable std::mutex mtx_;
  std::condition_variable room_;
  std::vector<publish_request> local_;
  std::vector<peer_batch> remote_;
  size_t remote_count_ = 0;
  const size_t capacity_;
  size_t waiting_ = 0;
  bool closed_ = false;
  std::atomic<bool> drain_scheduled_{false};
  std::function<void()> wakeup_;
};

} // namespace broker::detail
