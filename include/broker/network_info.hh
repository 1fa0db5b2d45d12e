#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>

#include "broker/timeout.hh"

namespace broker {

/// Where a peer lives on the network, plus the interval for reconnecting to
/// it (0s: never).
struct network_info {
  network_info() = default;

  network_info(std::string addr, uint16_t port_num,
               timeout::seconds retry_interval = timeout::seconds{0})
    : address(std::move(addr)), port(port_num), retry(retry_interval) {}

  std::string address;
  uint16_t port = 0;
  timeout::seconds retry{0};
};

/// Compares (address, port) only: the retry interval is a local preference,
/// not part of a peer's identity.
inline bool operator==(const network_info& x, const network_info& y) {
  return x.port == y.port && x.address == y.address;
}

inline bool operator!=(const network_info& x, const network_info& y) {
  return !(x == y);
}

/// Orders by (address, port).
inline bool operator<(const network_info& x, const network_info& y) {
  return x.address < y.address || (x.address == y.address && x.port < y.port);
}

/// Renders `<address>:<port>`.
std::string to_string(const network_info& x);

bool convert(const network_info& x, std::string& str);

std::ostream& operator<<(std::ostream& out, const network_info& x);

} // namespace broker
