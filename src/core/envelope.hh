#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "broker/message.hh"
#include "broker/node_id.hh"
#include "net/envelope.hh"
#include "runtime/publish_request.hh"

namespace broker::detail {

/// The routing struct lives in the transport layer, which decodes into it.
using envelope = net::envelope;

/// Envelopes that one in-process peer handed over in one go.
struct peer_batch {
  node_id sender;
  std::vector<envelope> items;
};

} // namespace broker::detail
