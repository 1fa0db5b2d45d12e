#pragma once

// Decoder for broker::data (see docs/protocol.md, "Data encoding").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
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

  /// A varbyte (at most 5 bytes, value below 2^32; overlong forms accepted).
  bool read_varbyte(uint32_t& x);

  /// 8 bytes, big endian.
  bool read_be64(uint64_t& x);

  /// Copies `size` bytes to `out`.
  bool read_bytes(void* out, size_t size);

  /// A varbyte length followed by that many bytes (at most
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
  using variant = data::variant_type;

  bool read_value(data& x, size_t depth_left);
  bool read_scalar(uint8_t tag, size_t at, variant& v);
  bool read_container(uint8_t tag, size_t at, variant& v, size_t depth_left);
  bool read_boolean(size_t at, variant& v);
  bool read_string_value(size_t at, variant& v);
  bool read_enum_value(size_t at, variant& v);
  bool read_real(variant& v);
  bool read_text(size_t at, const char* what, std::string_view& str);
  bool read_address(size_t at, variant& v);
  bool read_subnet(size_t at, variant& v);
  bool read_port(size_t at, variant& v);
  bool read_set(size_t at, variant& v, size_t depth_left);
  bool read_table(size_t at, variant& v, size_t depth_left);
  bool read_vector(size_t at, variant& v, size_t depth_left);
  template <class T>
  bool read_fixed64(variant& v);
  bool read_length(size_t at, const char* what, uint64_t limit,
                   uint64_t min_element_size, uint32_t& n);
  bool varbyte_failed(size_t at, int status);

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
