// The endpoint clock: the wall clock, or a simulated one that only moves
// when advance_time() says so (for deterministic tests of expiry).
#include "core/core.hh"

#include <asio/system_timer.hpp>

namespace broker::detail {

timestamp core::now() const {
  if (settings_.real_time)
    return broker::now();
  return timestamp{timespan{sim_now_.load()}};
}

expected<void> core::advance_time(timestamp t) {
  if (settings_.real_time)
    return {};
  auto fired = call("advance_time", [this, t] {
    auto ns = t.time_since_epoch().count();
    if (ns > sim_now_.load())
      sim_now_ = ns;
    fire_due_timers();
    return true;
  });
  if (!fired)
    return fired.error();
  return {};
}

void core::schedule_any(timestamp when, std::function<void()> f) {
  post([this, when, f = std::move(f)]() mutable {
    schedule(when, std::move(f));
  });
}

void core::fire_due_timers() {
  auto current = now();
  while (!timers_.empty() && timers_.begin()->first <= current) {
    auto f = std::move(timers_.begin()->second);
    timers_.erase(timers_.begin());
    f();
  }
}

void core::schedule(timestamp when, std::function<void()> f) {
  if (!settings_.real_time) {
    timers_.emplace(when, std::move(f));
    fire_due_timers();
    return;
  }
  auto timer = std::make_shared<asio::system_timer>(io_);
  timer->expires_at(std::chrono::time_point_cast<
                    asio::system_timer::clock_type::duration>(when));
  timer->async_wait([timer, f = std::move(f)](const std::error_code& err) {
    if (!err)
      f();
  });
}

} // namespace broker::detail
