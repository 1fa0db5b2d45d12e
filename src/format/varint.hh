#pragma once

// Primitive encodings shared by the data codec and the frame layer: unsigned
// LEB128 varints, zigzag mapping of signed integers, and fixed-width
// little-endian 64-bit words.

#include <cstddef>
#include <cstdint>

namespace broker::format {

/// The longest varint encoding of a 64-bit value.
inline constexpr size_t max_varint_size = 10;

/// Writes `x` as an unsigned LEB128 varint to `out` (at least
/// `max_varint_size` bytes of room) and returns the number of bytes written.
inline size_t write_varint(uint8_t* out, uint64_t x) noexcept {
  size_t n = 0;
  while (x >= 0x80) {
    out[n++] = static_cast<uint8_t>(x) | 0x80;
    x >>= 7;
  }
  out[n++] = static_cast<uint8_t>(x);
  return n;
}

/// The number of bytes `write_varint` produces for `x`.
inline size_t varint_size(uint64_t x) noexcept {
  size_t n = 1;
  while (x >= 0x80) {
    x >>= 7;
    ++n;
  }
  return n;
}

enum class varint_status : uint8_t {
  ok,
  truncated, ///< the input ended inside the varint
  overlong,  ///< a multi-byte encoding whose last byte is zero
  overflow,  ///< the value does not fit into 64 bits
};

/// Reads a canonical unsigned LEB128 varint from `[pos, end)` and advances
/// `pos` past it on success. On failure `pos` is unspecified.
inline varint_status read_varint(const uint8_t*& pos, const uint8_t* end,
                                 uint64_t& out) noexcept {
  if (pos == end)
    return varint_status::truncated;
  uint8_t b = *pos++;
  if (b < 0x80) { // fast path: one byte
    out = b;
    return varint_status::ok;
  }
  uint64_t result = b & 0x7f;
  for (unsigned i = 1; i < max_varint_size; ++i) {
    if (pos == end)
      return varint_status::truncated;
    b = *pos++;
    if (i == max_varint_size - 1 && b > 1)
      return varint_status::overflow;
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (b < 0x80) {
      if (b == 0)
        return varint_status::overlong;
      out = result;
      return varint_status::ok;
    }
  }
  return varint_status::overflow; // unreachable: byte 10 is at most 1
}

/// Maps signed to unsigned integers so that small magnitudes stay small:
/// 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, ...
inline uint64_t zigzag_encode(int64_t x) noexcept {
  auto u = static_cast<uint64_t>(x);
  return (u << 1) ^ (0 - (u >> 63));
}

inline int64_t zigzag_decode(uint64_t u) noexcept {
  return static_cast<int64_t>((u >> 1) ^ (0 - (u & 1)));
}

/// Stores `x` as 8 little-endian bytes.
inline void store_le64(uint8_t* out, uint64_t x) noexcept {
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(x >> (8 * i));
}

inline uint64_t load_le64(const uint8_t* in) noexcept {
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i)
    x |= static_cast<uint64_t>(in[i]) << (8 * i);
  return x;
}

/// Stores `x` as 4 big-endian bytes.
inline void store_be32(uint8_t* out, uint32_t x) noexcept {
  out[0] = static_cast<uint8_t>(x >> 24);
  out[1] = static_cast<uint8_t>(x >> 16);
  out[2] = static_cast<uint8_t>(x >> 8);
  out[3] = static_cast<uint8_t>(x);
}

inline uint32_t load_be32(const uint8_t* in) noexcept {
  return (static_cast<uint32_t>(in[0]) << 24)
         | (static_cast<uint32_t>(in[1]) << 16)
         | (static_cast<uint32_t>(in[2]) << 8) | static_cast<uint32_t>(in[3]);
}

} // namespace broker::format
