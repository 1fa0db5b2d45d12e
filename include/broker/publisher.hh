#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "broker/data.hh"
#include "broker/topic.hh"

namespace broker {

namespace detail {
class publisher_state;
class core;
} // namespace detail

/// Publishes to one topic through a bounded queue (capacity 30, as
/// upstream): `publish` waits while the queue is full. Data goes to the
/// endpoint's peers only.
class publisher {
public:
  publisher(std::shared_ptr<detail::core> core,
            std::shared_ptr<detail::publisher_state> state);

  publisher(publisher&&) noexcept;
  publisher& operator=(publisher&&) noexcept;
  publisher(const publisher&) = delete;
  publisher& operator=(const publisher&) = delete;

  ~publisher();

  /// Free slots in the queue (what the core can take without waiting).
  size_t demand() const noexcept;

  /// Messages handed over but not yet taken by the core.
  size_t buffered() const noexcept;

  size_t capacity() const noexcept;

  /// capacity() - buffered(), never negative.
  size_t free_capacity() const noexcept;

  /// A descriptor that is readable while the queue has free capacity.
  int fd() const noexcept;

  const topic& get_topic() const noexcept;

  /// Blocks while the queue is full.
  void publish(data x);

  /// Publishes in chunks of at most capacity().
  void publish(std::vector<data> xs);

  /// Discard queued messages when destroyed instead of draining them.
  void drop_all_on_destruction();

  /// Releases the publisher; the object is dead afterwards.
  void reset();

private:
  std::shared_ptr<detail::core> core_;
  std::shared_ptr<detail::publisher_state> state_;
  bool drop_on_destruction_ = false;
};

} // namespace broker
