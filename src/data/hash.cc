// std::hash for data and its containers. Every value is salted with its
// variant index so that e.g. count 1 and integer 1 (unequal) rarely collide.

#include <cstring>

#include "broker/data.hh"
#include "data/hashing.hh"

namespace broker {

namespace {

uint64_t hash_value(const data& x);

uint64_t hash_value(const std::pair<const data, data>& kvp) {
  return detail::hash_combine(hash_value(kvp.first), hash_value(kvp.second));
}

// std::set and std::map iterate in sorted order, so an order-dependent fold
// still gives equal containers equal hashes.
template <class Container>
uint64_t hash_range(const Container& xs) {
  uint64_t seed = detail::mix64(xs.size());
  for (const auto& x : xs)
    seed = detail::hash_combine(seed, hash_value(x));
  return seed;
}

struct hasher {
  uint64_t operator()(none) const {
    return 0;
  }

  uint64_t operator()(boolean x) const {
    return detail::mix64(x ? 1 : 0);
  }

  uint64_t operator()(count x) const {
    return detail::mix64(x);
  }

  uint64_t operator()(integer x) const {
    return detail::mix64(static_cast<uint64_t>(x));
  }

  uint64_t operator()(real x) const {
    // 0.0 == -0.0, so both must hash alike; their bit patterns differ.
    if (x == 0.0)
      return 0;
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof(bits));
    return detail::mix64(bits);
  }

  uint64_t operator()(const std::string& x) const {
    return detail::hash_bytes(x.data(), x.size());
  }

  uint64_t operator()(const address& x) const {
    return x.hash();
  }

  uint64_t operator()(const subnet& x) const {
    return x.hash();
  }

  uint64_t operator()(const port& x) const {
    return x.hash();
  }

  uint64_t operator()(timestamp x) const {
    return detail::mix64(static_cast<uint64_t>(x.time_since_epoch().count()));
  }

  uint64_t operator()(timespan x) const {
    return detail::mix64(static_cast<uint64_t>(x.count()));
  }

  uint64_t operator()(const enum_value& x) const {
    return detail::hash_bytes(x.name.data(), x.name.size());
  }

  uint64_t operator()(const set& xs) const {
    return hash_range(xs);
  }

  uint64_t operator()(const table& xs) const {
    return hash_range(xs);
  }

  uint64_t operator()(const vector& xs) const {
    return hash_range(xs);
  }
};

uint64_t hash_value(const data& x) {
  auto index = static_cast<uint64_t>(x.get_data().index());
  return detail::hash_combine(index, visit(hasher{}, x));
}

} // namespace

} // namespace broker

namespace std {

size_t hash<broker::data>::operator()(const broker::data& x) const noexcept {
  return static_cast<size_t>(broker::hash_value(x));
}

size_t hash<broker::set>::operator()(const broker::set& x) const noexcept {
  return static_cast<size_t>(broker::hash_range(x));
}

size_t
hash<broker::vector>::operator()(const broker::vector& x) const noexcept {
  return static_cast<size_t>(broker::hash_range(x));
}

size_t hash<broker::table>::operator()(const broker::table& x) const noexcept {
  return static_cast<size_t>(broker::hash_range(x));
}

} // namespace std
