#pragma once

#include <string>
#include <unordered_map>

namespace broker {

class data;

/// Settings for a store backend, e.g. `{{"path", "x.sqlite"}}`. See
/// docs/stores.md for the options each backend understands; backends ignore
/// options they do not know.
using backend_options = std::unordered_map<std::string, data>;

} // namespace broker
