#pragma once

// Thin RAII helpers over the SQLite C API, for the SQLite backend only.

#include <cstdint>
#include <vector>

#include <sqlite3.h>

namespace broker::detail {

/// Owns a prepared statement (finalized on destruction).
class sqlite_statement {
public:
  sqlite_statement() noexcept = default;

  explicit sqlite_statement(sqlite3_stmt* stmt) noexcept : stmt_(stmt) {}

  sqlite_statement(sqlite_statement&& other) noexcept : stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }

  sqlite_statement& operator=(sqlite_statement&& other) noexcept;

  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  ~sqlite_statement();

  sqlite3_stmt* get() const noexcept {
    return stmt_;
  }

private:
  sqlite3_stmt* stmt_ = nullptr;
};

/// One execution of a prepared statement. Resets the statement and clears
/// its bindings when it goes out of scope: a statement left mid-way would
/// keep a read transaction (and its locks) open. Bound blobs are not copied
/// and must outlive the use.
class statement_use {
public:
  explicit statement_use(const sqlite_statement& stmt) noexcept
    : stmt_(stmt.get()) {}

  statement_use(const statement_use&) = delete;
  statement_use& operator=(const statement_use&) = delete;

  ~statement_use();

  /// Each bind returns an SQLite result code (SQLITE_OK on success).
  int bind(int index, const std::vector<uint8_t>& blob) noexcept;
  int bind(int index, int64_t value) noexcept;
  int bind_null(int index) noexcept;

  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept {
    return sqlite3_step(stmt_);
  }

  sqlite3_stmt* get() const noexcept {
    return stmt_;
  }

private:
  sqlite3_stmt* stmt_;
};

} // namespace broker::detail
