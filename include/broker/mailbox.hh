#pragma once

#include <cstddef>
#include <memory>

namespace broker {

namespace detail {
class proxy_state;
} // namespace detail

/// The responses waiting at a `store::proxy`, for event loops: `descriptor()`
/// is readable exactly while responses are pending.
class mailbox {
public:
  explicit mailbox(std::shared_ptr<detail::proxy_state> state)
    : state_(std::move(state)) {}

  /// A file descriptor for poll/select/epoll; -1 for an invalid proxy.
  int descriptor();

  bool empty();

  size_t size();

  /// The number of pending responses; `n` is ignored (upstream's signature).
  size_t count(size_t n = 0);

private:
  std::shared_ptr<detail::proxy_state> state_;
};

} // namespace broker
