#pragma once

// Lets log statements (log/log.hh) take the value types as they are:
// BROKER_INFO("peered with {}", id) formats `id` with its to_string, and
// only when the line is written.

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "broker/data.hh"
#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/network_info.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"

namespace broker::detail {

/// Formats a value through its to_string.
template <class T>
struct to_string_formatter : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const T& x, FormatContext& ctx) const -> decltype(ctx.out()) {
    auto str = to_string(x);
    return fmt::formatter<std::string_view>::format(str, ctx);
  }
};

/// How log lines name an endpoint: the first 8 hex digits of its id.
inline std::string log_name(const node_id& id) {
  return id ? to_string(id).substr(0, 8) : std::string{"?"};
}

/// At most `limit` characters of a value's text (a message's content in
/// a trace line), with "..." where it was cut.
inline std::string abbreviated(const data& x, size_t limit = 200) {
  auto str = to_string(x);
  if (str.size() > limit) {
    str.resize(limit);
    str += "...";
  }
  return str;
}

} // namespace broker::detail

template <>
struct fmt::formatter<broker::topic> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const broker::topic& x, FormatContext& ctx) const
    -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view>::format(x.string(), ctx);
  }
};

/// An id not known yet (a connection before the handshake) prints as "?".
template <>
struct fmt::formatter<broker::node_id> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const broker::node_id& x, FormatContext& ctx) const
    -> decltype(ctx.out()) {
    auto str = x ? to_string(x) : std::string{"?"};
    return fmt::formatter<std::string_view>::format(str, ctx);
  }
};

template <>
struct fmt::formatter<broker::network_info>
  : broker::detail::to_string_formatter<broker::network_info> {};

template <>
struct fmt::formatter<broker::endpoint_info>
  : broker::detail::to_string_formatter<broker::endpoint_info> {};

template <>
struct fmt::formatter<broker::error>
  : broker::detail::to_string_formatter<broker::error> {};

template <>
struct fmt::formatter<broker::data>
  : broker::detail::to_string_formatter<broker::data> {};
