#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace broker {

/// Identifies an endpoint: 128 random bits plus the id of the process that
/// created it. A default-constructed id is invalid (all zero).
///
/// Text form: 32 lowercase hex digits, `#`, the decimal process id, e.g.
/// `3f2a...9c#4711` (upstream prints CAF's `<40 hex>#<pid>`; both are opaque
/// strings to users).
class node_id {
public:
  using bytes_type = std::array<uint8_t, 16>;

  node_id() noexcept : bytes_{}, pid_(0) {}

  node_id(const bytes_type& bytes, uint32_t pid) noexcept
    : bytes_(bytes), pid_(pid) {}

  /// A fresh random id for the calling process.
  static node_id random();

  const bytes_type& bytes() const noexcept { return bytes_; }

  uint32_t process_id() const noexcept { return pid_; }

  bool valid() const noexcept;

  explicit operator bool() const noexcept { return valid(); }

  bool operator!() const noexcept { return !valid(); }

  size_t hash() const noexcept;

  friend bool operator==(const node_id& x, const node_id& y) noexcept {
    // Word compares: every routed message compares ids, and std::array's
    // operator== ends up as a call to memcmp.
    return x.pid_ == y.pid_
           && ((x.word(0) ^ y.word(0)) | (x.word(1) ^ y.word(1))) == 0;
  }
  friend bool operator!=(const node_id& x, const node_id& y) noexcept {
    return !(x == y);
  }
  friend bool operator<(const node_id& x, const node_id& y) noexcept {
    return x.bytes_ < y.bytes_ || (x.bytes_ == y.bytes_ && x.pid_ < y.pid_);
  }

private:
  uint64_t word(size_t i) const noexcept {
    uint64_t result;
    std::memcpy(&result, bytes_.data() + 8 * i, sizeof(result));
    return result;
  }

  bytes_type bytes_;
  uint32_t pid_;
};

/// Renders `<32 hex>#<pid>`, or an empty string for an invalid id.
std::string to_string(const node_id& id);

bool convert(const node_id& id, std::string& str);

/// Parses the text form; rejects anything else.
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
