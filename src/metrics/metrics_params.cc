#include "metrics/metrics_params.hh"

namespace broker::detail::metrics {

namespace {

/// The configuration has checked the types (key table): lists are vectors
/// of strings.
std::vector<std::string> strings(const configuration& cfg,
                                 std::string_view key) {
  std::vector<std::string> result;
  if (auto xs = get_if<vector>(cfg.get(key)))
    for (auto& x : *xs)
      if (auto str = get_if<std::string>(x); str && !str->empty())
        result.push_back(*str);
  return result;
}

} // namespace

metrics_params metrics_params::from(const configuration& cfg) {
  metrics_params result;
  if (auto port = get_if<count>(cfg.get("broker.metrics.port")))
    result.port = static_cast<uint16_t>(*port);
  result.address = cfg.get_string("broker.metrics.address", "");
  result.endpoint_name = cfg.get_string("broker.metrics.endpoint-name", "");
  result.export_topic = cfg.get_string("broker.metrics.export.topic", "");
  result.export_interval = cfg.get_timespan("broker.metrics.export.interval",
                                            result.export_interval);
  if (result.export_interval.count() <= 0)
    result.export_interval = std::chrono::seconds{1};
  result.export_prefixes = strings(cfg, "broker.metrics.export.prefixes");
  for (auto& t : strings(cfg, "broker.metrics.import.topics"))
    result.import_topics.emplace_back(t);
  return result;
}

std::string metrics_params::export_id() const {
  if (!export_name.empty())
    return export_name;
  if (!endpoint_name.empty())
    return endpoint_name;
  return topic{export_topic}.suffix();
}

} // namespace broker::detail::metrics
