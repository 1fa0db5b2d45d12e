#pragma once

#include <memory>
#include <string>

#include "core/core.hh"
#include "metrics/metrics_service.hh"
#include "metrics/metrics_source.hh"
#include "store/store_registry.hh"

namespace broker::detail {

/// An endpoint's metrics (docs/metrics.md): the metrics service of
/// src/metrics, fed from the core's counters and the stores' through the
/// metrics_source interface. Owned by the endpoint, which destroys it
/// after the core thread stopped.
class endpoint_metrics final : public metrics::metrics_source {
public:
  endpoint_metrics(std::shared_ptr<core> engine, const store_registry& stores,
                   metrics::metrics_params params);

  ~endpoint_metrics() override;

  /// Starts the service on the core thread and waits until it did.
  void start();

  /// Changes the export settings on the core thread and waits until it did
  /// (endpoint::metrics_exporter).
  void change_export(const std::function<void(metrics::metrics_params&)>& f);

  /// The HTTP port, 0 if none (any thread).
  uint16_t port() const noexcept { return service_->port(); }

  // -- metrics_source (core thread) -------------------------------------------

  metrics::metric_set collect() override;

  data status() override;

  void publish(const topic& t, data content) override;

  void report(error err) override;

private:
  void add_core(metrics::metric_set& out, const core_stats& stats) const;
  void add_peers(metrics::metric_set& out, const core_stats& stats) const;
  void add_subscribers(metrics::metric_set& out,
                       const core_stats& stats) const;
  void add_stores(metrics::metric_set& out) const;
  void add_store_channels(metrics::metric_set& out,
                          const metrics::label_list& who,
                          const store_stats::channel_state& x) const;

  std::shared_ptr<core> core_;
  const store_registry& stores_;
  std::string name_;
  std::unique_ptr<metrics::metrics_service> service_;
};

} // namespace broker::detail
