#include "runtime/publisher_state.hh"

#include <algorithm>

namespace broker::detail {

publisher_state::publisher_state(topic t, size_t capacity)
  : topic_(std::move(t)), capacity_(std::max<size_t>(capacity, 1)) {
  flare_.fire();
}

bool publisher_state::acquire() {
  std::unique_lock guard{mtx_};
  room_.wait(guard, [this] { return closed_ || buffered_ < capacity_; });
  if (closed_)
    return false;
  if (++buffered_ == capacity_)
    flare_.extinguish();
  return true;
}

void publisher_state::release(size_t n) {
  std::lock_guard guard{mtx_};
  auto before = buffered_.load();
  buffered_ = before >= n ? before - n : 0;
  if (before >= capacity_ && buffered_ < capacity_)
    flare_.fire();
  room_.notify_all();
}

void publisher_state::close() {
  std::lock_guard guard{mtx_};
  closed_ = true;
  room_.notify_all();
}

bool publisher_state::closed() const {
  std::lock_guard guard{mtx_};
  return closed_;
}

} // namespace broker::detail
