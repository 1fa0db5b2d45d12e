#include "broker/address.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "data/hashing.hh"

namespace broker {

namespace {

// IPv4 addresses live in the v4-mapped range ::ffff:0:0/96.
constexpr uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};

void store_word(uint32_t word, address::byte_order order, uint8_t* out) {
  if (order == address::byte_order::host)
    word = htonl(word);
  std::memcpy(out, &word, sizeof(word));
}

void append_v4(const uint8_t* bytes, std::string& out) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2],
                bytes[3]);
  out += buf;
}

struct zero_run {
  int start = -1;
  int length = 0;
};

// RFC 5952: only runs of two or more zero groups get compressed, and the
// first run wins a tie.
zero_run longest_zero_run(const uint16_t (&groups)[8]) {
  zero_run best;
  int i = 0;
  while (i < 8) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0)
      ++j;
    if (j - i >= 2 && j - i > best.length)
      best = zero_run{i, j - i};
    i = j;
  }
  return best;
}

void append_v6(const std::array<uint8_t, 16>& bytes, std::string& out) {
  uint16_t groups[8];
  for (size_t i = 0; i < 8; ++i)
    groups[i] = static_cast<uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  auto run = longest_zero_run(groups);
  char buf[8];
  int i = 0;
  while (i < 8) {
    if (i == run.start) {
      out += "::";
      i += run.length;
      continue;
    }
    // No separator right after "::", which already ends with one.
    if (i > 0 && i != run.start + run.length)
      out += ':';
    std::snprintf(buf, sizeof(buf), "%x", static_cast<unsigned>(groups[i]));
    out += buf;
    ++i;
  }
}

} // namespace

address::address() noexcept : bytes_{} {
  // nop
}

address::address(const uint32_t* words, family fam, byte_order order)
  : bytes_{} {
  if (fam == family::ipv4) {
    std::copy(std::begin(v4_mapped_prefix), std::end(v4_mapped_prefix),
              bytes_.begin());
    store_word(words[0], order, bytes_.data() + 12);
    return;
  }
  for (size_t i = 0; i < 4; ++i)
    store_word(words[i], order, bytes_.data() + 4 * i);
}

address::address(const std::array<uint8_t, 16>& bytes) noexcept
  : bytes_(bytes) {
  // nop
}

bool address::mask(uint8_t top_bits_to_keep) {
  if (top_bits_to_keep > 128)
    return false;
  for (size_t i = 0; i < bytes_.size(); ++i) {
    size_t first_bit = i * 8;
    if (top_bits_to_keep >= first_bit + 8)
      continue;
    if (top_bits_to_keep <= first_bit) {
      bytes_[i] = 0;
      continue;
    }
    auto keep = top_bits_to_keep - first_bit; // 1..7
    bytes_[i] &= static_cast<uint8_t>(0xff << (8 - keep));
  }
  return true;
}

bool address::is_v4() const noexcept {
  return std::equal(std::begin(v4_mapped_prefix), std::end(v4_mapped_prefix),
                    bytes_.begin());
}

size_t address::hash() const noexcept {
  return static_cast<size_t>(detail::hash_bytes(bytes_.data(), bytes_.size()));
}

int address::compare(const address& other) const noexcept {
  auto res = std::memcmp(bytes_.data(), other.bytes_.data(), bytes_.size());
  return res < 0 ? -1 : (res > 0 ? 1 : 0);
}

bool convert(const address& a, std::string& str) {
  str.clear();
  if (a.is_v4())
    append_v4(a.bytes().data() + 12, str);
  else
    append_v6(a.bytes(), str);
  return true;
}

} // namespace broker
