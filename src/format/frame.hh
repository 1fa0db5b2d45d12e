#pragma once

// Framing of Broker's native peering protocol v1 (docs/protocol.md §4):
// every message in every phase is a 32-bit big-endian length followed by
// exactly that many bytes. Pure codec: no sockets.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "broker/error.hh"

namespace broker::format {

/// Bytes of the length prefix.
inline constexpr size_t frame_prefix_size = 4;

/// The largest frame body we accept or send (16 MiB). Upstream accepts up
/// to 2^31 - 5 bytes; real frames are far smaller, and the bound keeps a
/// hostile length from making us buffer gigabytes. The data decoder's own
/// limits (docs/protocol.md §3) are of the same size.
inline constexpr uint32_t max_frame_size = 16u * 1024 * 1024;

/// Which phase a reader is in: the two phases treat an empty frame
/// differently.
enum class frame_phase : uint8_t {
  handshake, ///< an empty frame is a protocol error
  node,      ///< an empty frame is skipped
};

enum class frame_status : uint8_t {
  ok,         ///< a complete frame is available
  incomplete, ///< read more bytes
  skip,       ///< an empty node-phase frame: drop its prefix and go on
  invalid,    ///< drop the connection (`*err` says why)
};

/// Looks at the frame starting at `[bytes, bytes + size)`. On `ok`, the
/// body has `body_size` bytes and starts `frame_prefix_size` bytes in.
frame_status parse_frame(const uint8_t* bytes, size_t size, frame_phase phase,
                         uint32_t& body_size, broker::error* err = nullptr);

/// Appends a length prefix with a placeholder and returns its position, so
/// that the body can be encoded in place behind it. Complete the frame with
/// `finish_frame`.
size_t begin_frame(std::vector<uint8_t>& out);

/// Patches the length of the frame begun at `start`. Returns false (and
/// truncates `out` back to `start`) if the body exceeds `max_frame_size` or
/// is empty: neither may go on the wire.
bool finish_frame(std::vector<uint8_t>& out, size_t start) noexcept;

} // namespace broker::format
