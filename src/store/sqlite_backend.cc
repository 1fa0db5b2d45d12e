#include "store/sqlite_backend.hh"

#include <string>
#include <utility>

#include "format/data_reader.hh"
#include "format/data_writer.hh"
#include "format/limits.hh"
#include "store/sqlite_db.hh"
#include "store/value_ops.hh"

namespace broker::detail {

namespace {

int64_t to_ns(timestamp x) noexcept {
  return x.time_since_epoch().count();
}

// The codec refuses values nested too deeply and lengths a varbyte cannot
// carry (2^32 and more); only the first can happen in practice.
error unencodable(const char* what) {
  return make_error(ec::invalid_data,
                    std::string{"the "} + what
                      + " cannot be encoded: it nests containers deeper than "
                      + std::to_string(format::max_nesting_depth)
                      + " levels or holds 2^32 or more bytes or elements");
}

error prefixed(const char* what, const error& err) {
  return make_error(err.code(), std::string{what} + ": " + err.message());
}

// Decodes a stored key or value. Bytes that do not decode mean a damaged
// or foreign file: a backend failure, not bad input from the caller.
expected<data> column_data(sqlite3_stmt* stmt, int col, const char* what) {
  if (sqlite3_column_type(stmt, col) != SQLITE_BLOB)
    return make_error(ec::backend_failure,
                      std::string{"a stored "} + what + " is not a blob");
  auto bytes = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, col));
  auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, col));
  data result;
  if (auto err = format::decode(bytes, size, result))
    return make_error(ec::backend_failure, std::string{"a stored "} + what
                                             + " does not decode: "
                                             + err.message());
  return result;
}

} // namespace

sqlite_backend::sqlite_backend(std::unique_ptr<sqlite_db> db)
  : db_(std::move(db)) {}

sqlite_backend::~sqlite_backend() = default;

expected<std::unique_ptr<sqlite_backend>>
sqlite_backend::open(const backend_options& opts) {
  auto parsed = parse_sqlite_options(opts);
  if (!parsed)
    return parsed.error();
  auto db = sqlite_db::open(*parsed);
  if (!db)
    return db.error();
  return std::unique_ptr<sqlite_backend>{new sqlite_backend(std::move(*db))};
}

// -- helpers ------------------------------------------------------------------

expected<void> sqlite_backend::encode_key(const data& key) const {
  key_buf_.clear();
  if (!format::encode(key, key_buf_))
    return unencodable("key");
  return {};
}

expected<std::optional<data>> sqlite_backend::load(const data& key) const {
  if (auto res = encode_key(key); !res)
    return res.error();
  statement_use use{db_->stmt(sqlite_db::select_value)};
  if (use.bind(1, key_buf_) != SQLITE_OK)
    return db_->failure();
  switch (use.step()) {
    case SQLITE_ROW: {
      auto value = column_data(use.get(), 0, "value");
      if (!value)
        return value.error();
      return std::optional<data>{std::move(*value)};
    }
    case SQLITE_DONE:
      return std::optional<data>{};
    default:
      return db_->failure();
  }
}

expected<void> sqlite_backend::store(const data& key, const data& value,
                                     std::optional<timestamp> expiry) {
  if (auto res = check_batch(); !res)
    return res;
  if (auto res = encode_key(key); !res)
    return res;
  value_buf_.clear();
  if (!format::encode(value, value_buf_))
    return unencodable("value");
  statement_use use{db_->stmt(sqlite_db::replace_row)};
  auto rc = use.bind(1, key_buf_);
  if (rc == SQLITE_OK)
    rc = use.bind(2, value_buf_);
  if (rc == SQLITE_OK)
    rc = expiry ? use.bind(3, to_ns(*expiry)) : use.bind_null(3);
  if (rc != SQLITE_OK || use.step() != SQLITE_DONE)
    return db_->failure();
  return {};
}

expected<void> sqlite_backend::check_batch() const {
  if (in_batch() && !db_->in_transaction())
    return make_error(ec::backend_failure,
                      "sqlite rolled back the open batch after an earlier "
                      "failure; commit_batch() closes it");
  return {};
}

template <class F>
expected<void> sqlite_backend::for_each_row(size_t stmt, F f) const {
  statement_use use{db_->stmt(static_cast<sqlite_db::stmt_id>(stmt))};
  for (;;) {
    auto rc = use.step();
    if (rc == SQLITE_DONE)
      return {};
    if (rc != SQLITE_ROW)
      return db_->failure();
    auto key = column_data(use.get(), 0, "key");
    if (!key)
      return key.error();
    if (auto res = f(use.get(), std::move(*key)); !res)
      return res;
  }
}

// -- mutators -----------------------------------------------------------------

expected<void> sqlite_backend::put(const data& key, data value,
                                   std::optional<timestamp> expiry) {
  if (auto res = store(key, value, expiry); !res)
    return key_error(res.error(), "put", key);
  return {};
}

expected<void> sqlite_backend::add(const data& key, const data& operand,
                                   data::type init_type,
                                   std::optional<timestamp> expiry) {
  auto old = load(key);
  if (!old)
    return key_error(old.error(), "add to", key);
  auto value = *old ? std::move(**old) : data::from_type(init_type);
  if (auto res = add_to(value, operand); !res)
    return key_error(res.error(), "add to", key);
  if (auto res = store(key, value, expiry); !res)
    return key_error(res.error(), "add to", key);
  return {};
}

expected<void> sqlite_backend::subtract(const data& key, const data& operand,
                                        std::optional<timestamp> expiry) {
  auto old = load(key);
  if (!old)
    return key_error(old.error(), "subtract from", key);
  if (!*old)
    return key_error(ec::no_such_key, "subtract from", key);
  auto& value = **old;
  if (auto res = subtract_from(value, operand); !res)
    return key_error(res.error(), "subtract from", key);
  if (auto res = store(key, value, expiry); !res)
    return key_error(res.error(), "subtract from", key);
  return {};
}

expected<void> sqlite_backend::erase(const data& key) {
  auto run = [&]() -> expected<void> {
    if (auto res = check_batch(); !res)
      return res;
    if (auto res = encode_key(key); !res)
      return res;
    statement_use use{db_->stmt(sqlite_db::delete_row)};
    if (use.bind(1, key_buf_) != SQLITE_OK || use.step() != SQLITE_DONE)
      return db_->failure();
    return {};
  };
  if (auto res = run(); !res)
    return key_error(res.error(), "erase", key);
  return {};
}

expected<void> sqlite_backend::clear() {
  if (auto res = check_batch(); !res)
    return prefixed("clear", res.error());
  statement_use use{db_->stmt(sqlite_db::delete_all)};
  if (use.step() != SQLITE_DONE)
    return prefixed("clear", db_->failure());
  return {};
}

expected<bool> sqlite_backend::expire(const data& key, timestamp now) {
  auto run = [&]() -> expected<bool> {
    if (auto res = check_batch(); !res)
      return res.error();
    if (auto res = encode_key(key); !res)
      return res.error();
    statement_use use{db_->stmt(sqlite_db::delete_expired)};
    if (use.bind(1, key_buf_) != SQLITE_OK
        || use.bind(2, to_ns(now)) != SQLITE_OK
        || use.step() != SQLITE_DONE)
      return db_->failure();
    return db_->changes() > 0;
  };
  auto res = run();
  if (!res)
    return key_error(res.error(), "expire", key);
  return res;
}

// -- queries ------------------------------------------------------------------

expected<data> sqlite_backend::get(const data& key) const {
  auto value = load(key);
  if (!value)
    return key_error(value.error(), "get", key);
  if (!*value)
    return key_error(ec::no_such_key, "get", key);
  return std::move(**value);
}

expected<bool> sqlite_backend::exists(const data& key) const {
  auto run = [&]() -> expected<bool> {
    if (auto res = encode_key(key); !res)
      return res.error();
    statement_use use{db_->stmt(sqlite_db::select_exists)};
    if (use.bind(1, key_buf_) != SQLITE_OK)
      return db_->failure();
    switch (use.step()) {
      case SQLITE_ROW:
        return true;
      case SQLITE_DONE:
        return false;
      default:
        return db_->failure();
    }
  };
  auto res = run();
  if (!res)
    return key_error(res.error(), "look up", key);
  return res;
}

expected<uint64_t> sqlite_backend::size() const {
  statement_use use{db_->stmt(sqlite_db::count_rows)};
  if (use.step() != SQLITE_ROW)
    return prefixed("size", db_->failure());
  return static_cast<uint64_t>(sqlite3_column_int64(use.get(), 0));
}

expected<set> sqlite_backend::keys() const {
  set result;
  auto res = for_each_row(sqlite_db::select_keys,
                          [&](sqlite3_stmt*, data key) -> expected<void> {
                            result.insert(std::move(key));
                            return {};
                          });
  if (!res)
    return prefixed("keys", res.error());
  return result;
}

expected<broker::snapshot> sqlite_backend::snapshot() const {
  broker::snapshot result;
  auto res = for_each_row(sqlite_db::select_rows,
                          [&](sqlite3_stmt* row, data key) -> expected<void> {
                            auto value = column_data(row, 1, "value");
                            if (!value)
                              return key_error(value.error(), "read", key);
                            result.insert_or_assign(std::move(key),
                                                    std::move(*value));
                            return {};
                          });
  if (!res)
    return prefixed("snapshot", res.error());
  return result;
}

expected<expiry_list> sqlite_backend::expiries() const {
  expiry_list result;
  auto res = for_each_row(sqlite_db::select_expiries,
                          [&](sqlite3_stmt* row, data key) -> expected<void> {
                            auto ns = sqlite3_column_int64(row, 1);
                            result.emplace_back(std::move(key),
                                                timestamp{timespan{ns}});
                            return {};
                          });
  if (!res)
    return prefixed("expiries", res.error());
  return result;
}

// -- batching -----------------------------------------------------------------

expected<void> sqlite_backend::do_begin_batch() {
  statement_use use{db_->stmt(sqlite_db::begin_tx)};
  if (use.step() != SQLITE_DONE)
    return prefixed("begin batch", db_->failure());
  return {};
}

expected<void> sqlite_backend::do_commit_batch() {
  if (!db_->in_transaction())
    return make_error(ec::backend_failure,
                      "commit batch: sqlite rolled back the batch after an "
                      "earlier failure");
  {
    statement_use use{db_->stmt(sqlite_db::commit_tx)};
    if (use.step() == SQLITE_DONE)
      return {};
  }
  // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; discard
  // it so that the file and the caller agree on what was not acknowledged.
  auto err = prefixed("commit batch (discarded)", db_->failure());
  if (db_->in_transaction()) {
    statement_use use{db_->stmt(sqlite_db::rollback_tx)};
    use.step();
  }
  return err;
}

} // namespace broker::detail
