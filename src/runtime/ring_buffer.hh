#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace broker::detail {

/// A FIFO over one growable array. Unlike std::deque it keeps its storage
/// once grown, so a queue that fills and drains all day allocates nothing.
template <class T>
class ring_buffer {
public:
  bool empty() const noexcept { return size_ == 0; }

  size_t size() const noexcept { return size_; }

  T& front() noexcept { return buf_[head_]; }

  void push_back(T&& x) {
    if (size_ == buf_.size())
      grow();
    buf_[(head_ + size_) % buf_.size()] = std::move(x);
    ++size_;
  }

  /// Drops the front element (releasing what it holds).
  void pop_front() noexcept {
    buf_[head_] = T{};
    head_ = (head_ + 1) % buf_.size();
    --size_;
  }

  /// Moves the front element out and drops it (the moved-from slot holds
  /// nothing anymore, so there is nothing to release).
  T take_front() {
    T result = std::move(buf_[head_]);
    head_ = (head_ + 1) % buf_.size();
    --size_;
    return result;
  }

private:
  void grow() {
    std::vector<T> bigger(buf_.empty() ? 64 : buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i)
      bigger[i] = std::move(buf_[(head_ + i) % buf_.size()]);
    buf_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> buf_;
  size_t head_ = 0;
  size_t size_ = 0;
};

} // namespace broker::detail
