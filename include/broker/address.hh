#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace broker {

/// An IPv4 or IPv6 address, stored as 16 bytes in network order. IPv4
/// addresses are kept in their v4-mapped IPv6 form (::ffff:a.b.c.d).
class address {
public:
  enum class family : uint8_t { ipv4, ipv6 };

  enum class byte_order : uint8_t { host, network };

  /// The all-zero address `::` (counts as IPv6).
  address() noexcept;

  /// Builds an address from 1 (IPv4) or 4 (IPv6) 32-bit words. With
  /// `byte_order::host`, each word is converted to network order first.
  address(const uint32_t* bytes, family fam, byte_order order);

  /// Builds an address from its 16 network-order bytes.
  explicit address(const std::array<uint8_t, 16>& bytes) noexcept;

  /// Keeps the `top_bits_to_keep` most significant bits (counted in IPv6
  /// width, so an IPv4 /16 passes 112) and zeroes the rest. Returns false,
  /// leaving the address unchanged, if `top_bits_to_keep > 128`.
  bool mask(uint8_t top_bits_to_keep);

  /// True for v4-mapped addresses (prefix ::ffff:0:0/96).
  bool is_v4() const noexcept;

  bool is_v6() const noexcept { return !is_v4(); }

  const std::array<uint8_t, 16>& bytes() const noexcept { return bytes_; }

  std::array<uint8_t, 16>& bytes() noexcept { return bytes_; }

  size_t hash() const noexcept;

  int compare(const address& other) const noexcept;

  friend bool operator==(const address& x, const address& y) noexcept {
    return x.bytes_ == y.bytes_;
  }
  friend bool operator!=(const address& x, const address& y) noexcept {
    return x.bytes_ != y.bytes_;
  }
  friend bool operator<(const address& x, const address& y) noexcept {
    return x.bytes_ < y.bytes_;
  }
  friend bool operator>(const address& x, const address& y) noexcept {
    return y < x;
  }
  friend bool operator<=(const address& x, const address& y) noexcept {
    return !(y < x);
  }
  friend bool operator>=(const address& x, const address& y) noexcept {
    return !(x < y);
  }

private:
  std::array<uint8_t, 16> bytes_;
};

/// Dotted quad for v4-mapped addresses, otherwise compressed IPv6 text
/// (lowercase hex, the longest run of two or more zero groups as `::`).
bool convert(const address& a, std::string& str);

/// Parses IPv4 dotted-quad or IPv6 text (including embedded IPv4).
bool convert(const std::string& str, address& a);

} // namespace broker

namespace std {
template <>
struct hash<broker::address> {
  size_t operator()(const broker::address& a) const noexcept {
    return a.hash();
  }
};
} // namespace std
