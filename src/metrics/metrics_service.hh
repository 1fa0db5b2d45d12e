#pragma once

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "metrics/http_server.hh"
#include "metrics/metric_collector.hh"
#include "metrics/metrics_params.hh"
#include "metrics/metrics_source.hh"
#include "runtime/subscriber_queue.hh"

namespace broker::detail::metrics {

/// Serves, exports and imports an endpoint's metrics (docs/metrics.md) on
/// the endpoint's core thread: the HTTP server (`GET /metrics`,
/// `GET /v1/status/json`), the export timer and the import subscription
/// all run on the io_context it is given. Constructed anywhere; `start`
/// and everything after it on that io_context's thread; destroyed once
/// that thread is gone (the endpoint shuts the core down first).
class metrics_service {
public:
  /// `imports` receives the exports of broker.metrics.import.topics (null
  /// if none are imported).
  metrics_service(asio::io_context& io, metrics_params params,
                  metrics_source& source,
                  std::shared_ptr<subscriber_queue> imports);

  ~metrics_service();

  metrics_service(const metrics_service&) = delete;
  metrics_service& operator=(const metrics_service&) = delete;

  /// Starts what the parameters ask for. A server that cannot listen is
  /// logged and reported on the status subscribers (exports and imports
  /// go on without it); the error is returned as well.
  error start();

  /// The port the server listens on, 0 if none (any thread).
  uint16_t port() const noexcept { return port_.load(); }

  /// The answer to a request (the server's handler).
  http_response handle(const std::string& method, const std::string& path);

  /// Local and imported metrics in Prometheus' text format.
  std::string metrics_text();

  /// Publishes one export now (the timer calls it every interval).
  void export_now();

  /// Applies `change` to the export settings and restarts the export's
  /// clock from now (endpoint::metrics_exporter); an empty topic stops it.
  void change_export(const std::function<void(metrics_params&)>& change);

  const metrics_params& params() const noexcept { return params_; }

private:
  void start_export();
  void schedule_export();
  void watch_imports();
  void drain_imports();

  asio::io_context& io_;
  metrics_params params_;
  metrics_source& source_;
  std::shared_ptr<subscriber_queue> imports_;
  asio::posix::stream_descriptor import_fd_;
  asio::steady_timer export_timer_;
  asio::steady_timer::time_point next_export_;
  /// Bumped when the export restarts: a wait of the old schedule that
  /// completes anyway (already queued, so cancel() cannot stop it) is void.
  uint64_t export_generation_ = 0;
  std::unique_ptr<http_server> server_;
  metric_collector collector_;
  std::atomic<uint16_t> port_{0};
  /// Set in the destructor: pending handlers must not run (they cannot:
  /// the io_context's thread is gone; belt and braces).
  bool stopped_ = false;
};

} // namespace broker::detail::metrics
