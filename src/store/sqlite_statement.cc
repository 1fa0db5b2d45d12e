#include "store/sqlite_statement.hh"

namespace broker::detail {

sqlite_statement&
sqlite_statement::operator=(sqlite_statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

sqlite_statement::~sqlite_statement() {
  sqlite3_finalize(stmt_); // A no-op for null.
}

statement_use::~statement_use() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int statement_use::bind(int index, const std::vector<uint8_t>& blob) noexcept {
  // A zero-length blob is still a blob (not NULL): pass a valid pointer.
  static const uint8_t empty = 0;
  const void* ptr = blob.empty() ? &empty : blob.data();
  // The 64-bit variant reports SQLITE_TOOBIG instead of misreading a size
  // beyond INT_MAX.
  return sqlite3_bind_blob64(stmt_, index, ptr,
                             static_cast<sqlite3_uint64>(blob.size()),
                             SQLITE_STATIC);
}

int statement_use::bind(int index, int64_t value) noexcept {
  return sqlite3_bind_int64(stmt_, index,
                            static_cast<sqlite3_int64>(value));
}

int statement_use::bind_null(int index) noexcept {
  return sqlite3_bind_null(stmt_, index);
}

} // namespace broker::detail
