#pragma once

#include <cstdint>

namespace broker::format {

/// The first byte of every encoded value: the index of the alternative in
/// `broker::data::variant_type`. Values above `vector` are invalid.
enum class wire_tag : uint8_t {
  none = 0,
  boolean = 1,
  count = 2,
  integer = 3,
  real = 4,
  string = 5,
  address = 6,
  subnet = 7,
  port = 8,
  timestamp = 9,
  timespan = 10,
  enum_value = 11,
  set = 12,
  table = 13,
  vector = 14,
};

/// The highest valid tag value.
inline constexpr uint8_t max_wire_tag = 14;

} // namespace broker::format
