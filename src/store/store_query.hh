#pragma once

#include <functional>
#include <optional>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker::detail {

/// A request that expects an answer: the getters, and put_unique.
struct store_query {
  enum class kind : uint8_t { exists, get, get_index, keys, put_unique };

  kind type = kind::get;
  data key;
  /// get_index: the index; put_unique: the value.
  data arg;
  std::optional<timespan> expiry;
  publisher_id publisher;
};

/// Receives the answer of a query, on the store's thread.
using store_responder = std::function<void(expected<data>)>;

} // namespace broker::detail
