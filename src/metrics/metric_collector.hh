#pragma once

#include <map>
#include <string>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/time.hh"
#include "metrics/metric_set.hh"

namespace broker::detail::metrics {

/// The metrics other endpoints exported to the topics this endpoint
/// imports (broker.metrics.import.topics): the latest export of each
/// endpoint, served next to the local metrics with an `endpoint` label
/// naming its source, as upstream's metric_collector does.
class metric_collector {
public:
  /// Takes an export (metric_export layout). An export older than the
  /// last one from the same endpoint is ignored (false); one that is not
  /// in the layout is an error.
  expected<bool> add(const data& msg);

  /// Appends every endpoint's latest metrics to `out`.
  void append_to(metric_set& out) const;

  /// Endpoints heard from.
  size_t size() const noexcept { return latest_.size(); }

private:
  struct entry {
    timestamp time;
    metric_set metrics;
  };

  std::map<std::string, entry> latest_;
};

} // namespace broker::detail::metrics
