#pragma once

#include <string>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/time.hh"
#include "metrics/metric_set.hh"

namespace broker::detail::metrics {

/// What one export message carries (docs/metrics.md, "Export layout").
struct metric_export {
  /// The exporting endpoint's name (broker.metrics.endpoint-name, else the
  /// export topic's last segment).
  std::string id;
  timestamp time;
  metric_set metrics;
};

/// Encodes an export in upstream's layout: a vector whose first element is
/// `[id, time]` and whose other elements are one row per sample,
/// `[prefix, name, type, unit, help, is_sum, labels, value]`.
data to_data(const metric_export& x);

/// Decodes an export; fails with `invalid_data` (naming what is wrong) if
/// `x` is not in that layout. Rows of types other than counter and gauge
/// (upstream's histograms) are skipped.
expected<metric_export> from_data(const data& x);

} // namespace broker::detail::metrics
