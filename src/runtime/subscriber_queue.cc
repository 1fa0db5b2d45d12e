#include "runtime/subscriber_queue.hh"

#include <algorithm>

namespace broker::detail {

subscriber_queue::subscriber_queue(size_t capacity, overflow_policy policy)
  : capacity_(std::max<size_t>(capacity, 1)),
    policy_(policy == overflow_policy::disconnect ? overflow_policy::drop_oldest
                                                  : policy) {}

std::optional<data_message> subscriber_queue::pop(steady_deadline deadline) {
  std::unique_lock guard{mtx_};
  while (buf_.empty()) {
    // A closed queue gets no more messages: waiting would never end.
    if (closed_ || (!wait_for(guard, 1, deadline) && buf_.empty()))
      return std::nullopt;
  }
  auto msg = buf_.take_front();
  after_pop_locked();
  return msg;
}

void subscriber_queue::pop_n(std::vector<data_message>& out, size_t num,
                             steady_deadline deadline) {
  std::unique_lock guard{mtx_};
  size_t taken = 0;
  while (taken < num) {
    while (!buf_.empty() && taken < num) {
      out.emplace_back(buf_.take_front());
      ++taken;
    }
    after_pop_locked();
    if (taken == num || closed_)
      break;
    if (!wait_for(guard, num - taken, deadline) && buf_.empty())
      break;
  }
}

bool subscriber_queue::wait_for(std::unique_lock<std::mutex>& guard,
                                size_t wanted, steady_deadline deadline) {
  // The producer wakes us only once `wanted` messages are there (or at
  // close): a reader collecting a batch sleeps through the small pushes.
  wanted_ = wanted;
  bool in_time = true;
  if (deadline == steady_deadline::max())
    readable_.wait(guard);
  else
    in_time = readable_.wait_until(guard, deadline) != std::cv_status::timeout;
  wanted_ = 0;
  return in_time;
}

std::vector<data_message> subscriber_queue::pop_all() {
  std::vector<data_message> result;
  {
    std::lock_guard guard{mtx_};
    result.reserve(buf_.size());
    while (!buf_.empty())
      result.emplace_back(buf_.take_front());
    if (policy_ == overflow_policy::block)
      writable_.notify_all();
  }
  // The eventfd read happens outside the lock, so the core never waits for
  // it (nor the reader for the core's write). A push that slipped in before
  // the read found the queue empty and lit the flare, which the read may
  // just have undone: check once more. (Also on an empty queue: that is
  // how a spurious light goes out.)
  flare_.extinguish();
  std::lock_guard guard{mtx_};
  if (!buf_.empty())
    flare_.fire();
  return result;
}

size_t subscriber_queue::size() const {
  std::lock_guard guard{mtx_};
  return buf_.size();
}

size_t subscriber_queue::dropped() const {
  std::lock_guard guard{mtx_};
  return dropped_;
}

void subscriber_queue::after_pop_locked() {
  if (buf_.empty())
    flare_.extinguish();
  if (policy_ == overflow_policy::block)
    writable_.notify_all();
}

size_t subscriber_queue::push(std::vector<data_message>& batch) {
  size_t drops = 0;
  std::unique_lock guard{mtx_};
  if (closed_) {
    batch.clear();
    return 0;
  }
  bool was_empty = buf_.empty();
  for (auto& msg : batch) {
    if (policy_ == overflow_policy::block) {
      if (buf_.size() >= capacity_) {
        // Let the reader see what is there before we wait for room; it
        // cannot get more than what fits.
        flare_.fire();
        if (wanted_ > 0)
          readable_.notify_all();
      }
      writable_.wait(guard,
                     [this] { return closed_ || buf_.size() < capacity_; });
      if (closed_)
        break;
    }
    push_locked(std::move(msg), drops);
  }
  batch.clear();
  dropped_ += drops;
  // A full buffer wakes the reader too: it can never hold more.
  if (wanted_ > 0 && buf_.size() >= std::min(wanted_, capacity_))
    readable_.notify_all();
  bool light = was_empty && !buf_.empty();
  guard.unlock();
  // Outside the lock: the eventfd write wakes a polling reader, which takes
  // microseconds that the reader would otherwise spend blocked on our lock.
  if (light)
    flare_.fire();
  return drops;
}

void subscriber_queue::push_locked(data_message&& msg, size_t& drops) {
  if (buf_.size() < capacity_) {
    buf_.push_back(std::move(msg));
    return;
  }
  ++drops;
  if (policy_ == overflow_policy::drop_oldest) {
    buf_.pop_front();
    buf_.push_back(std::move(msg));
  }
  // drop_newest: discard msg.
}

void subscriber_queue::close() {
  std::lock_guard guard{mtx_};
  closed_ = true;
  writable_.notify_all();
  readable_.notify_all();
}

bool subscriber_queue::closed() const {
  std::lock_guard guard{mtx_};
  return closed_;
}

} // namespace broker::detail
