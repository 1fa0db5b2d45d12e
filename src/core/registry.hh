#pragma once

#include <cstdint>
#include <memory>

#include "broker/node_id.hh"

namespace broker::detail {

class core;

/// The live cores of this process, by node id. The one piece of state that
/// endpoints share: it lets a TCP handshake between two endpoints of the
/// same process hand the peering over to the in-memory path.
namespace registry {

void add(const node_id& id, const std::weak_ptr<core>& ptr);

void remove(const node_id& id);

/// The live core with that id, or null.
std::shared_ptr<core> find(const node_id& id);

/// Random once per process; carried in our extension probe, so that two
/// endpoints can tell that they share a process (docs/protocol.md §7.1).
uint64_t process_token();

} // namespace registry

} // namespace broker::detail
