#pragma once

#include <iosfwd>
#include <string>

#include "broker/endpoint_info.hh"

namespace broker {

/// Bit flags describing a peering. The numbers are part of the API (Python).
enum class peer_flags : int {
  invalid = 0x00,
  local = 0x01,
  remote = 0x02,
  outbound = 0x04,
  inbound = 0x08,
};

constexpr int to_integer(peer_flags x) noexcept {
  return static_cast<int>(x);
}

/// Combines flags (a bitwise or, spelled `+` as upstream).
constexpr peer_flags operator+(peer_flags x, peer_flags y) noexcept {
  return static_cast<peer_flags>(to_integer(x) | to_integer(y));
}

constexpr peer_flags& operator+=(peer_flags& x, peer_flags y) noexcept {
  return x = x + y;
}

/// Removes the flags of `y` from `x`.
constexpr peer_flags operator-(peer_flags x, peer_flags y) noexcept {
  return static_cast<peer_flags>(to_integer(x) & ~to_integer(y));
}

constexpr peer_flags& operator-=(peer_flags& x, peer_flags y) noexcept {
  return x = x - y;
}

/// True if every flag of `flag` is set in `x`.
constexpr bool has_flag(peer_flags x, peer_flags flag) noexcept {
  return (to_integer(x) & to_integer(flag)) == to_integer(flag);
}

constexpr bool is_local(peer_flags x) noexcept {
  return has_flag(x, peer_flags::local);
}

constexpr bool is_remote(peer_flags x) noexcept {
  return has_flag(x, peer_flags::remote);
}

constexpr bool is_outbound(peer_flags x) noexcept {
  return has_flag(x, peer_flags::outbound);
}

constexpr bool is_inbound(peer_flags x) noexcept {
  return has_flag(x, peer_flags::inbound);
}

/// Renders the set flags joined by `|` (e.g. `remote|outbound`), or
/// `invalid` if none is set.
std::string to_string(peer_flags x);

/// The life cycle of a peering. The numbers are part of the API (Python).
enum class peer_status : int {
  initialized = 0,
  connecting = 1,
  connected = 2,
  peered = 3,
  disconnected = 4,
  reconnecting = 5,
};

/// Returns the status name, e.g. "peered".
const char* to_string(peer_status x) noexcept;

bool convert(peer_status x, std::string& str);

bool convert(const std::string& str, peer_status& x);

std::ostream& operator<<(std::ostream& out, peer_status x);

/// One entry of `endpoint::peers()`.
struct peer_info {
  endpoint_info peer;
  peer_flags flags = peer_flags::invalid;
  peer_status status = peer_status::initialized;
};

inline bool operator==(const peer_info& x, const peer_info& y) {
  return x.peer == y.peer && x.flags == y.flags && x.status == y.status;
}

inline bool operator!=(const peer_info& x, const peer_info& y) {
  return !(x == y);
}

/// Renders `peer_info(<endpoint_info>, <flags>, <status>)`.
std::string to_string(const peer_info& x);

std::ostream& operator<<(std::ostream& out, const peer_info& x);

} // namespace broker
