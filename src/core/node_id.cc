#include "broker/node_id.hh"

#include <unistd.h>

#include <random>

#include "data/hashing.hh"

namespace broker {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Accepts both cases: CAF prints upper case, we print lower case.
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Strict decimal uint32: digits only, no sign, no overflow.
bool parse_pid(const std::string& str, size_t first, uint32_t& pid) {
  if (first == str.size() || str.size() - first > 10)
    return false;
  uint64_t value = 0;
  for (size_t i = first; i < str.size(); ++i) {
    if (str[i] < '0' || str[i] > '9')
      return false;
    value = value * 10 + static_cast<uint64_t>(str[i] - '0');
  }
  if (value > UINT32_MAX)
    return false;
  pid = static_cast<uint32_t>(value);
  return true;
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
  return node_id{bytes, static_cast<uint32_t>(::getpid())};
}

bool node_id::valid() const noexcept {
  return (word(0) | word(1) | pid_) != 0;
}

size_t node_id::hash() const noexcept {
  auto h = detail::hash_bytes(bytes_.data(), bytes_.size());
  return static_cast<size_t>(detail::hash_combine(h, pid_));
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
  str.reserve(2 * id.bytes().size() + 11);
  for (auto byte : id.bytes()) {
    str += hex_digits[byte >> 4];
    str += hex_digits[byte & 0x0F];
  }
  str += '#';
  str += std::to_string(id.process_id());
  return true;
}

bool convert(const std::string& str, node_id& id) {
  node_id::bytes_type bytes;
  constexpr size_t hex_len = 2 * std::tuple_size_v<node_id::bytes_type>;
  if (str.size() <= hex_len || str[hex_len] != '#')
    return false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto hi = hex_value(str[2 * i]);
    auto lo = hex_value(str[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    bytes[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  uint32_t pid = 0;
  if (!parse_pid(str, hex_len + 1, pid))
    return false;
  node_id result{bytes, pid};
  // The all-zero id is the invalid one; its text form is the empty string.
  if (!result)
    return false;
  id = result;
  return true;
}

} // namespace broker
