#pragma once

// Compact frames: our extension for peers of ours (docs/protocol.md §7.2).
// Once a side learned that its peer is one of ours (the peer's extension
// probe arrived), it sends a v1 node message of type `compact_switch_type`
// and from then on writes compact frames: a kind byte, then either a whole
// v1 node message (control traffic) or a data message without the 37-byte
// envelope. Only our endpoints ever see these. Pure codec.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "broker/data.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"

namespace broker::format {

/// The node message type that announces: "my next frame is compact".
inline constexpr uint8_t compact_switch_type = 0x43;

/// The first byte of a compact frame body.
enum class compact_kind : uint8_t {
  node = 0,        ///< a v1 node message body follows
  data = 1,        ///< data published by the sender
  relayed_data = 2 ///< data with an explicit origin (relayed by the sender)
};

/// A parsed compact data frame; `topic` and `payload` point into the body.
struct compact_data_view {
  bool targeted = false;
  uint16_t ttl = 0;
  std::string_view topic;
  uint64_t seq = 0;
  /// The origin for `relayed_data`; nil for `data` (the sender).
  node_id origin;
  const uint8_t* payload = nullptr;
  size_t payload_size = 0;
};

/// Appends the whole compact frame of a data message. `origin` nil means
/// the sender published it. False (nothing appended) on an empty or
/// oversized topic, data nested too deeply, or an oversized frame.
bool write_compact_data(std::vector<uint8_t>& out, bool targeted, uint16_t ttl,
                        const topic& dst, const data& value,
                        const node_id& origin, uint64_t seq);

/// Turns the v1 node message frame that starts at `start` (the last frame
/// in `out`) into a compact frame of kind `node`: routing updates, pings
/// and pongs travel this way once a side writes compact frames.
void wrap_compact_node(std::vector<uint8_t>& out, size_t start);

/// Parses a compact data body (kind `data` or `relayed_data`). False if it
/// is truncated or a relayed message names the nil id as origin.
bool read_compact_data(const uint8_t* body, size_t size,
                       compact_data_view& out);

/// Bytes of the fixed part of a compact data body: kind, flags, ttl, topic
/// length (the sequence number follows the topic).
inline constexpr size_t compact_data_header_size = 6;

} // namespace broker::format
