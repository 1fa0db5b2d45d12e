#pragma once

// Decoder for broker::data (see docs/protocol.md, "Data encoding").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/expected.hh"
#include "format/limits.hh"

namespace broker::format {

/// Reads encoded values from a borrowed byte range. Every read checks the
/// remaining input before it allocates; no input makes it throw (other than
/// std::bad_alloc) or invoke undefined behaviour. After a failed read,
/// `error()` describes the first problem (code `ec::invalid_data`, message
/// naming the byte offset) and the reader should be discarded.
class reader {
public:
  reader(const uint8_t* bytes, size_t size,
         const decode_limits& limits = {}) noexcept
    : begin_(bytes), pos_(bytes), end_(bytes + size), limits_(limits) {
    // The depth bounds the recursion: never exceed the compiled-in maximum.
    if (limits_.max_depth > max_nesting_depth)
      limits_.max_depth = max_nesting_depth;
  }

  explicit reader(const std::vector<uint8_t>& buf,
                  const decode_limits& limits = {}) noexcept
    : reader(buf.data(), buf.size(), limits) {}

  /// Reads one value into `x`. Where `x` already holds a string, enum or
  /// vector and the input holds one too, the value reuses its buffers, so
  /// decoding into a recycled value of the same shape allocates nothing.
  /// On failure `x` holds an unspecified but valid value.
  bool read(data& x);

  bool read_u8(uint8_t& x);

  /// A canonical unsigned LEB128 varint of at most 64 bits.
  bool read_varint(uint64_t& x);

  /// A zigzag-mapped varint.
  bool read_zigzag(int64_t& x);

  /// 8 bytes, little endian.
  bool read_le64(uint64_t& x);

  /// Copies `size` bytes to `out`.
  bool read_bytes(void* out, size_t size);

  /// A varint length followed by that many bytes (at most
  /// `limits.max_string_size`).
  bool read_string(std::string& x);

  /// Fails with "trailing bytes" unless the whole input has been consumed.
  bool expect_end();

  /// Bytes consumed so far.
  size_t offset() const noexcept { return static_cast<size_t>(pos_ - begin_); }

  size_t remaining() const noexcept { return static_cast<size_t>(end_ - pos_); }

  bool at_end() const noexcept { return pos_ == end_; }

  /// The reason for the first failed read (`ec::none` while all went well).
  const broker::error& error() const noexcept { return err_; }

  /// Records an `ec::invalid_data` error at byte offset `at` (printf-style
  /// message) unless one has been recorded already. Always returns false.
  bool fail(size_t at, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

private:
  bool read_value(data& x, size_t depth_left);
  bool read_length(size_t at, const char* what, uint64_t limit,
                   uint64_t min_element_size, uint64_t& n);
  bool varint_failed(size_t at, int status);

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  decode_limits limits_;
  broker::error err_;
};

/// Decodes exactly one value occupying the whole buffer: trailing bytes are an
/// error.
expected<data> decode(const uint8_t* bytes, size_t size,
                      const decode_limits& limits = {});

inline expected<data> decode(const std::vector<uint8_t>& buf,
                             const decode_limits& limits = {}) {
  return decode(buf.data(), buf.size(), limits);
}

/// Like `decode`, but writes into `out`; returns a default error on success.
broker::error decode(const uint8_t* bytes, size_t size, data& out,
                     const decode_limits& limits = {});

} // namespace broker::format
