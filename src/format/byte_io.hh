#pragma once

// Fixed-width big-endian fields and varbyte lengths on raw buffers: the
// primitives of the peer protocol's own fields (handshake messages, node
// message envelopes, filters). Readers take `[pos, end)` by reference,
// advance `pos` on success and never read past `end`.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/varint.hh"

namespace broker::format {

inline void put_be(std::vector<uint8_t>& out, uint64_t x, size_t width) {
  for (size_t i = 0; i < width; ++i)
    out.push_back(static_cast<uint8_t>(x >> (8 * (width - 1 - i))));
}

/// Appends a varbyte (varint.hh).
inline void put_varbyte(std::vector<uint8_t>& out, uint32_t x) {
  uint8_t buf[max_varbyte_size];
  out.insert(out.end(), buf, buf + write_varbyte(buf, x));
}

inline bool get_be(const uint8_t*& pos, const uint8_t* end, size_t width,
                   uint64_t& x) noexcept {
  if (static_cast<size_t>(end - pos) < width)
    return false;
  x = 0;
  for (size_t i = 0; i < width; ++i)
    x = (x << 8) | pos[i];
  pos += width;
  return true;
}

/// A varbyte (varint.hh): at most 5 bytes, the value below 2^32.
inline bool get_varbyte(const uint8_t*& pos, const uint8_t* end,
                        uint32_t& x) noexcept {
  return read_varbyte(pos, end, x) == varbyte_status::ok;
}

} // namespace broker::format
