#pragma once

// The frame header of the peer-to-peer wire protocol (see docs/protocol.md,
// "Frames"). Frame payloads are specified by the network layer.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "broker/error.hh"

namespace broker::format {

/// The version of the framing and of the data encoding, carried in every
/// frame header.
inline constexpr uint8_t wire_version = 1;

/// Bytes in a frame header: payload length (4, big endian), version (1),
/// frame type (1).
inline constexpr size_t frame_header_size = 6;

/// The largest payload a frame may carry (16 MiB). Checked before anything is
/// allocated for the payload.
inline constexpr uint32_t max_frame_payload = 16u * 1024 * 1024;

/// What a frame carries. Zero is never valid, so a zeroed header is rejected.
enum class frame_type : uint8_t {
  hello = 1,         ///< handshake: magic, version, endpoint id, filter
  data = 2,          ///< one or more (topic, data) messages
  filter_update = 3, ///< the sender's subscription filter changed
  heartbeat = 4,     ///< liveness probe (8-byte counter, see wire.hh)
  goodbye = 5,       ///< orderly shutdown of the peering
};

/// True for the frame types this version understands.
bool is_valid(frame_type type) noexcept;

/// The lowercase name of a frame type, or "unknown".
const char* to_string(frame_type type) noexcept;

struct frame_header {
  uint32_t payload_size = 0;
  uint8_t version = wire_version;
  frame_type type = frame_type::heartbeat;
};

/// Writes a header to `out`, which must have room for `frame_header_size`
/// bytes. The caller guarantees `payload_size <= max_frame_payload`.
void write_frame_header(uint8_t* out, frame_type type,
                        uint32_t payload_size) noexcept;

/// Appends a header to `out`. The caller guarantees
/// `payload_size <= max_frame_payload`.
void write_frame_header(std::vector<uint8_t>& out, frame_type type,
                        uint32_t payload_size);

/// Appends a header with a placeholder length and returns its position, so
/// that the payload can be encoded in place right behind it. Complete the
/// frame with `finish_frame`.
size_t begin_frame(std::vector<uint8_t>& out, frame_type type);

/// Patches the length of the frame begun at `start` to cover everything
/// appended since. Returns false (and truncates `out` back to `start`) if the
/// payload exceeds `max_frame_payload`.
bool finish_frame(std::vector<uint8_t>& out, size_t start) noexcept;

enum class header_status : uint8_t {
  ok,         ///< a valid header was parsed
  incomplete, ///< fewer than frame_header_size bytes: read more
  invalid,    ///< not a valid header: drop the connection
};

/// Parses the header at the start of `[bytes, bytes + size)`. On `invalid`,
/// `*err` (if given) receives `ec::peer_incompatible` for a foreign version
/// and `ec::invalid_data` for a bad type or an oversized payload length.
header_status parse_frame_header(const uint8_t* bytes, size_t size,
                                 frame_header& hdr,
                                 broker::error* err = nullptr);

} // namespace broker::format
