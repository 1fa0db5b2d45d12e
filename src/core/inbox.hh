#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "core/envelope.hh"
#include "core/mpsc_ring.hh"

namespace broker::detail {

/// The hand-off point from user threads (publications) and from other
/// in-process cores (peer batches) to one core. Local publications go
/// through a bounded lock-free ring (the endpoint's back-pressure: a
/// producer waits while it is full); peer batches are rare and large and
/// take a short lock. Whoever turns the inbox non-empty schedules one drain,
/// so one wake-up serves a whole batch.
class inbox {
public:
  /// `wakeup` runs (on the producer's thread) when a drain must be
  /// scheduled on the core. `capacity` is rounded up to a power of two.
  inbox(size_t capacity, std::function<void()> wakeup);

  /// Appends one local publication; false if the inbox is closed.
  bool push(publish_request&& req);

  /// Appends many local publications, waiting for room as needed.
  bool push(std::vector<publish_request>& reqs);

  /// Appends a batch from an in-process peer (never waits: cores must not
  /// block each other). Returns the number of envelopes now pending from
  /// peers, or 0 if closed.
  size_t push(peer_batch&& batch);

  /// Takes everything pending (core thread only).
  void drain(std::vector<publish_request>& local,
             std::vector<peer_batch>& remote);

  /// Envelopes from peers not yet drained.
  size_t remote_pending() const;

  /// Removes up to `n` of the oldest envelopes from `sender` not yet
  /// drained (the `drop_oldest` peer policy); returns how many.
  size_t drop_oldest_from(const node_id& sender, size_t n);

  /// Rejects further input and releases waiting producers.
  void close();

private:
  /// Schedules a drain unless one is scheduled already.
  void notify_core();
  /// Waits until the ring may have room; false once closed.
  bool wait_for_room();
  void release_waiting_producers();

  mpsc_ring<publish_request> ring_;
  std::atomic<bool> drain_scheduled_{false};
  std::atomic<bool> closed_{false};
  std::atomic<size_t> waiting_{0};
  mutable std::mutex mtx_;
  std::condition_variable room_;
  std::vector<peer_batch> remote_;
  size_t remote_count_ = 0;
  std::function<void()> wakeup_;
};

} // namespace broker::detail
