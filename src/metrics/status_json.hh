#pragma once

#include <string>

#include "broker/data.hh"

namespace broker::detail::metrics {

/// Renders a status report (a `table` with string keys, as upstream's
/// core builds it) as JSON for `GET /v1/status/json`: tables with string
/// keys become objects, vectors and sets arrays, numbers and booleans
/// themselves, nil null, and every other value its string form
/// (`to_string`: timestamps, addresses, ...). A table with other keys
/// becomes an array of [key, value] pairs.
std::string status_json(const data& report);

} // namespace broker::detail::metrics
