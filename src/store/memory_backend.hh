#pragma once

#include <optional>
#include <unordered_map>

#include "store/abstract_backend.hh"

namespace broker::detail {

/// Keeps everything in a hash map; nothing survives the process. Batches
/// change nothing (every mutation is visible and "durable" at once).
class memory_backend : public abstract_backend {
public:
  memory_backend() = default;

  using abstract_backend::get;

  expected<void> put(const data& key, data value,
                     std::optional<timestamp> expiry) override;

  expected<void> add(const data& key, const data& operand,
                     data::type init_type,
                     std::optional<timestamp> expiry) override;

  expected<void> subtract(const data& key, const data& operand,
                          std::optional<timestamp> expiry) override;

  expected<void> erase(const data& key) override;

  expected<void> clear() override;

  expected<bool> expire(const data& key, timestamp now) override;

  expected<data> get(const data& key) const override;

  expected<bool> exists(const data& key) const override;

  expected<uint64_t> size() const override;

  expected<set> keys() const override;

  expected<broker::snapshot> snapshot() const override;

  expected<expiry_list> expiries() const override;

private:
  struct entry {
    data value;
    std::optional<timestamp> expiry;
  };

  std::unordered_map<data, entry> entries_;
};

} // namespace broker::detail
