#pragma once

#include "broker/store.hh"

namespace broker::test {

/// The value at `key`, or nil when the lookup fails.
inline data value_at(const store& s, data key) {
  auto x = s.get(std::move(key));
  return x ? *x : data{};
}

} // namespace broker::test
