#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "broker/node_id.hh"

namespace broker {

/// Names whoever caused a store change or published a message: the endpoint
/// plus an object number local to it (a store frontend, a publisher, or 0
/// for the endpoint itself).
struct publisher_id {
  node_id endpoint;
  uint64_t object = 0;

  /// Valid iff the endpoint is; an invalid id means "unknown publisher".
  explicit operator bool() const noexcept {
    return endpoint.valid();
  }

  bool operator!() const noexcept {
    return !endpoint.valid();
  }

  size_t hash() const noexcept;
};

inline bool operator==(const publisher_id& x, const publisher_id& y) noexcept {
  return x.endpoint == y.endpoint && x.object == y.object;
}

inline bool operator!=(const publisher_id& x, const publisher_id& y) noexcept {
  return !(x == y);
}

inline bool operator<(const publisher_id& x, const publisher_id& y) noexcept {
  return x.endpoint < y.endpoint
         || (x.endpoint == y.endpoint && x.object < y.object);
}

/// Renders `<object>@<node>`, or `none` for an invalid id.
std::string to_string(const publisher_id& x);

bool convert(const publisher_id& x, std::string& str);

std::ostream& operator<<(std::ostream& out, const publisher_id& x);

} // namespace broker

namespace std {

template <>
struct hash<broker::publisher_id> {
  size_t operator()(const broker::publisher_id& x) const noexcept {
    return x.hash();
  }
};

} // namespace std
