#include "core/inbox.hh"

#include <algorithm>
#include <chrono>

namespace broker::detail {

inbox::inbox(size_t capacity, std::function<void()> wakeup)
  : ring_(std::max<size_t>(capacity, 1)), wakeup_(std::move(wakeup)) {}

void inbox::notify_core() {
  // The ring publishes cells with seq_cst stores and drain() clears the
  // flag with a seq_cst store before its seq_cst reads of the cells: either
  // the core's scan sees what we just pushed, or we see the cleared flag
  // and schedule another drain.
  if (!drain_scheduled_.load() && !drain_scheduled_.exchange(true))
    wakeup_();
}

bool inbox::wait_for_room() {
  std::unique_lock guard{mtx_};
  waiting_.fetch_add(1);
  // The core notifies when it sees us waiting after a drain. The bounded
  // wait covers the one interleaving a notification can miss (room made
  // after our check, counter read before our increment): a delay, never a
  // hang, without a fence on the core's hot path.
  while (!closed_.load() && !ring_.has_room())
    room_.wait_for(guard, std::chrono::milliseconds{1});
  waiting_.fetch_sub(1);
  return !closed_.load();
}

bool inbox::push(publish_request&& req) {
  for (;;) {
    if (closed_.load(std::memory_order_acquire))
      return false;
    if (ring_.try_push(req)) {
      notify_core();
      return true;
    }
    // Full: make sure the core drains, then wait for room.
    notify_core();
    if (!wait_for_room())
      return false;
  }
}

bool inbox::push(std::vector<publish_request>& reqs) {
  size_t pos = 0;
  while (pos < reqs.size()) {
    if (closed_.load(std::memory_order_acquire))
      return false;
    while (pos < reqs.size() && ring_.try_push(reqs[pos]))
      ++pos;
    notify_core();
    if (pos < reqs.size() && !wait_for_room())
      return false;
  }
  reqs.clear();
  return true;
}

size_t inbox::push(peer_batch&& batch) {
  size_t pending = 0;
  {
    std::lock_guard guard{mtx_};
    if (closed_.load())
      return 0;
    remote_count_ += batch.items.size();
    pending = remote_count_;
    remote_.emplace_back(std::move(batch));
  }
  notify_core();
  return pending;
}

void inbox::drain(std::vector<publish_request>& local,
                  std::vector<peer_batch>& remote) {
  drain_scheduled_.store(false);
  {
    std::lock_guard guard{mtx_};
    remote.swap(remote_);
    remote_count_ = 0;
  }
  // At most one lap per drain, so that busy producers cannot keep the core
  // in here forever; what is left gets a drain of its own.
  publish_request req;
  size_t taken = 0;
  while (taken < ring_.capacity() && ring_.try_pop(req)) {
    local.emplace_back(std::move(req));
    ++taken;
  }
  release_waiting_producers();
  if (taken == ring_.capacity() && !drain_scheduled_.exchange(true))
    wakeup_();
}

void inbox::release_waiting_producers() {
  if (waiting_.load() > 0) {
    std::lock_guard guard{mtx_};
    room_.notify_all();
  }
}

size_t inbox::drop_oldest_from(const node_id& sender, size_t n) {
  std::lock_guard guard{mtx_};
  size_t dropped = 0;
  for (auto& batch : remote_) {
    if (dropped == n)
      break;
    if (batch.sender != sender)
      continue;
    auto k = std::min(n - dropped, batch.items.size());
    batch.items.erase(batch.items.begin(), batch.items.begin() + k);
    dropped += k;
  }
  remote_count_ -= dropped;
  return dropped;
}

size_t inbox::remote_pending() const {
  std::lock_guard guard{mtx_};
  return remote_count_;
}

void inbox::close() {
  std::lock_guard guard{mtx_};
  closed_.store(true);
  remote_.clear();
  remote_count_ = 0;
  room_.notify_all();
}

} // namespace broker::detail
