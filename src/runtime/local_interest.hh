#pragma once

#include <atomic>

#include "broker/topic.hh"

namespace broker::detail {

/// Whether a local subscriber would receive a message on one topic, so
/// that a store can skip building events nobody reads. The core keeps the
/// answer current as subscriptions change; any thread may read it. It errs
/// towards true: before the core first computed it, and (through the
/// core's count of pending additions, see core::anyone_local) while a
/// subscription is on its way to the core.
class local_interest {
public:
  explicit local_interest(topic watched) : topic_(std::move(watched)) {}

  const topic& watched() const noexcept { return topic_; }

  bool matches() const noexcept {
    return matches_.load(std::memory_order_acquire);
  }

  /// Core thread only.
  void set(bool value) noexcept {
    matches_.store(value, std::memory_order_release);
  }

private:
  topic topic_;
  std::atomic<bool> matches_{true};
};

} // namespace broker::detail
