#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace broker {

/// Broker's error codes (category "broker"). The numbers are part of the
/// API: they appear in data layouts and in the Python bindings.
enum class ec : uint8_t {
  none = 0,
  unspecified = 1,
  peer_incompatible = 2,
  peer_invalid = 3,
  peer_unavailable = 4,
  peer_disconnect_during_handshake = 5,
  peer_timeout = 6,
  master_exists = 7,
  no_such_master = 8,
  no_such_key = 9,
  request_timeout = 10,
  type_clash = 11,
  invalid_data = 12,
  backend_failure = 13,
  stale_data = 14,
  cannot_open_file = 15,
  cannot_write_file = 16,
  invalid_topic_key = 17,
  end_of_file = 18,
  invalid_tag = 19,
  invalid_status = 20,
};

/// Returns the code's name, e.g. "no_such_key".
const char* to_string(ec code) noexcept;

/// Parses a code name; rejects "none" and unknown names.
bool convert(const std::string& str, ec& code);

std::ostream& operator<<(std::ostream& out, ec code);

/// An error value: a code plus a human-readable message. A default
/// constructed error means "no error" and converts to `false`.
class error {
public:
  error() noexcept = default;

  error(ec code) : code_(code) {} // NOLINT: implicit by design, as upstream

  error(ec code, std::string message)
    : code_(code), message_(std::move(message)) {}

  ec code() const noexcept { return code_; }

  const std::string& message() const noexcept { return message_; }

  /// True if this value holds an actual error.
  explicit operator bool() const noexcept { return code_ != ec::none; }

  bool operator!() const noexcept { return code_ == ec::none; }

  friend bool operator==(const error& x, const error& y) noexcept {
    return x.code_ == y.code_;
  }
  friend bool operator!=(const error& x, const error& y) noexcept {
    return x.code_ != y.code_;
  }
  friend bool operator==(const error& x, ec y) noexcept {
    return x.code_ == y;
  }
  friend bool operator!=(const error& x, ec y) noexcept {
    return x.code_ != y;
  }
  friend bool operator==(ec x, const error& y) noexcept {
    return x == y.code_;
  }
  friend bool operator!=(ec x, const error& y) noexcept {
    return x != y.code_;
  }

private:
  ec code_ = ec::none;
  std::string message_;
};

/// Creates an error from a code and a message.
inline error make_error(ec code, std::string message = {}) {
  return error{code, std::move(message)};
}

/// Renders `error(<code>)` or `error(<code>, "<message>")`; "none" for the
/// default-constructed error.
std::string to_string(const error& err);

std::ostream& operator<<(std::ostream& out, const error& err);

} // namespace broker
