#pragma once

// Hex rendering and parsing for golden-byte tests of the codecs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace broker::test {

/// Lowercase hex bytes separated by single spaces: "0a ff 00".
inline std::string hex(const uint8_t* first, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < size; ++i) {
    if (!out.empty())
      out += ' ';
    out += digits[first[i] >> 4];
    out += digits[first[i] & 0xf];
  }
  return out;
}

inline std::string hex(const std::vector<uint8_t>& buf) {
  return hex(buf.data(), buf.size());
}

/// Parses lowercase hex, skipping anything else (spaces, line breaks).
inline std::vector<uint8_t> from_hex(const std::string& str) {
  std::vector<uint8_t> out;
  int high = -1;
  for (auto c : str) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else
      continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

} // namespace broker::test
