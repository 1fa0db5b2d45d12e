#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "broker/topic.hh"
#include "runtime/flare.hh"

namespace broker::detail {

/// The demand accounting shared by a publisher (user thread) and the core:
/// `buffered` counts messages handed over but not yet routed. The flare is
/// lit while there is free capacity.
class publisher_state {
public:
  publisher_state(topic t, size_t capacity);

  const topic& get_topic() const noexcept { return topic_; }

  size_t capacity() const noexcept { return capacity_; }

  size_t buffered() const noexcept { return buffered_.load(); }

  int fd() const noexcept { return flare_.fd(); }

  /// Waits for a free slot and takes it; false once closed.
  bool acquire();

  /// Returns `n` slots (core thread, after routing).
  void release(size_t n);

  /// Wakes waiting publishers for good (endpoint shut down).
  void close();

  bool closed() const;

  std::atomic<bool> drop_all{false};

private:
  const topic topic_;
  const size_t capacity_;
  std::atomic<size_t> buffered_{0};
  mutable std::mutex mtx_;
  std::condition_variable room_;
  flare flare_;
  bool closed_ = false;
};

} // namespace broker::detail
