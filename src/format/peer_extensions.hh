#pragma once

// What our endpoints add to v1 (docs/protocol.md §7), and how they find
// out that a peer is one of theirs: right after the handshake each side
// sends a ping whose payload announces its extensions. Upstream answers it
// like any ping and never sends one, so a peer that sends us such a ping is
// ours; one whose pong to our probe arrives first is not (its ping would
// have come first: it sends it as soon as its handshake ends, before it
// reads our probe).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace broker::format {

struct peer_extensions {
  /// The peer announced itself: it understands compact frames.
  bool ours = false;
  /// Random per process: equal tokens mean both endpoints share a process.
  uint64_t process_token = 0;
  /// The peer would move the peering into memory (broker.in-process-shortcut).
  bool shortcut = false;
};

/// Bytes of an extension probe's payload.
inline constexpr size_t extension_probe_size = 14;

/// The payload of our extension probe ping: "BRKX", version 1, flags, the
/// process token (big endian).
std::vector<uint8_t> extension_probe(const peer_extensions& mine);

/// True if `payload` is an extension probe; fills `theirs` (with `ours`
/// set).
bool read_extension_probe(const uint8_t* payload, size_t size,
                          peer_extensions& theirs);

/// A heartbeat ping payload: "BRKH" + a counter (8 bytes, big endian).
std::vector<uint8_t> heartbeat_payload(uint64_t counter);

/// The BYE token of an orderly disconnect: "BYE" + 8 opaque bytes.
std::vector<uint8_t> bye_payload(uint64_t id);

/// True if a ping payload is a BYE token (any id).
bool is_bye(const uint8_t* payload, size_t size);

} // namespace broker::format
