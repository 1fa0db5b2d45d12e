#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/configuration.hh"
#include "broker/time.hh"
#include "broker/topic.hh"

namespace broker::detail::metrics {

/// The broker.metrics.* settings (docs/metrics.md), read once.
struct metrics_params {
  /// broker.metrics.port: serve HTTP if set.
  std::optional<uint16_t> port;
  std::string address;
  /// broker.metrics.endpoint-name: the `endpoint` label of local metrics
  /// and the id of exports.
  std::string endpoint_name;
  /// broker.metrics.export.*: publish if the topic is set.
  std::string export_topic;
  timespan export_interval = std::chrono::seconds{1};
  std::vector<std::string> export_prefixes;
  /// The exports' id if set (endpoint::metrics_exporter().set_id).
  std::string export_name;
  /// broker.metrics.import.topics: collect exports from there (only when
  /// serving: they are served nowhere else).
  filter_type import_topics;

  static metrics_params from(const configuration& cfg);

  /// True if anything is configured: a server or an export.
  bool enabled() const noexcept { return port || !export_topic.empty(); }

  /// The id exports carry: the one set at run time, else the endpoint
  /// name, else the export topic's last segment (as upstream).
  std::string export_id() const;
};

} // namespace broker::detail::metrics
