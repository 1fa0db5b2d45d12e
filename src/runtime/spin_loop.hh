#pragma once

#include <asio/io_context.hpp>

#include <chrono>
#include <future>
#include <thread>

namespace broker::detail {

/// Runs `io` until it stops. After a burst of work it keeps polling for
/// `spin` before it blocks: the next batch (or a peer's reply) is often
/// microseconds away, and a thread that sleeps costs a wake-up on both
/// sides, which on a virtual machine with idle vCPUs runs to tens of
/// microseconds. A polling thread is not asleep, so whoever posts to it
/// skips the wake-up too. The yield leaves the CPU to runnable threads.
inline void run_spinning(asio::io_context& io, std::chrono::microseconds spin) {
  using clock = std::chrono::steady_clock;
  while (!io.stopped()) {
    if (io.poll() > 0)
      continue;
    if (spin.count() > 0) {
      auto until = clock::now() + spin;
      bool ran = false;
      do {
        if (io.poll() > 0) {
          ran = true;
          break;
        }
        std::this_thread::yield();
      } while (clock::now() < until && !io.stopped());
      if (ran)
        continue;
    }
    io.run_one();
  }
}

/// Waits for `fut` up to `timeout`, polling it for up to `spin` first (an
/// answer from a spinning thread arrives within microseconds; see
/// run_spinning). True if it is ready.
template <class T>
bool wait_spinning(const std::future<T>& fut, std::chrono::microseconds spin,
                   std::chrono::milliseconds timeout) {
  using clock = std::chrono::steady_clock;
  if (spin.count() > 0) {
    auto until = clock::now() + spin;
    do {
      if (fut.wait_for(std::chrono::seconds{0}) == std::future_status::ready)
        return true;
      std::this_thread::yield();
    } while (clock::now() < until);
  }
  return fut.wait_for(timeout) == std::future_status::ready;
}

} // namespace broker::detail
