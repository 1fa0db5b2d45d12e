#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/network_info.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"

namespace broker::detail {

/// The kinds of node messages upstream's `broker_processed_messages_total`
/// counts (its `type` label).
enum class message_kind : uint8_t {
  data,
  command,
  routing_update,
  ping,
  pong,
};

constexpr size_t message_kind_count = 5;

/// Upstream's label value: "data", "command", "routing-update", ...
const char* to_string(message_kind x) noexcept;

/// Messages processed, by kind (index: message_kind).
using message_counts = std::array<uint64_t, message_kind_count>;

/// What a peer slot counts while it lives. Plain integers: the slot lives
/// on the core thread, and the metrics read it there too.
struct peer_traffic {
  uint64_t messages_in = 0;
  uint64_t messages_out = 0;
  /// Messages the peer overflow policy dropped toward this peer.
  uint64_t dropped = 0;
};

/// One peer as the metrics and the status report see it.
struct peer_stats {
  node_id id;
  std::optional<network_info> address;
  /// "connecting" or "peered".
  std::string state;
  bool outbound = false;
  /// Over TCP (else in memory, within this process).
  bool tcp = false;
  peer_traffic traffic;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  /// Messages waiting toward the peer, and the bound that applies to them.
  size_t buffered = 0;
  size_t capacity = 0;
  filter_type filter;
};

/// One local subscriber (a store's included) and its queue.
struct subscriber_stats {
  uint32_t id = 0;
  filter_type topics;
  /// A store's subscription (receives store commands).
  bool store = false;
  size_t buffered = 0;
  size_t capacity = 0;
  uint64_t dropped = 0;
};

/// A snapshot of an endpoint's engine (core thread: core::stats()).
struct core_stats {
  node_id id;
  message_counts processed{};
  /// Established peerings over TCP.
  size_t connections = 0;
  std::vector<peer_stats> peers;
  std::vector<subscriber_stats> subscribers;
  /// The filter this endpoint advertises to its peers.
  filter_type advertised;
};

} // namespace broker::detail
