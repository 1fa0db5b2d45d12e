#pragma once

#include <cstdint>
#include <variant>
#include <vector>

// The control messages of the replication channel, one struct per
// internal_command of docs/protocol.md §9 with the same fields, so that the
// wiring maps them 1:1. Kept together because they only make sense as a set.

namespace broker::detail::channel {

/// Producer → one consumer: "events after `offset` are yours". On the wire
/// `ack_clone` (master → clone, plus a snapshot the owner adds) or
/// `attach_writer` (clone → master).
struct handshake {
  uint64_t offset = 0;
  uint16_t heartbeat_interval = 0;
};

/// Producer → all: one action with its channel sequence number (the
/// command's `seq` field).
template <class Payload>
struct event {
  uint64_t seq = 0;
  Payload content;
};

/// Producer → all when idle: the last sequence number it produced.
struct keepalive {
  uint64_t seq = 0;
};

/// Producer → one consumer: `seq` was asked for but is no longer buffered.
struct retransmit_failed {
  uint64_t seq = 0;
};

/// Consumer → producer: everything up to `seq` was consumed.
struct cumulative_ack {
  uint64_t seq = 0;
};

/// Consumer → producer: these (sorted) sequence numbers are missing. `[0]`
/// asks to attach.
struct nack {
  std::vector<uint64_t> seqs;
};

template <class Payload>
using producer_message =
  std::variant<handshake, event<Payload>, keepalive, retransmit_failed>;

using consumer_message = std::variant<cumulative_ack, nack>;

} // namespace broker::detail::channel
