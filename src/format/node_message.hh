#pragma once

// Node messages of Broker's native peering protocol v1 (docs/protocol.md
// §6): after the handshake every frame is an envelope (sender, receiver,
// type, ttl, topic) followed by a type-specific payload. Pure codec.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "broker/data.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"
#include "format/handshake.hh"

namespace broker::format {

/// sender (16) + receiver (16) + type (1) + ttl (2) + topic length (2).
inline constexpr size_t node_header_size = 37;

/// The ttl upstream writes into every node message (`broker.ttl`'s default
/// in 2.3+); it never reads it.
inline constexpr uint16_t upstream_ttl = 16;

/// The topic of routing updates, pings and pongs.
inline constexpr std::string_view control_topic = "<$>";

/// A parsed node message. `topic` and `payload` point into the frame body
/// they were parsed from.
struct node_view {
  node_id sender;
  node_id receiver;
  uint8_t type = 0;
  uint16_t ttl = 0;
  std::string_view topic;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
};

/// Parses the envelope of one node-phase frame body. False if the body is
/// shorter than the envelope or its topic length runs past the end. The
/// type is not checked here: the caller decides what to do with types it
/// does not know.
bool read_node_message(const uint8_t* body, size_t size, node_view& out);

/// Appends a whole frame: envelope plus `payload`. False (nothing appended)
/// if the topic exceeds 65,535 bytes, the payload is empty (old peers
/// abort the connection on empty payloads) or the frame is too large.
bool write_node_message(std::vector<uint8_t>& out, const node_id& sender,
                        const node_id& receiver, uint8_t type, uint16_t ttl,
                        std::string_view topic, const uint8_t* payload,
                        size_t payload_size);

/// Appends a data message (type 1) whose payload is `value`. Encodes in
/// place: one size pass, one resize. False (nothing appended) on an empty
/// or oversized topic, data nested too deeply, or an oversized frame.
bool write_data_message(std::vector<uint8_t>& out, const node_id& sender,
                        const node_id& receiver, uint16_t ttl,
                        const topic& dst, const data& value);

/// Appends a routing_update (type 3) carrying the complete `filter`.
bool write_routing_update(std::vector<uint8_t>& out, const node_id& sender,
                          const node_id& receiver, const filter_type& filter);

/// Appends a ping (type 4) or pong (type 5) on the control topic.
bool write_ping(std::vector<uint8_t>& out, msg_type type,
                const node_id& sender, const node_id& receiver,
                const uint8_t* payload, size_t size);

/// Reads the filter of a routing_update payload; false if malformed or
/// followed by trailing bytes.
bool read_routing_update(const node_view& msg, filter_type& filter);

} // namespace broker::format
