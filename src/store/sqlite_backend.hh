#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "broker/backend_options.hh"
#include "store/abstract_backend.hh"

namespace broker::detail {

class sqlite_db;

/// Keeps the store in one SQLite file (schema and options in
/// docs/stores.md). Keys and values are stored in the binary data codec of
/// src/format; expiries as nanoseconds since the epoch.
///
/// Durability: outside a batch each mutation is its own transaction; inside
/// one, the batch's transaction commits at the outermost `commit_batch()`.
/// A committed write survives a crash of the process (and, with
/// `synchronous=full`, a power loss). If SQLite aborts an open batch's
/// transaction after a failure, every further mutation of that batch and
/// its commit fail with `ec::backend_failure`.
class sqlite_backend : public abstract_backend {
public:
  /// Opens or creates the database named by the `path` option.
  static expected<std::unique_ptr<sqlite_backend>>
  open(const backend_options& opts);

  ~sqlite_backend() override;

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

protected:
  expected<void> do_begin_batch() override;

  expected<void> do_commit_batch() override;

private:
  explicit sqlite_backend(std::unique_ptr<sqlite_db> db);

  expected<void> encode_key(const data& key) const;
  expected<std::optional<data>> load(const data& key) const;
  expected<void> store(const data& key, const data& value,
                       std::optional<timestamp> expiry);
  expected<void> check_batch() const;
  /// Calls `f(row, key)` for every row of `stmt`, whose first column is a
  /// key.
  template <class F>
  expected<void> for_each_row(size_t stmt, F f) const;

  std::unique_ptr<sqlite_db> db_;
  // Reused encoding buffers (an instance is used by one thread at a time).
  mutable std::vector<uint8_t> key_buf_;
  std::vector<uint8_t> value_buf_;
};

} // namespace broker::detail
