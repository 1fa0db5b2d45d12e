#include "store/memory_backend.hh"

#include "store/value_ops.hh"

namespace broker::detail {

expected<void> memory_backend::put(const data& key, data value,
                                   std::optional<timestamp> expiry) {
  entries_.insert_or_assign(key, entry{std::move(value), expiry});
  return {};
}

expected<void> memory_backend::add(const data& key, const data& operand,
                                   data::type init_type,
                                   std::optional<timestamp> expiry) {
  auto i = entries_.find(key);
  if (i == entries_.end()) {
    auto value = data::from_type(init_type);
    if (auto res = add_to(value, operand); !res)
      return key_error(res.error(), "add to", key);
    entries_.emplace(key, entry{std::move(value), expiry});
    return {};
  }
  // In place: a large set or table is not copied per insertion.
  if (auto res = add_to(i->second.value, operand); !res)
    return key_error(res.error(), "add to", key);
  i->second.expiry = expiry;
  return {};
}

expected<void> memory_backend::subtract(const data& key, const data& operand,
                                        std::optional<timestamp> expiry) {
  auto i = entries_.find(key);
  if (i == entries_.end())
    return key_error(ec::no_such_key, "subtract from", key);
  if (auto res = subtract_from(i->second.value, operand); !res)
    return key_error(res.error(), "subtract from", key);
  i->second.expiry = expiry;
  return {};
}

expected<void> memory_backend::erase(const data& key) {
  entries_.erase(key);
  return {};
}

expected<void> memory_backend::clear() {
  entries_.clear();
  return {};
}

expected<bool> memory_backend::expire(const data& key, timestamp now) {
  auto i = entries_.find(key);
  if (i == entries_.end() || !i->second.expiry || now < *i->second.expiry)
    return false;
  entries_.erase(i);
  return true;
}

expected<data> memory_backend::get(const data& key) const {
  auto i = entries_.find(key);
  if (i == entries_.end())
    return key_error(ec::no_such_key, "get", key);
  return i->second.value;
}

expected<bool> memory_backend::exists(const data& key) const {
  return entries_.count(key) > 0;
}

expected<uint64_t> memory_backend::size() const {
  return static_cast<uint64_t>(entries_.size());
}

expected<set> memory_backend::keys() const {
  set result;
  for (auto& kvp : entries_)
    result.insert(kvp.first);
  return result;
}

expected<broker::snapshot> memory_backend::snapshot() const {
  broker::snapshot result;
  result.reserve(entries_.size());
  for (auto& [key, e] : entries_)
    result.emplace(key, e.value);
  return result;
}

expected<expiry_list> memory_backend::expiries() const {
  expiry_list result;
  for (auto& [key, e] : entries_)
    if (e.expiry)
      result.emplace_back(key, *e.expiry);
  return result;
}

} // namespace broker::detail
