#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "broker/message.hh"
#include "broker/node_id.hh"

namespace broker::detail {

class publisher_state;

/// A message in flight between endpoints: the shared, immutable message
/// plus the per-hop routing fields.
struct envelope {
  data_message msg;
  /// The endpoint that published the message.
  node_id origin;
  /// Per-origin sequence number, for duplicate suppression.
  uint64_t seq = 0;
  /// Hops left; stamped by the publisher, lowered by every hop.
  uint16_t ttl = 0;
  /// Sent to one peer only: deliver locally, never relay.
  bool targeted = false;
};

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
