#pragma once

#include <cstdint>

#include "broker/message.hh"
#include "broker/node_id.hh"

namespace broker::net {

/// A message in flight between endpoints: the shared, immutable message
/// plus the per-hop routing fields. Connections decode into it and encode
/// from it; the core routes it (as `detail::envelope`).
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

} // namespace broker::net
