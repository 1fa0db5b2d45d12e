#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

namespace broker::detail {

/// A bounded lock-free queue for many producers and one consumer (after
/// Dmitry Vyukov's bounded queue). Each cell carries a turn counter: for
/// position `pos` in lap `L = pos / capacity`, turn 2L means empty and 2L+1
/// means full. Zero-filled memory is therefore an empty ring, so the cells
/// come from calloc and pages are touched only once the queue reaches them.
/// Publishing a cell and reading it are sequentially consistent, so a user
/// can pair them with its own seq_cst flags (see inbox.cc) without fences.
template <class T>
class mpsc_ring {
public:
  explicit mpsc_ring(size_t min_capacity) {
    while (capacity_ < min_capacity)
      capacity_ <<= 1;
    mask_ = capacity_ - 1;
    shift_ = 0;
    while ((size_t{1} << shift_) < capacity_)
      ++shift_;
    cells_ = static_cast<cell*>(std::calloc(capacity_, sizeof(cell)));
    if (!cells_)
      throw std::bad_alloc{};
  }

  ~mpsc_ring() {
    T ignored;
    while (try_pop(ignored)) {
      // Destroys what producers left behind.
    }
    std::free(cells_);
  }

  mpsc_ring(const mpsc_ring&) = delete;
  mpsc_ring& operator=(const mpsc_ring&) = delete;

  size_t capacity() const noexcept { return capacity_; }

  /// Moves `x` in; false (leaving `x` alone) if the ring is full.
  bool try_push(T& x) {
    auto pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      auto& c = cells_[pos & mask_];
      auto turn = c.turn.load(std::memory_order_acquire);
      auto empty_turn = 2 * (pos >> shift_);
      if (turn == empty_turn) {
        if (tail_.compare_exchange_weak(pos, pos + 1,
                                        std::memory_order_relaxed)) {
          new (&c.storage) T(std::move(x));
          // Sequentially consistent, so that a producer's next check of
          // the consumer's "asleep" flag cannot be ordered before it.
          c.turn.store(empty_turn + 1, std::memory_order_seq_cst);
          return true;
        }
      } else if (turn < empty_turn) {
        return false; // Still full from the previous lap.
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  /// Consumer only: moves the oldest element into `out`; false if there is
  /// none (or its producer has not finished writing it yet).
  bool try_pop(T& out) {
    auto& c = cells_[head_ & mask_];
    auto full_turn = 2 * (head_ >> shift_) + 1;
    if (c.turn.load(std::memory_order_seq_cst) != full_turn)
      return false;
    auto ptr = std::launder(reinterpret_cast<T*>(&c.storage));
    out = std::move(*ptr);
    ptr->~T();
    c.turn.store(full_turn + 1, std::memory_order_release);
    ++head_;
    return true;
  }

  /// True if a producer could insert right now (a hint).
  bool has_room() const noexcept {
    auto pos = tail_.load(std::memory_order_relaxed);
    auto& c = cells_[pos & mask_];
    return c.turn.load(std::memory_order_seq_cst) >= 2 * (pos >> shift_);
  }

private:
  struct cell {
    std::atomic<uint64_t> turn;
    std::aligned_storage_t<sizeof(T), alignof(T)> storage;
  };

  size_t capacity_ = 1;
  size_t mask_ = 0;
  unsigned shift_ = 0;
  cell* cells_ = nullptr;
  alignas(64) std::atomic<uint64_t> tail_{0};
  alignas(64) uint64_t head_ = 0;
};

} // namespace broker::detail
