#pragma once

#include <chrono>
#include <initializer_list>
#include <utility>
#include <variant>
#include <thread>

#include "broker/configuration.hh"

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

/// The next `T` (status or error) a status subscriber sees within 10 s
/// each, skipping the other kind; a default `T` once nothing more comes.
template <class T, class StatusSubscriber>
T next_of(StatusSubscriber& ss) {
  for (;;) {
    auto x = ss.get(std::chrono::seconds{10});
    if (auto y = std::get_if<T>(&x))
      return *y;
    if (x.index() == 0) // none
      return T{};
  }
}

/// Plain TCP (no TLS), no same-process shortcut (the TCP path even between
/// endpoints of one process), plus `kvs`.
inline configuration
plain_tcp(std::initializer_list<std::pair<const char*, data>> kvs = {}) {
  broker_options opts;
  opts.disable_ssl = true;
  configuration cfg{opts};
  cfg.set("broker.in-process-shortcut", false);
  for (auto& [key, value] : kvs)
    cfg.set(key, value);
  return cfg;
}

} // namespace broker::test
