#pragma once

#include <cstdint>
#include <optional>

#include "broker/data.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker::detail {

/// A mutation as the store handles hand it to their frontend, and as a
/// master applies it, whether it came from a local handle or from a
/// clone's writer channel. The wire form is format::internal_command
/// (store/command_convert.hh translates); the tags follow its order.
struct store_command {
  enum class tag : uint8_t {
    put,
    put_unique,
    put_unique_result,
    erase,
    expire,
    add,
    subtract,
    clear,
  };

  tag type = tag::put;
  data key;
  /// The value, the operand of add/subtract, or the put_unique answer.
  data value;
  /// The type a missing key starts from (add).
  data::type init_type = data::type::none;
  /// Relative expiry.
  std::optional<timespan> expiry;
  /// Who caused it.
  publisher_id publisher;
  /// put_unique and its result: who asked, and its number for the answer.
  publisher_id who;
  uint64_t request = 0;
};

} // namespace broker::detail
