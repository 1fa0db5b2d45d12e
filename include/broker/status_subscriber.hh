#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "broker/detail/deadline.hh"
#include "broker/status.hh"
#include "broker/subscriber.hh"

namespace broker {

/// Receives an endpoint's errors and, on request, its status updates
/// (peer_added, peer_removed, peer_lost, ...). Timeouts yield a variant
/// holding `none`.
class status_subscriber {
public:
  using value_type = status_variant;

  explicit status_subscriber(subscriber impl) : impl_(std::move(impl)) {}

  status_subscriber(status_subscriber&&) noexcept = default;
  status_subscriber& operator=(status_subscriber&&) noexcept = default;

  /// Blocks until an error or status arrives.
  status_variant get();

  template <class Rep, class Period>
  status_variant get(std::chrono::duration<Rep, Period> timeout) {
    return get_until(detail::to_deadline(timeout));
  }

  template <class Clock, class Duration>
  status_variant get(std::chrono::time_point<Clock, Duration> deadline) {
    return get_until(detail::to_deadline(deadline));
  }

  std::vector<status_variant> get(size_t num);

  template <class Duration>
  std::vector<status_variant> get(size_t num, Duration timeout) {
    return get_until(num, detail::to_deadline(timeout));
  }

  std::vector<status_variant> poll();

  size_t available() const noexcept { return impl_.available(); }

  int fd() const noexcept { return impl_.fd(); }

  void reset() { impl_.reset(); }

  status_variant get_until(detail::steady_deadline deadline);

  std::vector<status_variant> get_until(size_t num,
                                        detail::steady_deadline deadline);

private:
  subscriber impl_;
};

} // namespace broker
