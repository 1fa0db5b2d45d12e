#pragma once

// Primitive encodings shared by the data codec and the frame layer:
// - varbytes, the 32-bit length prefixes of Zeek's data encoding;
// - big-endian fixed-width words;
// - reals with the bit quirks Zeek's peers put on the wire;
// - the 64-bit LEB128 varints of our own peer-protocol fields (wire.cc),
//   which are not part of the data encoding any more.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace broker::format {

// -- varbyte (docs/protocol.md §1.1) -----------------------------------------

/// The longest varbyte: five 7-bit groups cover 32 bits.
inline constexpr size_t max_varbyte_size = 5;

/// The largest length a varbyte can carry. Writers refuse anything larger
/// instead of truncating it, which would desynchronise the reader.
inline constexpr uint64_t max_varbyte_value = 0xffff'ffffu;

/// Writes `x` as a varbyte to `out` (at least `max_varbyte_size` bytes of
/// room) and returns the number of bytes written.
inline size_t write_varbyte(uint8_t* out, uint32_t x) noexcept {
  size_t n = 0;
  while (x >= 0x80) {
    out[n++] = static_cast<uint8_t>(x) | 0x80;
    x >>= 7;
  }
  out[n++] = static_cast<uint8_t>(x);
  return n;
}

/// The number of bytes `write_varbyte` produces for `x`.
inline size_t varbyte_size(uint32_t x) noexcept {
  size_t n = 1;
  while (x >= 0x80) {
    x >>= 7;
    ++n;
  }
  return n;
}

enum class varbyte_status : uint8_t {
  ok,
  truncated, ///< the input ended inside the varbyte
  too_long,  ///< the fifth byte still has its continuation bit set
  overflow,  ///< the fifth byte carries bits beyond 2^32
};

/// Reads a varbyte from `[pos, end)` and advances `pos` past it on success.
/// Overlong forms (e.g. `80 00` for 0) are accepted, as Zeek's peers accept
/// them; on failure `pos` is unspecified.
inline varbyte_status read_varbyte(const uint8_t*& pos, const uint8_t* end,
                                   uint32_t& out) noexcept {
  uint32_t result = 0;
  for (unsigned i = 0; i < max_varbyte_size; ++i) {
    if (pos == end)
      return varbyte_status::truncated;
    uint8_t b = *pos++;
    if (i == max_varbyte_size - 1 && b >= 0x80)
      return varbyte_status::too_long;
    if (i == max_varbyte_size - 1 && b > 0x0f)
      return varbyte_status::overflow;
    result |= static_cast<uint32_t>(b & 0x7f) << (7 * i);
    if (b < 0x80)
      break;
  }
  out = result;
  return varbyte_status::ok;
}

// -- fixed-width big-endian words ----------------------------------------------

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

/// Stores `x` as 8 big-endian bytes.
inline void store_be64(uint8_t* out, uint64_t x) noexcept {
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(x >> (56 - 8 * i));
}

inline uint64_t load_be64(const uint8_t* in) noexcept {
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i)
    x = (x << 8) | in[i];
  return x;
}

// -- reals ----------------------------------------------------------------------
//
// Zeek's peers serialise doubles through a packing routine that swaps the
// two infinities and collapses every NaN to all ones. Both sides undo the
// swap, so we must do the same to interoperate.

inline constexpr uint64_t ieee_pos_inf = 0x7ff0'0000'0000'0000u;
inline constexpr uint64_t ieee_neg_inf = 0xfff0'0000'0000'0000u;
inline constexpr uint64_t wire_nan = 0xffff'ffff'ffff'ffffu;

/// The 64 bits that represent `x` on the wire.
inline uint64_t real_to_wire(double x) noexcept {
  if (std::isnan(x))
    return wire_nan;
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  if (bits == ieee_pos_inf)
    return ieee_neg_inf;
  if (bits == ieee_neg_inf)
    return ieee_pos_inf;
  return bits;
}

/// The real that `bits` represent on the wire. Bit patterns other than the
/// three special ones read as plain IEEE-754 (other NaNs stay NaNs).
inline double real_from_wire(uint64_t bits) noexcept {
  if (bits == wire_nan)
    return std::numeric_limits<double>::quiet_NaN();
  if (bits == ieee_pos_inf)
    bits = ieee_neg_inf;
  else if (bits == ieee_neg_inf)
    bits = ieee_pos_inf;
  double x;
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}

} // namespace broker::format
