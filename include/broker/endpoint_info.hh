#pragma once

// Must not include broker/error.hh: error.hh includes this header so that
// an error can carry an endpoint_info context.

#include <iosfwd>
#include <optional>
#include <string>

#include "broker/network_info.hh"
#include "broker/node_id.hh"

namespace broker {

class data;

/// Identifies an endpoint: its node id (invalid if unknown, e.g. for a peer
/// we could not reach) and, if known, its network address.
struct endpoint_info {
  node_id node;
  std::optional<network_info> network;
  /// How the endpoint talks to us (upstream 2.3+): "native" for a Broker
  /// peer; unset where unknown (e.g. a peer we could not reach). Not part
  /// of the comparisons, the string form or the data layout, which stay
  /// those of 2.1.
  std::optional<std::string> type = std::nullopt;
};

inline bool operator==(const endpoint_info& x, const endpoint_info& y) {
  return x.node == y.node && x.network == y.network;
}

inline bool operator!=(const endpoint_info& x, const endpoint_info& y) {
  return !(x == y);
}

inline bool operator<(const endpoint_info& x, const endpoint_info& y) {
  if (x.node != y.node)
    return x.node < y.node;
  return x.network < y.network;
}

/// Renders `endpoint_info(<node>, <net>)` in CAF's style: `<node>` is the
/// node id or `invalid-node`, `<net>` is `*<address>:<port>` if the network
/// is set (CAF prints an engaged optional with a leading `*`) or `none`.
std::string to_string(const endpoint_info& x);

bool convert(const endpoint_info& x, std::string& str);

std::ostream& operator<<(std::ostream& out, const endpoint_info& x);

/// Checks the data layout `[node|nil, address|nil, port|nil, retry|nil]`
/// where `node` and `address` are strings, `port` a port and `retry` a
/// count of seconds; the last three are either all nil or all set, and a
/// node string must parse as a node id.
bool convertible_to_endpoint_info(const data& src);

/// Loads the layout described at `convertible_to_endpoint_info`.
bool convert(const data& src, endpoint_info& dst);

/// Stores `x` as `[node|nil, address|nil, port(n, tcp)|nil, retry|nil]`.
bool convert(const endpoint_info& src, data& dst);

} // namespace broker
