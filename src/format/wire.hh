#pragma once

// Payloads of the peer-to-peer frames (see docs/protocol.md, section 5 "Peer
// protocol"). Pure codec: no sockets, no clocks, no routing decisions. Each
// `write_X` appends one complete frame (header and payload) to a caller-owned
// buffer, so a transport can batch many frames into one write. Each `read_X`
// parses the payload of one frame whose header `parse_frame_header` accepted
// and whose type selected `read_X`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/node_id.hh"
#include "broker/topic.hh"
#include "format/frame.hh"

namespace broker::format {

// -- constants ----------------------------------------------------------------

/// The first four payload bytes of every hello: ASCII "BRKR". Lets a receiver
/// tell a Broker peer from something else that happens to pass the header
/// checks.
inline constexpr std::array<uint8_t, 4> peer_magic = {'B', 'R', 'K', 'R'};

/// The version of the peer protocol (payload layouts and their meaning),
/// carried in the hello. Independent of `wire_version` in the frame header,
/// which covers framing and the data encoding; either mismatch yields
/// `ec::peer_incompatible`.
inline constexpr uint16_t peer_protocol_version = 1;

/// The longest topic (in bytes) in a filter or a data frame. Real topics are
/// short; the bound keeps a hostile peer from making us hold megabytes of
/// topic per entry.
inline constexpr uint64_t max_wire_topic_size = 65535;

/// The most entries a filter (hello or filter_update) may carry.
inline constexpr uint64_t max_wire_filter_size = 65536;

/// The longest message text of a goodbye, in bytes.
inline constexpr uint64_t max_goodbye_message_size = 4096;

/// Bit 0 of the data frame flags: deliver to the receiver only, never relay.
inline constexpr uint8_t data_flag_targeted = 0x01;

// -- payload types ------------------------------------------------------------

/// The first frame on every connection, sent by both sides.
struct hello {
  /// Checked against `peer_protocol_version` while decoding; encoders always
  /// write `peer_protocol_version`.
  uint16_t version = peer_protocol_version;
  /// The sending endpoint. Must be valid (non-zero).
  node_id id;
  /// Random per process: a listener that sees its own token knows the
  /// dialler lives in the same process.
  uint64_t process_token = 0;
  /// The sender's subscription filter, in the sender's order.
  std::vector<topic> filter;
};

/// Replaces the receiver's copy of the sender's filter.
struct filter_update {
  std::vector<topic> filter;
};

/// One published message with its routing fields.
struct data_frame {
  /// The publishing endpoint. Must be valid (non-zero).
  node_id origin;
  /// Per-origin sequence number, for duplicate suppression.
  uint64_t seq = 0;
  /// Hops left.
  uint16_t ttl = 0;
  /// Deliver to the receiver only, never relay (flags bit 0).
  bool targeted = false;
  topic dst;
  data payload;
};

/// The fields of a data frame besides its topic and value.
struct data_routing {
  node_id origin;
  uint64_t seq = 0;
  uint16_t ttl = 0;
  bool targeted = false;
};

/// Liveness probe.
struct heartbeat {
  /// Opaque to the receiver; senders count up per connection.
  uint64_t counter = 0;
};

/// Why a peer closes a connection.
enum class goodbye_reason : uint8_t {
  shutdown = 0,       ///< unpeer or endpoint shutdown
  duplicate = 1,      ///< lost the simultaneous-dial tie break
  protocol_error = 2, ///< the sender received a malformed frame
  incompatible = 3,   ///< protocol version mismatch
  timeout = 4,        ///< heartbeats stopped arriving
  self = 5,           ///< the endpoint dialled itself
  in_process = 6,     ///< the peering continues in memory (same process)
};

/// The largest valid reason code.
inline constexpr uint8_t max_goodbye_reason = 6;

/// The lowercase name of a reason, or "unknown".
const char* to_string(goodbye_reason reason) noexcept;

/// The last frame a peer sends before closing the connection.
struct goodbye {
  goodbye_reason reason = goodbye_reason::shutdown;
  /// Human-readable detail, at most `max_goodbye_message_size` bytes.
  std::string message;
};

bool operator==(const hello& x, const hello& y);
bool operator==(const filter_update& x, const filter_update& y);
bool operator==(const data_frame& x, const data_frame& y);
bool operator==(const heartbeat& x, const heartbeat& y);
bool operator==(const goodbye& x, const goodbye& y);

// -- encoders -----------------------------------------------------------------
//
// Each appends a complete frame to `out` and returns true, or returns false
// and leaves `out` as it was if the frame would be invalid: an invalid node
// id, a topic or goodbye message over its limit, a filter over its entry
// limit, data nested too deeply, or a payload over `max_frame_payload`. An
// encoder never produces bytes that the matching decoder rejects.

bool write_hello(const hello& x, std::vector<uint8_t>& out);

bool write_filter_update(const filter_update& x, std::vector<uint8_t>& out);

bool write_data_frame(const data_frame& x, std::vector<uint8_t>& out);

/// Encodes a data frame from its parts, without building a `data_frame`
/// first: the network layer encodes each message once and hands the same
/// bytes to every peer.
bool write_data_frame(const node_id& origin, uint64_t seq, uint16_t ttl,
                      bool targeted, const topic& dst, const data& payload,
                      std::vector<uint8_t>& out);

bool write_heartbeat(const heartbeat& x, std::vector<uint8_t>& out);

bool write_goodbye(const goodbye& x, std::vector<uint8_t>& out);

// -- decoders -----------------------------------------------------------------
//
// Each parses exactly one payload (the bytes after the frame header) and
// rejects trailing bytes. Errors carry `ec::invalid_data` and a message that
// names the frame type and the byte offset within the payload, except for a
// hello with a foreign protocol version (`ec::peer_incompatible`). No input
// makes a decoder throw (other than std::bad_alloc) or invoke undefined
// behaviour.

expected<hello> read_hello(const uint8_t* payload, size_t size);

expected<filter_update> read_filter_update(const uint8_t* payload,
                                           size_t size);

expected<data_frame> read_data_frame(const uint8_t* payload, size_t size);

/// Decodes a data frame into caller-owned parts; `dst` and `value` keep the
/// buffers they hold where they can (see `reader::read`), so decoding into
/// a recycled message allocates nothing. Returns a default error on
/// success; on failure the parts hold unspecified but valid values.
broker::error read_data_frame(const uint8_t* payload, size_t size,
                              data_routing& routing, topic& dst, data& value);

expected<heartbeat> read_heartbeat(const uint8_t* payload, size_t size);

expected<goodbye> read_goodbye(const uint8_t* payload, size_t size);

} // namespace broker::format
