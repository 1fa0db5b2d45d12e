// The engine's side of the metrics: a snapshot of what the parts count
// (docs/metrics.md). The counters themselves are plain integers in the
// parts; this runs on the core thread, where they live.
#include "core/core_stats.hh"

#include "core/core.hh"

namespace broker::detail {

const char* to_string(message_kind x) noexcept {
  switch (x) {
    case message_kind::data:
      return "data";
    case message_kind::command:
      return "command";
    case message_kind::routing_update:
      return "routing-update";
    case message_kind::ping:
      return "ping";
    default:
      return "pong";
  }
}

core_stats core::stats() const {
  core_stats result;
  result.id = id();
  result.processed = router_.processed();
  // Control messages exist on the wire only: TCP connections count them.
  auto wire = connections_.totals();
  auto at = [&result](message_kind k) -> uint64_t& {
    return result.processed[static_cast<size_t>(k)];
  };
  at(message_kind::routing_update) = wire.routing_updates_in;
  at(message_kind::ping) = wire.pings_in;
  at(message_kind::pong) = wire.pongs_in;
  result.connections = connections_.established();
  result.peers = peers_.stats();
  result.subscribers = router_.subscribers();
  result.advertised = peers_.filter();
  return result;
}

void core::publish_here(data_message msg) {
  publish_request req{std::move(msg), nullptr, nullptr};
  router_.route_local(req);
  router_.flush();
}

} // namespace broker::detail
