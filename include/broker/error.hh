#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/endpoint_info.hh"

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

  /// An error about a particular peer, e.g. `ec::peer_unavailable`.
  error(ec code, endpoint_info context, std::string message)
    : code_(code),
      message_(std::move(message)),
      context_(std::make_shared<const endpoint_info>(std::move(context))) {}

  ec code() const noexcept { return code_; }

  const std::string& message() const noexcept { return message_; }

  /// The peer this error is about, or null.
  const endpoint_info* context() const noexcept { return context_.get(); }

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
  // Shared and immutable: errors are copied often (every expected<T>), and
  // only peer errors carry a context, so this keeps the common case small.
  std::shared_ptr<const endpoint_info> context_;
};

/// Creates an error from a code and a message.
inline error make_error(ec code, std::string message = {}) {
  return error{code, std::move(message)};
}

/// Creates an error about a peer.
inline error make_error(ec code, endpoint_info context,
                        std::string message) {
  return error{code, std::move(context), std::move(message)};
}

/// Renders `error(<code>)` or `error(<code>, "<message>")`; "none" for the
/// default-constructed error.
std::string to_string(const error& err);

std::ostream& operator<<(std::ostream& out, const error& err);

// -- errors as data (src/data/error_data.cc) ----------------------------------
//
// Layout: `["error", enum_value(<code name>), <ctx>]` where `<ctx>` is nil,
// `[<message>]` or `[<endpoint_info as data>, <message>]`. The default error
// is `["error", enum_value("none"), nil]`.

/// Parses an enum_value holding a code name other than "none".
bool convert(const data& src, ec& code);

/// True if `src` has the layout above.
bool convertible_to_error(const data& src);

bool convert(const data& src, error& dst);

/// Stores nil as context for an error with neither context nor message,
/// `[msg]` without a context, `[ctx, msg]` with one.
bool convert(const error& src, data& dst);

/// Reads an error in its data layout without copying it. The viewed data
/// must outlive the view.
class error_view {
public:
  /// A view on `src`; invalid if `src` does not have the error layout.
  static error_view make(const data& src);

  bool valid() const noexcept { return xs_ != nullptr; }

  explicit operator bool() const noexcept { return valid(); }

  /// The code; `ec::none` for an invalid view.
  ec code() const noexcept;

  /// The message, or null if the error has no context.
  const std::string* message() const noexcept;

  /// The endpoint the error is about, if any.
  std::optional<endpoint_info> context() const;

private:
  explicit error_view(const std::vector<data>* xs) noexcept : xs_(xs) {}

  const std::vector<data>* xs_ = nullptr;
};

} // namespace broker
