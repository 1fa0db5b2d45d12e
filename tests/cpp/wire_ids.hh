#pragma once

// The ids and hex helpers the golden-vector tests of the v1 codecs share.

#include <string>

#include "broker/convert.hh"
#include "broker/node_id.hh"
#include "hex_util.hh"

namespace broker::test {

/// Parses an id in the 8-4-4-4-12 form (the tests' literals are valid).
inline node_id id_of(const char* text) {
  return *to<node_id>(std::string{text});
}

/// The smallest and largest v4 ids, A and B of ZEEK-WIRE.md §3.4: upstream's
/// own handshake tests use them.
inline const node_id id_a = id_of("00000000-0000-4000-8000-000000000000");
inline const node_id id_b = id_of("ffffffff-ffff-4fff-bfff-ffffffffffff");

/// Hex as `hex()` prints it (spaced bytes) from a compact literal that may
/// contain spaces anywhere.
inline std::string spaced(const std::string& compact) {
  return hex(from_hex(compact));
}

} // namespace broker::test
