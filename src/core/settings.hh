#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "broker/configuration.hh"
#include "broker/node_id.hh"
#include "net/connection.hh"

namespace broker::detail {

/// What the parts of a core read from the configuration, parsed once at
/// construction and immutable afterwards.
struct core_settings {
  node_id id;
  uint16_t ttl = 0;
  bool forward = true;
  bool real_time = true;
  size_t subscriber_buffer = 0;
  overflow_policy subscriber_policy = overflow_policy::drop_oldest;
  size_t peer_buffer = 0;
  size_t peer_buffer_bytes = 0;
  overflow_policy peer_policy = overflow_policy::disconnect;
  std::chrono::microseconds spin{0};
  net::connection_timing timing;
  /// How long a synchronous API call waits for the core (and an in-process
  /// peer() for the peering) before it fails with `request_timeout`.
  std::chrono::milliseconds call_timeout{10'000};
  /// Peer in memory with endpoints of this process reached by address.
  bool shortcut = true;
  /// How log lines name this endpoint (data/log_format.hh).
  std::string name;

  /// Reads `cfg`; the id is broker.endpoint-id's or a fresh random one.
  static core_settings from(const configuration& cfg);
};

} // namespace broker::detail
