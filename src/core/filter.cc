#include "core/filter.hh"

#include <algorithm>

namespace broker {

// Why the binary searches below suffice: in sorted order, the strings that
// start with a prefix p form one contiguous run beginning at p. Hence in a
// minimal filter at most one entry is a prefix of a given topic, and it is
// the greatest entry not greater than that topic.

namespace {

// The greatest entry of `f` that is <= `t`, or `f.end()`.
filter_type::const_iterator floor_entry(const filter_type& f, const topic& t) {
  auto i = std::upper_bound(f.begin(), f.end(), t);
  return i == f.begin() ? f.end() : std::prev(i);
}

} // namespace

bool filter_matches(const filter_type& f, const topic& t) noexcept {
  auto i = floor_entry(f, t);
  return i != f.end() && i->prefix_of(t);
}

bool filter_extend(filter_type& f, const topic& x) {
  if (filter_matches(f, x))
    return false;
  // The entries that `x` covers start at its insertion point.
  auto first = std::lower_bound(f.begin(), f.end(), x);
  auto last = std::find_if_not(first, f.end(), [&x](const topic& e) {
    return x.prefix_of(e);
  });
  if (first == last) {
    f.insert(first, x);
  } else {
    *first = x;
    f.erase(std::next(first), last);
  }
  return true;
}

bool filter_extend(filter_type& f, const filter_type& xs) {
  bool changed = false;
  for (const auto& x : xs)
    changed |= filter_extend(f, x);
  return changed;
}

void filter_strip_internal(filter_type& f) {
  f.erase(std::remove_if(f.begin(), f.end(),
                         [](const topic& t) { return is_internal(t); }),
          f.end());
}

filter_type filter_without_internal(const filter_type& f) {
  filter_type result;
  result.reserve(f.size());
  std::copy_if(f.begin(), f.end(), std::back_inserter(result),
               [](const topic& t) { return !is_internal(t); });
  return result;
}

} // namespace broker
