#include "wire_size.hh"

#include <type_traits>

namespace broker::tools {

namespace {

/// Bytes of a varbyte (docs/protocol.md 1.1): 7 bits per byte.
size_t varbyte_size(size_t n) {
  size_t result = 1;
  for (; n >= 0x80; n >>= 7)
    ++result;
  return result;
}

struct sizer {
  // Every value starts with its tag byte; the bodies follow section 2.
  size_t operator()(none) const { return 1; }
  size_t operator()(boolean) const { return 2; }
  size_t operator()(count) const { return 9; }
  size_t operator()(integer) const { return 9; }
  size_t operator()(real) const { return 9; }
  size_t operator()(const std::string& x) const {
    return 1 + varbyte_size(x.size()) + x.size();
  }
  size_t operator()(const address&) const { return 17; }
  size_t operator()(const subnet&) const { return 18; }
  size_t operator()(const port&) const { return 4; }
  size_t operator()(timestamp) const { return 9; }
  size_t operator()(timespan) const { return 9; }
  size_t operator()(const enum_value& x) const {
    return 1 + varbyte_size(x.name.size()) + x.name.size();
  }
  size_t operator()(const set& xs) const {
    size_t result = 1 + varbyte_size(xs.size());
    for (auto& x : xs)
      result += wire_size(x);
    return result;
  }
  size_t operator()(const table& xs) const {
    size_t result = 1 + varbyte_size(xs.size());
    for (auto& [key, value] : xs)
      result += wire_size(key) + wire_size(value);
    return result;
  }
  size_t operator()(const vector& xs) const {
    size_t result = 1 + varbyte_size(xs.size());
    for (auto& x : xs)
      result += wire_size(x);
    return result;
  }
};

} // namespace

size_t wire_size(const data& x) {
  return visit(sizer{}, x);
}

} // namespace broker::tools
