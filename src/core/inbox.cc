#include "core/inbox.hh"

#include <algorithm>

namespace broker::detail {

inbox::inbox(size_t capacity, std::function<void()> wakeup)
  : capacity_(std::max<size_t>(capacity, 1)), wakeup_(std::move(wakeup)) {}

bool inbox::wait_for_room(std::unique_lock<std::mutex>& guard) {
  if (local_.size() < capacity_)
    return !closed_;
  ++waiting_;
  room_.wait(guard, [this] { return closed_ || local_.size() < capacity_; });
  --waiting_;
  return !closed_;
}

bool inbox::push(publish_request&& req) {
  bool wake = false;
  {
    std::unique_lock guard{mtx_};
    if (!wait_for_room(guard))
      return false;
    local_.emplace_back(std::move(req));
    wake = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (wake)
    wakeup_();
  return true;
}

bool inbox::push(std::vector<publish_request>& reqs) {
  size_t pos = 0;
  while (pos < reqs.size()) {
    bool wake = false;
    {
      std::unique_lock guard{mtx_};
      if (!wait_for_room(guard))
        return false;
      while (pos < reqs.size() && local_.size() < capacity_)
        local_.emplace_back(std::move(reqs[pos++]));
      wake = !drain_scheduled_;
      drain_scheduled_ = true;
    }
    if (wake)
      wakeup_();
  }
  reqs.clear();
  return true;
}

size_t inbox::push(peer_batch&& batch) {
  bool wake = false;
  size_t pending = 0;
  {
    std::lock_guard guard{mtx_};
    if (closed_)
      return 0;
    remote_count_ += batch.items.size();
    pending = remote_count_;
    remote_.emplace_back(std::move(batch));
    wake = !drain_scheduled_;
    drain_scheduled_ = true;
  }
  if (wake)
    wakeup_();
  return pending;
}

void inbox::drain(std::vector<publish_request>& local,
                  std::vector<peer_batch>& remote) {
  std::lock_guard guard{mtx_};
  local.swap(local_);
  remote.swap(remote_);
  remote_count_ = 0;
  drain_scheduled_ = false;
  if (waiting_ > 0)
    room_.notify_all();
}

size_t inbox::remote_pending() const {
  std::lock_guard guard{mtx_};
  return remote_count_;
}

void inbox::close() {
  std::lock_guard guard{mtx_};
  closed_ = true;
  local_.clear();
  remote_.clear();
  remote_count_ = 0;
  room_.notify_all();
}

} // namespace broker::detail
