#pragma once

#include <string>
#include <utility>
#include <vector>

namespace broker::detail::metrics {

/// Prometheus' metric types that Broker produces (docs/metrics.md).
enum class metric_type {
  counter,
  gauge,
};

/// "counter" or "gauge", as the exposition format's TYPE line and the
/// export layout name them.
const char* to_string(metric_type x) noexcept;

/// Label names and values of one sample, in the order they are printed.
using label_list = std::vector<std::pair<std::string, std::string>>;

/// One value of a family: its labels and the number.
struct metric_sample {
  label_list labels;
  double value = 0;
  /// True if the value is not a whole number by nature (an imported real);
  /// exports then carry it as `real` instead of `integer`.
  bool real = false;
};

/// All samples of one metric name, e.g. every `type` of
/// `broker_processed_messages_total`.
struct metric_family {
  /// The full Prometheus name (`broker_connections`).
  std::string name;
  std::string help;
  metric_type type = metric_type::gauge;
  std::vector<metric_sample> samples;
};

} // namespace broker::detail::metrics
