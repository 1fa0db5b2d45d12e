#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/none.hh"

namespace broker {

class data;

/// Status codes: events that are not errors. The numbers and names are part
/// of the API (data layouts, Python bindings).
enum class sc : uint8_t {
  unspecified = 0,
  peer_added = 1,
  peer_removed = 2,
  peer_lost = 3,
  endpoint_discovered = 4,
  endpoint_unreachable = 5,
};

/// Returns the code's name, e.g. "peer_added".
const char* to_string(sc code) noexcept;

bool convert(sc code, std::string& str);

/// Parses a code name (including "unspecified").
bool convert(const std::string& str, sc& code);

/// Parses an enum_value holding a code name.
bool convert(const data& src, sc& code);

std::ostream& operator<<(std::ostream& out, sc code);

/// A status event about a peer, e.g. `sc::peer_added`.
class status {
public:
  /// A status with code `S` about `ei`.
  template <sc S>
  static status make(endpoint_info ei, std::string msg) {
    static_assert(S != sc::unspecified,
                  "an unspecified status has no context");
    return status{S, std::move(ei), std::move(msg)};
  }

  /// A status with code `S` about `node`, network unknown.
  template <sc S>
  static status make(node_id node, std::string msg) {
    return make<S>(endpoint_info{node, std::nullopt}, std::move(msg));
  }

  /// An unspecified status with neither context nor message.
  status() = default;

  sc code() const noexcept { return code_; }

  /// The endpoint the status is about; null iff the code is unspecified.
  template <class T = endpoint_info>
  const T* context() const noexcept {
    static_assert(std::is_same_v<T, endpoint_info>,
                  "a status context is always an endpoint_info");
    return code_ == sc::unspecified ? nullptr : &context_;
  }

  /// The human-readable message; never null.
  const std::string* message() const noexcept { return &message_; }

  /// Compares the codes only, as upstream.
  friend bool operator==(const status& x, const status& y) noexcept {
    return x.code_ == y.code_;
  }
  friend bool operator!=(const status& x, const status& y) noexcept {
    return x.code_ != y.code_;
  }
  friend bool operator==(const status& x, sc y) noexcept {
    return x.code_ == y;
  }
  friend bool operator!=(const status& x, sc y) noexcept {
    return x.code_ != y;
  }
  friend bool operator==(sc x, const status& y) noexcept {
    return x == y.code_;
  }
  friend bool operator!=(sc x, const status& y) noexcept {
    return x != y.code_;
  }

private:
  status(sc code, endpoint_info context, std::string message)
    : code_(code), context_(std::move(context)), message_(std::move(message)) {}

  sc code_ = sc::unspecified;
  endpoint_info context_;
  std::string message_;
};

/// Same as `status::make<S>(xs...)`.
template <sc S, class... Ts>
status make_status(Ts&&... xs) {
  return status::make<S>(std::forward<Ts>(xs)...);
}

/// Renders `<code>(<node>[, <address>:<port>], "<message>")`, or
/// `<code>("<message>")` if the status has no valid node.
std::string to_string(const status& x);

bool convert(const status& x, std::string& str);

std::ostream& operator<<(std::ostream& out, const status& x);

// -- statuses as data (src/data/status_data.cc) -------------------------------
//
// Layout: `["status", enum_value(<code name>), <endpoint_info as data>,
// <message>]`; the unspecified status is
// `["status", enum_value("unspecified"), nil, nil]`.

/// True if `src` has the layout above and, unless unspecified, a valid node.
bool convertible_to_status(const data& src);

/// Fails (returns false) on malformed data, including a status other than
/// unspecified without a node.
bool convert(const data& src, status& dst);

bool convert(const status& src, data& dst);

/// Reads a status in its data layout without copying it. The viewed data
/// must outlive the view.
class status_view {
public:
  /// A view on `src`; invalid if `src` is not a well-formed status.
  static status_view make(const data& src);

  bool valid() const noexcept { return xs_ != nullptr; }

  explicit operator bool() const noexcept { return valid(); }

  /// The code; `sc::unspecified` for an invalid view.
  sc code() const noexcept;

  /// The message, or null for an unspecified status or an invalid view.
  const std::string* message() const noexcept;

  /// The endpoint the status is about, if any.
  std::optional<endpoint_info> context() const;

private:
  explicit status_view(const std::vector<data>* xs) noexcept : xs_(xs) {}

  const std::vector<data>* xs_ = nullptr;
};

// -- status_variant ----------------------------------------------------------

/// What a status subscriber yields: nothing (timeout), an error or a status.
using status_variant = std::variant<none, error, status>;

template <class T>
bool is(const status_variant& x) noexcept {
  return std::holds_alternative<T>(x);
}

template <class T>
T* get_if(status_variant* x) noexcept {
  return x ? std::get_if<T>(x) : nullptr;
}

template <class T>
const T* get_if(const status_variant* x) noexcept {
  return x ? std::get_if<T>(x) : nullptr;
}

template <class T>
T* get_if(status_variant& x) noexcept {
  return std::get_if<T>(&x);
}

template <class T>
const T* get_if(const status_variant& x) noexcept {
  return std::get_if<T>(&x);
}

/// Throws `std::bad_variant_access` on a type clash.
template <class T>
T& get(status_variant& x) {
  return std::get<T>(x);
}

template <class T>
const T& get(const status_variant& x) {
  return std::get<T>(x);
}

/// Renders the held value: `none`, the error, or the status.
std::string to_string(const status_variant& x);

} // namespace broker
