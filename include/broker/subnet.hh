#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "broker/address.hh"

namespace broker {

/// An IP prefix in CIDR notation. The network address is always stored
/// masked to the prefix length.
class subnet {
public:
  /// The subnet `::/0`.
  subnet() noexcept;

  /// Builds `addr/length`. For IPv4 addresses `length` counts in IPv4 terms
  /// (at most 32); for IPv6 at most 128. An invalid length yields the
  /// default subnet `::/0`.
  subnet(address addr, uint8_t length) noexcept;

  /// True if `addr` lies within this subnet.
  bool contains(const address& addr) const noexcept;

  const address& network() const noexcept { return net_; }

  /// The prefix length, in IPv4 terms for IPv4 networks.
  uint8_t length() const noexcept;

  /// The prefix length in IPv6 terms (what the subnet stores).
  uint8_t raw_len() const noexcept { return len_; }

  size_t hash() const noexcept;

  friend bool operator==(const subnet& x, const subnet& y) noexcept {
    return x.len_ == y.len_ && x.net_ == y.net_;
  }
  friend bool operator!=(const subnet& x, const subnet& y) noexcept {
    return !(x == y);
  }
  /// Orders by network, then by length. (Upstream ignores the length here;
  /// see docs/compatibility.md.)
  friend bool operator<(const subnet& x, const subnet& y) noexcept {
    return x.net_ < y.net_ || (x.net_ == y.net_ && x.len_ < y.len_);
  }
  friend bool operator>(const subnet& x, const subnet& y) noexcept {
    return y < x;
  }
  friend bool operator<=(const subnet& x, const subnet& y) noexcept {
    return !(y < x);
  }
  friend bool operator>=(const subnet& x, const subnet& y) noexcept {
    return !(x < y);
  }

private:
  bool init() noexcept;

  address net_;
  uint8_t len_;
};

/// Renders `<network>/<length>`.
bool convert(const subnet& sn, std::string& str);

/// Parses `<address>/<length>` (an extension: upstream has no such parser).
bool convert(const std::string& str, subnet& sn);

} // namespace broker

namespace std {
template <>
struct hash<broker::subnet> {
  size_t operator()(const broker::subnet& s) const noexcept {
    return s.hash();
  }
};
} // namespace std
