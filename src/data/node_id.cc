#include "broker/node_id.hh"

#include <random>

#include "data/hashing.hh"

namespace broker {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// Offsets of the dashes in the 36-character text form.
constexpr size_t text_size = 36;

bool is_dash_position(size_t pos) noexcept {
  return pos == 8 || pos == 13 || pos == 18 || pos == 23;
}

// Accepts both cases: UUIDs are case-insensitive on input.
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// One generator per thread, seeded from the OS once: creating endpoints
// must not serialize on a lock or drain the entropy pool.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64{seq};
  }();
  return gen;
}

} // namespace

node_id node_id::random() {
  bytes_type bytes;
  auto& gen = generator();
  for (size_t i = 0; i < bytes.size(); i += 8) {
    auto word = gen();
    for (size_t j = 0; j < 8; ++j)
      bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  // RFC 4122 version 4 (random) and variant 10xx, as upstream's ids.
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  return node_id{bytes};
}

size_t node_id::hash() const noexcept {
  return static_cast<size_t>(detail::hash_bytes(bytes_.data(), bytes_.size()));
}

std::string to_string(const node_id& id) {
  std::string result;
  convert(id, result);
  return result;
}

bool convert(const node_id& id, std::string& str) {
  str.clear();
  if (!id)
    return true;
  str.reserve(text_size);
  for (size_t i = 0; i < id.bytes().size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      str += '-';
    str += hex_digits[id.bytes()[i] >> 4];
    str += hex_digits[id.bytes()[i] & 0x0F];
  }
  return true;
}

bool convert(const std::string& str, node_id& id) {
  if (str.size() != text_size)
    return false;
  node_id::bytes_type bytes;
  size_t out = 0;
  for (size_t pos = 0; pos < text_size; pos += 2) {
    if (is_dash_position(pos)) {
      if (str[pos] != '-')
        return false;
      ++pos;
    }
    auto hi = hex_value(str[pos]);
    auto lo = hex_value(str[pos + 1]);
    if (hi < 0 || lo < 0)
      return false;
    bytes[out++] = static_cast<uint8_t>((hi << 4) | lo);
  }
  node_id result{bytes};
  if (!result)
    return false;
  id = result;
  return true;
}

} // namespace broker
