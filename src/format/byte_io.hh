#pragma once

// Fixed-width big-endian fields and varbyte lengths on raw buffers: the
// primitives of the peer protocol's own fields (handshake messages, node
// message envelopes, filters). Readers take `[pos, end)` by reference,
// advance `pos` on success and never read past `end`.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace broker::format {

/// The longest varbyte: 5 bytes carry any 32-bit value.
inline constexpr size_t max_varbyte_size = 5;

inline void put_be(std::vector<uint8_t>& out, uint64_t x, size_t width) {
  for (size_t i = 0; i < width; ++i)
    out.push_back(static_cast<uint8_t>(x >> (8 * (width - 1 - i))));
}

/// Unsigned little-endian base-128, 7 bits per byte, high bit = "more".
inline void put_varbyte(std::vector<uint8_t>& out, uint32_t x) {
  while (x > 0x7F) {
    out.push_back(static_cast<uint8_t>(x | 0x80));
    x >>= 7;
  }
  out.push_back(static_cast<uint8_t>(x));
}

inline size_t varbyte_size(uint32_t x) noexcept {
  size_t n = 1;
  for (; x > 0x7F; x >>= 7)
    ++n;
  return n;
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

/// At most 5 bytes; the value must fit 32 bits.
inline bool get_varbyte(const uint8_t*& pos, const uint8_t* end,
                        uint32_t& x) noexcept {
  uint64_t acc = 0;
  for (size_t i = 0; i < max_varbyte_size && pos + i < end; ++i) {
    acc |= uint64_t{pos[i] & 0x7Fu} << (7 * i);
    if ((pos[i] & 0x80) == 0) {
      if (acc > UINT32_MAX)
        return false;
      x = static_cast<uint32_t>(acc);
      pos += i + 1;
      return true;
    }
  }
  return false;
}

} // namespace broker::format
