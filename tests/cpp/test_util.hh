#pragma once

#include <chrono>
#include <thread>

namespace broker::test {

/// Polls `pred` until it holds or `timeout` passes; returns the last result.
/// (Synchronises on a condition, never on a fixed sleep.)
template <class Pred>
bool eventually(Pred pred,
                std::chrono::milliseconds timeout = std::chrono::seconds{10}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  return true;
}

} // namespace broker::test
