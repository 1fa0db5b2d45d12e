#pragma once

#include <chrono>
#include <type_traits>

namespace broker::detail {

using steady_deadline = std::chrono::steady_clock::time_point;

/// Turns a relative timeout into a deadline on the steady clock.
template <class Rep, class Period>
steady_deadline to_deadline(std::chrono::duration<Rep, Period> timeout) {
  auto now = std::chrono::steady_clock::now();
  if (timeout <= timeout.zero())
    return now;
  using namespace std::chrono;
  // Saturate instead of overflowing for "practically infinite" timeouts.
  auto max_left = steady_deadline::max() - now;
  if (duration_cast<duration<double>>(timeout)
      >= duration_cast<duration<double>>(max_left))
    return steady_deadline::max();
  return now + duration_cast<steady_clock::duration>(timeout);
}

/// Turns an absolute time point of any clock into a steady deadline.
template <class Clock, class Duration>
steady_deadline to_deadline(std::chrono::time_point<Clock, Duration> tp) {
  if constexpr (std::is_same_v<Clock, std::chrono::steady_clock>) {
    return std::chrono::time_point_cast<std::chrono::steady_clock::duration>(tp);
  } else {
    return to_deadline(tp - Clock::now());
  }
}

} // namespace broker::detail
