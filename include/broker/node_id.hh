#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace broker {

/// Identifies an endpoint: the 16-byte id of Broker's native peering
/// protocol v1, a random version-4 UUID. A default-constructed id is invalid
/// (all zero, the "nil" id of the wire).
///
/// Text form: the UUID's 8-4-4-4-12 lowercase hex groups, e.g.
/// `5746d8ee-3644-4bd2-9f54-d5a44c26c2a1`, as upstream 2.3+ prints it.
class node_id {
public:
  using bytes_type = std::array<uint8_t, 16>;

  node_id() noexcept : bytes_{} {}

  explicit node_id(const bytes_type& bytes) noexcept : bytes_(bytes) {}

  /// A fresh random version-4 UUID.
  static node_id random();

  const bytes_type& bytes() const noexcept { return bytes_; }

  bool valid() const noexcept { return (word(0) | word(1)) != 0; }

  explicit operator bool() const noexcept { return valid(); }

  bool operator!() const noexcept { return !valid(); }

  size_t hash() const noexcept;

  friend bool operator==(const node_id& x, const node_id& y) noexcept {
    // Word compares: every routed message compares ids, and std::array's
    // operator== ends up as a call to memcmp.
    return ((x.word(0) ^ y.word(0)) | (x.word(1) ^ y.word(1))) == 0;
  }
  friend bool operator!=(const node_id& x, const node_id& y) noexcept {
    return !(x == y);
  }
  /// The wire's order (memcmp over the bytes): the smaller id of two peers
  /// is the originator of their handshake.
  friend bool operator<(const node_id& x, const node_id& y) noexcept {
    return x.bytes_ < y.bytes_;
  }

private:
  uint64_t word(size_t i) const noexcept {
    uint64_t result;
    std::memcpy(&result, bytes_.data() + 8 * i, sizeof(result));
    return result;
  }

  bytes_type bytes_;
};

/// Renders the 8-4-4-4-12 form, or an empty string for an invalid id.
std::string to_string(const node_id& id);

bool convert(const node_id& id, std::string& str);

/// Parses the 8-4-4-4-12 form (either case); rejects anything else,
/// including the nil id.
bool convert(const std::string& str, node_id& id);

} // namespace broker

namespace std {
template <>
struct hash<broker::node_id> {
  size_t operator()(const broker::node_id& id) const noexcept {
    return id.hash();
  }
};
} // namespace std
