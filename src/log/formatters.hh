#pragma once

// The file log's layout (docs/logging.md): spdlog's pattern plus three
// fields of our own, each a custom pattern flag. Only log.cc and
// formatters.cc see spdlog itself.

#include <memory>
#include <string_view>

namespace spdlog {
class formatter;
} // namespace spdlog

namespace broker::log {

/// The file log's formatter: date and time to the microsecond, level,
/// thread id and name, source file (from src/ on), line, function
/// (class::function) and the message.
std::unique_ptr<spdlog::formatter> make_file_formatter();

/// `.../src/core/network.cc` -> `core/network.cc`; a header reached through
/// a layer's include root (`.../layers/core/net/x.hh`) -> `net/x.hh`;
/// anything else keeps its last component.
std::string_view short_file(std::string_view path) noexcept;

/// `void broker::detail::network::dial(broker::network_info, ...)` ->
/// `network::dial`: the last two components of the qualified name.
std::string_view short_function(std::string_view pretty) noexcept;

} // namespace broker::log
