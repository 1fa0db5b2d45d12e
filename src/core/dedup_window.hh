#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>

namespace broker::detail {

/// Remembers which sequence numbers of one origin were seen, so that a
/// message reaching an endpoint over several paths (a loop) is handled
/// once. Tracks the last `width` numbers; anything older counts as seen.
class dedup_window {
public:
  static constexpr size_t width = 4096;

  /// True the first time `seq` (> 0) shows up.
  bool accept(uint64_t seq) noexcept {
    if (seq > highest_) {
      advance_to(seq);
      return true;
    }
    if (highest_ - seq >= width)
      return false;
    auto bit = seq % width;
    if (seen_.test(bit))
      return false;
    seen_.set(bit);
    return true;
  }

private:
  void advance_to(uint64_t seq) noexcept {
    if (seq - highest_ >= width) {
      seen_.reset();
    } else {
      for (auto i = highest_ + 1; i < seq; ++i)
        seen_.reset(i % width);
    }
    seen_.set(seq % width);
    highest_ = seq;
  }

  uint64_t highest_ = 0;
  std::bitset<width> seen_;
};

} // namespace broker::detail
