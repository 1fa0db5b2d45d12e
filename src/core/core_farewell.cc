// The orderly part of shutdown: before the core stops, what publishers
// handed over is routed, every TCP peer gets what is queued toward it and
// a BYE, and the core waits (at most broker.unpeer-timeout) until each peer
// answered the BYE, which it does only after reading everything before it.
#include "core/core.hh"

#include <asio/steady_timer.hpp>

#include "log/log.hh"
#include "net/connection.hh"

namespace broker::detail {

namespace {

using connection_list = std::vector<std::shared_ptr<net::connection>>;

bool all_closed(const connection_list& xs) {
  for (auto& x : xs)
    if (!x->closed())
      return false;
  return true;
}

/// Checks every few milliseconds whether the connections are closed and
/// calls `done` once they are or once `deadline` passed (core thread).
void await_closed(std::shared_ptr<asio::steady_timer> timer,
                  std::shared_ptr<connection_list> xs,
                  asio::steady_timer::time_point deadline,
                  std::function<void()> done) {
  if (all_closed(*xs) || asio::steady_timer::clock_type::now() >= deadline) {
    done();
    return;
  }
  timer->expires_after(std::chrono::milliseconds{2});
  timer->async_wait([timer, xs, deadline, done](std::error_code) {
    await_closed(timer, xs, deadline, done);
  });
}

} // namespace

void core::part_from_peers() {
  std::promise<void> finished;
  auto fut = finished.get_future();
  asio::post(io_, [this, &finished] {
    drain();
    auto leaving = std::make_shared<connection_list>(peers_.say_goodbye_all());
    if (!leaving->empty())
      BROKER_DEBUG("[{}] waiting up to {} ms for {} peer(s) to answer BYE",
                   settings_.name, settings_.timing.bye_timeout.count(),
                   leaving->size());
    auto deadline = asio::steady_timer::clock_type::now()
                    + settings_.timing.bye_timeout;
    await_closed(std::make_shared<asio::steady_timer>(io_), leaving, deadline,
                 [&finished] { finished.set_value(); });
  });
  fut.wait();
}

} // namespace broker::detail
