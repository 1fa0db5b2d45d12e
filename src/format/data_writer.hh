#pragma once

// Encoder for broker::data (see docs/protocol.md, "Data encoding").

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "broker/data.hh"
#include "format/varint.hh"

namespace broker::format {

/// Appends encodings to a caller-owned, reusable byte buffer in one pass.
class writer {
public:
  explicit writer(std::vector<uint8_t>& out) noexcept : out_(out) {}

  /// Appends the encoding of `x`. Returns false if `x` cannot be encoded
  /// (see `encoded_size`); the buffer is then left as it was.
  bool put(const data& x);

  void put_u8(uint8_t x) { out_.push_back(x); }

  /// A varbyte length or count (docs/protocol.md §1.1).
  void put_varbyte(uint32_t x) {
    uint8_t buf[max_varbyte_size];
    auto n = write_varbyte(buf, x);
    out_.insert(out_.end(), buf, buf + n);
  }

  void put_bytes(const void* bytes, size_t size) {
    auto first = static_cast<const uint8_t*>(bytes);
    out_.insert(out_.end(), first, first + size);
  }

  /// Varbyte length followed by the bytes. Returns false, writing nothing,
  /// if the string is too long for a varbyte length (2^32 bytes or more).
  bool put_string(std::string_view str) {
    if (str.size() > max_varbyte_value)
      return false;
    put_varbyte(static_cast<uint32_t>(str.size()));
    put_bytes(str.data(), str.size());
    return true;
  }

  std::vector<uint8_t>& buffer() noexcept { return out_; }

  /// What `encoded_size` returns for a value it cannot encode.
  static constexpr size_t npos = static_cast<size_t>(-1);

private:
  std::vector<uint8_t>& out_;
};

/// Bytes the encoding of `x` takes, or `writer::npos` if `x` cannot be
/// encoded: it nests containers deeper than `max_nesting_depth`, or a string,
/// enum name or container holds 2^32 or more bytes or elements (a varbyte
/// cannot say so; truncating the length would corrupt the stream).
size_t encoded_size(const data& x) noexcept;

/// Writes the encoding of `x` to `out`, which has room for
/// `encoded_size(x)` bytes (not npos), and returns the end of what it wrote.
uint8_t* encode_to(uint8_t* out, const data& x) noexcept;

/// Appends the encoding of `x` to `out`. Returns false (and leaves `out`
/// unchanged) if `x` cannot be encoded (see `encoded_size`).
bool encode(const data& x, std::vector<uint8_t>& out);

} // namespace broker::format
