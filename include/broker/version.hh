#pragma once

#include <string>

namespace broker::version {

using type = unsigned;

constexpr type major = 2;
constexpr type minor = 1;
constexpr type patch = 0;
constexpr auto suffix = "";

/// The wire-protocol version this library speaks.
constexpr type protocol = 2;

/// True if a peer speaking protocol version `v` can talk to us.
constexpr bool compatible(type v) {
  return v == protocol;
}

/// "2.1.0".
std::string string();

} // namespace broker::version
