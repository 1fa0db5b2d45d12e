#pragma once

#include <cstdint>

namespace broker::net {

/// What one connection has carried, for the metrics (docs/metrics.md).
/// Plain counters: a connection lives on its core's thread, and so does
/// everyone who reads them.
struct connection_stats {
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t routing_updates_in = 0;
  uint64_t pings_in = 0;
  uint64_t pongs_in = 0;
};

} // namespace broker::net
