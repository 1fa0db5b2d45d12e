#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "broker/store.hh"
#include "runtime/flare.hh"

namespace broker::detail {

/// The mailbox of a store proxy: answers arrive from the store's thread,
/// the user takes them out. The flare is lit while answers are pending.
class proxy_state {
public:
  request_id next_id() {
    std::lock_guard guard{mtx_};
    return ++last_id_;
  }

  void deliver(store::response x) {
    std::lock_guard guard{mtx_};
    responses_.push_back(std::move(x));
    if (responses_.size() == 1)
      flare_.fire();
    cv_.notify_all();
  }

  store::response take() {
    std::unique_lock guard{mtx_};
    cv_.wait(guard, [this] { return !responses_.empty(); });
    auto result = std::move(responses_.front());
    responses_.pop_front();
    if (responses_.empty())
      flare_.extinguish();
    return result;
  }

  size_t size() const {
    std::lock_guard guard{mtx_};
    return responses_.size();
  }

  int fd() const noexcept { return flare_.fd(); }

private:
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<store::response> responses_;
  request_id last_id_ = 0;
  flare flare_;
};

} // namespace broker::detail
