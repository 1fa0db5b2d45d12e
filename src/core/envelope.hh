#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "broker/message.hh"
#include "broker/node_id.hh"
#include "net/envelope.hh"

namespace broker::detail {

class publisher_state;

/// The routing struct lives in the transport layer, which decodes into it.
using envelope = net::envelope;

/// A local publication waiting in a core's inbox.
struct publish_request {
  data_message msg;
  /// The publisher that handed it over (for its demand accounting), or null.
  std::shared_ptr<publisher_state> source;
  /// Non-null for a targeted publication.
  std::shared_ptr<node_id> target;
};

/// Envelopes that one in-process peer handed over in one go.
struct peer_batch {
  node_id sender;
  std::vector<envelope> items;
};

} // namespace broker::detail
