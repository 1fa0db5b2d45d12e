#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "broker/detail/deadline.hh"
#include "broker/message.hh"
#include "broker/topic.hh"

namespace broker {

namespace detail {
class subscriber_queue;
class core;
} // namespace detail

/// Receives the messages of an endpoint's peers whose topics match one of
/// its prefixes. Move-only; destroying it (or `reset()`) unsubscribes.
class subscriber {
public:
  using value_type = data_message;

  subscriber(std::shared_ptr<detail::core> core,
             std::shared_ptr<detail::subscriber_queue> queue);

  subscriber(subscriber&&) noexcept;
  subscriber& operator=(subscriber&&) noexcept;
  subscriber(const subscriber&) = delete;
  subscriber& operator=(const subscriber&) = delete;

  ~subscriber();

  /// Blocks until a message is available.
  data_message get();

  /// Waits at most `timeout` (any non-integral duration) for a message.
  template <class Rep, class Period>
  std::optional<data_message> get(std::chrono::duration<Rep, Period> timeout) {
    return get_until(detail::to_deadline(timeout));
  }

  /// Waits until `deadline` for a message; a past deadline does not wait.
  template <class Clock, class Duration>
  std::optional<data_message>
  get(std::chrono::time_point<Clock, Duration> deadline) {
    return get_until(detail::to_deadline(deadline));
  }

  /// Blocks until `num` messages are available.
  std::vector<data_message> get(size_t num);

  /// Collects up to `num` messages, waiting at most `timeout` in total.
  template <class Duration>
  std::vector<data_message> get(size_t num, Duration timeout) {
    return get_until(num, detail::to_deadline(timeout));
  }

  /// Takes every pending message without blocking.
  std::vector<data_message> poll();

  /// The number of pending messages.
  size_t available() const noexcept;

  /// A descriptor that is readable exactly while messages are pending.
  int fd() const noexcept;

  /// Adds a topic prefix (no-op if present). With `block`, returns once the
  /// endpoint's core has applied it.
  void add_topic(topic x, bool block = false);

  /// Removes a topic prefix (no-op if absent). The filter the endpoint
  /// advertises to its peers never shrinks (as upstream).
  void remove_topic(topic x, bool block = false);

  /// The messages dropped so far by the overflow policy.
  size_t dropped() const noexcept;

  /// Unsubscribes and releases everything; the object is dead afterwards.
  void reset();

  std::optional<data_message> get_until(detail::steady_deadline deadline);

  std::vector<data_message> get_until(size_t num,
                                      detail::steady_deadline deadline);

private:
  void update_topic(topic x, bool add, bool block);

  std::shared_ptr<detail::core> core_;
  std::shared_ptr<detail::subscriber_queue> queue_;
};

} // namespace broker
