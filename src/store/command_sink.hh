#pragma once

#include <functional>

#include "broker/node_id.hh"
#include "format/internal_command.hh"

namespace broker::detail {

/// Where a store's channel links put the commands they produce: the store
/// encodes and publishes each on the other side's topic; with a target,
/// to that endpoint only (docs/stores.md, "Replication").
using command_sink =
  std::function<void(format::internal_command&&, const node_id* target)>;

} // namespace broker::detail
