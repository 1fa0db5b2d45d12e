#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace broker {

/// A transport-layer port. For ICMP, the number carries the message type.
class port {
public:
  using number_type = uint16_t;

  enum class protocol : uint8_t {
    unknown = 0,
    tcp = 1,
    udp = 2,
    icmp = 3,
  };

  /// Port 0 with an unknown protocol.
  port() = default;

  port(number_type num, protocol proto) noexcept : num_(num), proto_(proto) {}

  number_type number() const noexcept { return num_; }

  protocol type() const noexcept { return proto_; }

  size_t hash() const noexcept;

  friend bool operator==(const port& x, const port& y) noexcept {
    return x.num_ == y.num_ && x.proto_ == y.proto_;
  }
  friend bool operator!=(const port& x, const port& y) noexcept {
    return !(x == y);
  }
  friend bool operator<(const port& x, const port& y) noexcept {
    return x.num_ < y.num_ || (x.num_ == y.num_ && x.proto_ < y.proto_);
  }
  friend bool operator>(const port& x, const port& y) noexcept { return y < x; }
  friend bool operator<=(const port& x, const port& y) noexcept {
    return !(y < x);
  }
  friend bool operator>=(const port& x, const port& y) noexcept {
    return !(x < y);
  }

private:
  number_type num_ = 0;
  protocol proto_ = protocol::unknown;
};

/// Renders `<n>/tcp`, `<n>/udp`, `<n>/icmp` or `<n>/?`.
bool convert(const port& p, std::string& str);

/// Parses `<n>/<proto>`; an unrecognized protocol yields `unknown`.
bool convert(const std::string& str, port& p);

} // namespace broker

namespace std {
template <>
struct hash<broker::port> {
  size_t operator()(const broker::port& p) const noexcept { return p.hash(); }
};
} // namespace std
