#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/snapshot.hh"
#include "broker/time.hh"

namespace broker::detail {

/// Every key that has an expiry, with its absolute expiry time.
using expiry_list = std::vector<std::pair<data, timestamp>>;

/// The storage of one master: key-value pairs, each with an optional
/// absolute expiry. Implementations share the value rules of value_ops.hh,
/// so that memory and SQLite behave alike (docs/stores.md, "Operations").
///
/// Errors come back as values, never as exceptions: `ec::type_clash`,
/// `ec::invalid_data` and `ec::no_such_key` for requests that do not fit
/// the stored data, `ec::backend_failure` when the storage itself fails.
/// Every message names the key.
///
/// Not thread-safe: one thread at a time may use an instance (it may move
/// between threads, e.g. on a strand).
///
/// Batching: mutations between `begin_batch()` and `commit_batch()` form
/// one unit that becomes durable (SQLite: one transaction) at the commit;
/// a mutation outside a batch is durable when it returns. Batches nest: only
/// the outermost commit commits. A backend destroyed with an open batch
/// discards it.
class abstract_backend {
public:
  virtual ~abstract_backend();

  // -- mutators ---------------------------------------------------------------

  /// Stores `value` under `key`, replacing value and expiry.
  virtual expected<void> put(const data& key, data value,
                             std::optional<timestamp> expiry) = 0;

  /// Adds `operand` to the value of `key` (see `add_to`); a missing key
  /// starts from `data::from_type(init_type)`. Replaces the expiry (none
  /// clears it).
  virtual expected<void> add(const data& key, const data& operand,
                             data::type init_type,
                             std::optional<timestamp> expiry) = 0;

  /// Subtracts `operand` from the value of `key` (see `subtract_from`); a
  /// missing key is `ec::no_such_key`. Replaces the expiry (none clears it).
  virtual expected<void> subtract(const data& key, const data& operand,
                                  std::optional<timestamp> expiry) = 0;

  /// Removes `key`; succeeds if it does not exist.
  virtual expected<void> erase(const data& key) = 0;

  /// Removes every key.
  virtual expected<void> clear() = 0;

  /// Removes `key` if it has an expiry and `now >= expiry`. Returns whether
  /// it removed the key.
  virtual expected<bool> expire(const data& key, timestamp now) = 0;

  // -- queries ----------------------------------------------------------------

  /// The value of `key`, or `ec::no_such_key`.
  virtual expected<data> get(const data& key) const = 0;

  /// Looks up `aspect` in the value of `key` (see `index_into`).
  expected<data> get(const data& key, const data& aspect) const;

  virtual expected<bool> exists(const data& key) const = 0;

  /// The number of keys, including expired ones not yet removed.
  virtual expected<uint64_t> size() const = 0;

  virtual expected<set> keys() const = 0;

  /// Every key with its value.
  virtual expected<broker::snapshot> snapshot() const = 0;

  /// Every key that has an expiry, e.g. to re-arm timers after a reopen.
  virtual expected<expiry_list> expiries() const = 0;

  // -- batching ---------------------------------------------------------------

  /// Opens a batch (or a nested one).
  expected<void> begin_batch();

  /// Closes the innermost batch; the outermost commit makes the batch
  /// durable. On failure the whole batch is discarded. Without an open
  /// batch: `ec::unspecified`.
  expected<void> commit_batch();

  bool in_batch() const noexcept {
    return batch_depth_ > 0;
  }

protected:
  /// Called when the outermost batch opens. Does nothing by default.
  virtual expected<void> do_begin_batch();

  /// Called when the outermost batch closes. Does nothing by default.
  virtual expected<void> do_commit_batch();

private:
  size_t batch_depth_ = 0;
};

} // namespace broker::detail
