#pragma once

#include <cstddef>
#include <cstdint>

namespace broker::format {

/// The deepest nesting of containers (set, table, vector) that the codec
/// accepts. A scalar has depth 0, a container one more than its deepest
/// element (an empty container has depth 1). Bounding the depth bounds the
/// recursion of both the encoder and the decoder.
inline constexpr size_t max_nesting_depth = 64;

/// The largest string or enum name, in bytes, that the decoder accepts.
inline constexpr uint64_t max_string_size = 16u * 1024 * 1024;

/// The largest element count of one set, table or vector that the decoder
/// accepts.
inline constexpr uint64_t max_container_size = 16u * 1024 * 1024;

/// Limits applied while decoding `data`. The defaults are the constants above;
/// a caller may tighten them (never loosen the depth beyond the default, since
/// the encoder refuses anything deeper anyway).
struct decode_limits {
  size_t max_depth = max_nesting_depth;
  uint64_t max_string_size = format::max_string_size;
  uint64_t max_container_size = format::max_container_size;
};

} // namespace broker::format
