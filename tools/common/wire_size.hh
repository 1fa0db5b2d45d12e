#pragma once

#include <cstddef>

#include "broker/data.hh"

namespace broker::tools {

/// Bytes of `x` in the data encoding of docs/protocol.md section 2 (the
/// value alone: no frame, envelope or topic). The tools count payload
/// bytes with it; the library has no public way to ask.
size_t wire_size(const data& x);

} // namespace broker::tools
