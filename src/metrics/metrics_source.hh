#pragma once

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/topic.hh"
#include "metrics/metric_set.hh"

namespace broker::detail::metrics {

/// What the metrics service needs from its endpoint. The API layer
/// implements it over the core and the stores (src/api/endpoint_metrics),
/// so that this layer knows neither. Every call comes from the core
/// thread, where the service runs.
class metrics_source {
public:
  virtual ~metrics_source() = default;

  /// The endpoint's own metrics as of now.
  virtual metric_set collect() = 0;

  /// The status report of `GET /v1/status/json`: a table with string keys.
  virtual data status() = 0;

  /// Publishes `content` on `t` to the peers (an export).
  virtual void publish(const topic& t, data content) = 0;

  /// Raises `err` on the endpoint's status subscribers.
  virtual void report(error err) = 0;
};

} // namespace broker::detail::metrics
