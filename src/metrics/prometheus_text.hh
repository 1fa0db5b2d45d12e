#pragma once

#include <string>

#include "metrics/metric_set.hh"

namespace broker::detail::metrics {

/// The content type of prometheus_text's output.
constexpr const char* prometheus_content_type = "text/plain; version=0.0.4";

/// Renders `xs` in Prometheus' text exposition format (version 0.0.4):
/// HELP and TYPE lines per family, then one line per sample. Names and
/// label names that imported metrics may spell with other characters are
/// mapped to valid ones (`_` for each invalid character).
std::string prometheus_text(const metric_set& xs);

} // namespace broker::detail::metrics
