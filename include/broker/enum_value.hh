#pragma once

#include <string>
#include <utility>

namespace broker {

/// A Zeek enum value, carried by name. The receiver maps the name back to a
/// number if it needs one.
struct enum_value {
  enum_value() = default;

  explicit enum_value(std::string str) : name(std::move(str)) {}

  std::string name;
};

inline bool operator==(const enum_value& x, const enum_value& y) {
  return x.name == y.name;
}
inline bool operator!=(const enum_value& x, const enum_value& y) {
  return x.name != y.name;
}
inline bool operator<(const enum_value& x, const enum_value& y) {
  return x.name < y.name;
}
inline bool operator>(const enum_value& x, const enum_value& y) {
  return y < x;
}
inline bool operator<=(const enum_value& x, const enum_value& y) {
  return !(y < x);
}
inline bool operator>=(const enum_value& x, const enum_value& y) {
  return !(x < y);
}

bool convert(const enum_value& e, std::string& str);
bool convert(const std::string& str, enum_value& e);

} // namespace broker
