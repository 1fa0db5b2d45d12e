#pragma once

#include <memory>

#include "broker/message.hh"
#include "broker/node_id.hh"

namespace broker::detail {

class publisher_state;

/// A local publication on its way into a core's inbox, from a publisher,
/// the endpoint's publish calls or a store.
struct publish_request {
  data_message msg;
  /// The publisher that handed it over (for its demand accounting), or null.
  std::shared_ptr<publisher_state> source;
  /// Non-null for a targeted publication.
  std::shared_ptr<node_id> target;
};

} // namespace broker::detail
