#pragma once

// The SQLite connection behind the SQLite backend: opening, configuration,
// schema and the prepared statements. The schema (docs/stores.md) matches
// upstream Broker 2.1:
//   meta(key text primary key, value text)  -- ('broker_version', '2.1.0')
//   store(key blob primary key, value blob, expiry integer)

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include <sqlite3.h>

#include "broker/error.hh"
#include "broker/expected.hh"
#include "store/sqlite_options.hh"
#include "store/sqlite_statement.hh"

namespace broker::detail {

class sqlite_db {
public:
  /// The prepared statements, by purpose. `?1` is always the key blob.
  enum stmt_id : size_t {
    select_value,  // value where key = ?1
    select_exists, // 1 where key = ?1
    replace_row,   // (key, value, expiry) = (?1, ?2, ?3)
    delete_row,    // key = ?1
    delete_all,
    delete_expired, // key = ?1 and expiry <= ?2
    count_rows,
    select_keys,
    select_rows,     // key, value
    select_expiries, // key, expiry where expiry is not null
    begin_tx,
    commit_tx,
    rollback_tx,
    num_stmts,
  };

  /// Opens or creates the database of `opts`, creating missing parent
  /// directories. Every failure is `ec::backend_failure` naming the path.
  static expected<std::unique_ptr<sqlite_db>> open(const sqlite_options& opts);

  /// Rolls back an open transaction, then closes the connection.
  ~sqlite_db();

  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  const sqlite_statement& stmt(stmt_id id) const noexcept {
    return stmts_[id];
  }

  /// `ec::backend_failure` with SQLite's message for the last failed call.
  error failure() const;

  /// True while a transaction is open. SQLite ends a transaction by itself
  /// after some failures (e.g. disk full), which this reveals.
  bool in_transaction() const noexcept {
    return sqlite3_get_autocommit(db_) == 0;
  }

  /// Rows changed by the last insert, update or delete.
  int changes() const noexcept {
    return sqlite3_changes(db_);
  }

  const std::string& path() const noexcept {
    return path_;
  }

private:
  explicit sqlite_db(std::string path) : path_(std::move(path)) {}

  expected<void> configure(const sqlite_options& opts);
  expected<void> create_schema();
  expected<void> prepare_all();
  error open_error(const std::string& what) const;

  std::string path_;
  sqlite3* db_ = nullptr;
  std::array<sqlite_statement, num_stmts> stmts_;
};

} // namespace broker::detail
