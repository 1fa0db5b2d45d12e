#pragma once

// Internal hashing helpers shared by the data-model types. Kept out of the
// public headers so that the mixing scheme can change without an ABI break.

#include <cstddef>
#include <cstdint>

namespace broker::detail {

/// The splitmix64 finalizer: spreads every input bit over the whole word, so
/// that small integers (ports, lengths, counts) do not cluster in buckets.
constexpr uint64_t mix64(uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// Folds `value` into `seed`. Order matters, which is what sequences need.
constexpr uint64_t hash_combine(uint64_t seed, uint64_t value) noexcept {
  return mix64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6)
                       + (seed >> 2)));
}

/// FNV-1a over raw bytes, finalized with mix64 because FNV's low bits are
/// weak for short inputs.
inline uint64_t hash_bytes(const void* ptr, size_t size) noexcept {
  auto bytes = static_cast<const unsigned char*>(ptr);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

} // namespace broker::detail
