#pragma once

#include <string>

namespace broker {

/// The type of the `nil` value: a data instance that holds nothing.
struct none {
  constexpr bool operator==(none) const noexcept { return true; }
  constexpr bool operator!=(none) const noexcept { return false; }
  constexpr bool operator<(none) const noexcept { return false; }
  constexpr bool operator>(none) const noexcept { return false; }
  constexpr bool operator<=(none) const noexcept { return true; }
  constexpr bool operator>=(none) const noexcept { return true; }
};

/// The one value of type `none`.
inline constexpr none nil = none{};

bool convert(none, std::string& str);

} // namespace broker
