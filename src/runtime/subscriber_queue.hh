#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "broker/configuration.hh"
#include "broker/detail/deadline.hh"
#include "broker/message.hh"
#include "runtime/flare.hh"
#include "runtime/ring_buffer.hh"

namespace broker::detail {

/// The bounded buffer between an endpoint's core (the only producer) and a
/// subscriber (the only consumer). The core appends whole batches; the flare
/// is lit while messages are pending. Its eventfd is written and read outside
/// the lock, so for a moment after a `pop_all` it may stay lit over an empty
/// queue (a spurious wake-up, never a lost one: a push that finds the queue
/// empty always lights it after its messages are in).
class subscriber_queue {
public:
  subscriber_queue(size_t capacity, overflow_policy policy);

  // -- consumer side ---------------------------------------------------------

  /// Waits until a message is available or the deadline passes.
  std::optional<data_message> pop(steady_deadline deadline);

  /// Appends up to `num` messages to `out`, waiting until the deadline for
  /// more while fewer are available.
  void pop_n(std::vector<data_message>& out, size_t num,
             steady_deadline deadline);

  /// Takes everything pending without waiting.
  std::vector<data_message> pop_all();

  size_t size() const;

  int fd() const noexcept { return flare_.fd(); }

  size_t dropped() const;

  size_t capacity() const noexcept { return capacity_; }

  // -- producer side (core thread) -------------------------------------------

  /// Appends `batch` (clearing it), applying the overflow policy; returns
  /// how many messages were dropped. With the `block` policy this waits for
  /// room instead (unless the queue is closed).
  size_t push(std::vector<data_message>& batch);

  /// No more messages will come; wakes blocked producers.
  void close();

  bool closed() const;

private:
  void push_locked(data_message&& msg, size_t& drops);
  void after_pop_locked();
  bool wait_for(std::unique_lock<std::mutex>& guard, size_t wanted,
                steady_deadline deadline);

  mutable std::mutex mtx_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  ring_buffer<data_message> buf_;
  flare flare_;
  const size_t capacity_;
  const overflow_policy policy_;
  size_t dropped_ = 0;
  bool closed_ = false;
  /// Messages the waiting reader needs before a wake-up is worth it (0: no
  /// reader waits).
  size_t wanted_ = 0;
};

} // namespace broker::detail
