#include "store/sqlite_db.hh"

#include <filesystem>
#include <iterator>
#include <system_error>

#include "broker/version.hh"

namespace broker::detail {

namespace {

constexpr const char* stmt_sql[] = {
  "SELECT value FROM store WHERE key = ?1",
  "SELECT 1 FROM store WHERE key = ?1",
  "REPLACE INTO store(key, value, expiry) VALUES(?1, ?2, ?3)",
  "DELETE FROM store WHERE key = ?1",
  "DELETE FROM store",
  "DELETE FROM store WHERE key = ?1 AND expiry <= ?2",
  "SELECT count(*) FROM store",
  "SELECT key FROM store",
  "SELECT key, value FROM store",
  "SELECT key, expiry FROM store WHERE expiry IS NOT NULL",
  // IMMEDIATE takes the write lock up front: a busy database fails the
  // begin, not some write in the middle of a batch.
  "BEGIN IMMEDIATE",
  "COMMIT",
  "ROLLBACK",
};

static_assert(std::size(stmt_sql) == sqlite_db::num_stmts);

expected<void> create_parent_dirs(const std::string& path) {
  namespace fs = std::filesystem;
  auto parent = fs::path{path}.parent_path();
  if (parent.empty())
    return {};
  std::error_code err;
  fs::create_directories(parent, err);
  if (err)
    return make_error(ec::backend_failure,
                      "cannot create the directory " + parent.string()
                        + " for the sqlite database " + path + ": "
                        + err.message());
  return {};
}

} // namespace

expected<std::unique_ptr<sqlite_db>>
sqlite_db::open(const sqlite_options& opts) {
  if (auto res = create_parent_dirs(opts.path); !res)
    return res.error();
  std::unique_ptr<sqlite_db> db{new sqlite_db(opts.path)};
  auto flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
               | SQLITE_OPEN_NOMUTEX;
  // On failure SQLite usually still hands out a handle that holds the error
  // message; the destructor closes it.
  if (sqlite3_open_v2(opts.path.c_str(), &db->db_, flags, nullptr)
      != SQLITE_OK)
    return db->open_error("cannot open");
  sqlite3_extended_result_codes(db->db_, 1);
  sqlite3_busy_timeout(db->db_, opts.busy_timeout_ms);
  if (auto res = db->configure(opts); !res)
    return res.error();
  if (auto res = db->create_schema(); !res)
    return res.error();
  if (auto res = db->prepare_all(); !res)
    return res.error();
  return db;
}

sqlite_db::~sqlite_db() {
  if (db_ == nullptr)
    return;
  // Unacknowledged writes must not become durable by accident.
  if (in_transaction())
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  for (auto& stmt : stmts_)
    stmt = sqlite_statement{};
  sqlite3_close(db_);
}

error sqlite_db::failure() const {
  std::string msg = "sqlite: ";
  msg += db_ ? sqlite3_errmsg(db_) : "out of memory";
  return make_error(ec::backend_failure, std::move(msg));
}

error sqlite_db::open_error(const std::string& what) const {
  std::string msg = what;
  msg += " the sqlite database ";
  msg += path_;
  msg += ": ";
  msg += db_ ? sqlite3_errmsg(db_) : "out of memory";
  return make_error(ec::backend_failure, std::move(msg));
}

expected<void> sqlite_db::configure(const sqlite_options& opts) {
  // journal_mode answers with the mode in effect, which differs from the
  // request when SQLite cannot switch (e.g. WAL on some file systems).
  auto sql = "PRAGMA journal_mode=" + opts.journal_mode;
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    return open_error("cannot configure");
  sqlite_statement pragma{raw};
  statement_use use{pragma};
  if (use.step() != SQLITE_ROW)
    return open_error("cannot set journal_mode of");
  auto mode = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  if (mode == nullptr || opts.journal_mode != mode)
    return make_error(ec::backend_failure,
                      "cannot set journal_mode=" + opts.journal_mode
                        + " on the sqlite database " + path_ + " (it is "
                        + (mode ? mode : "unknown") + ")");
  sql = "PRAGMA synchronous=" + opts.synchronous;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return open_error("cannot set synchronous on");
  return {};
}

expected<void> sqlite_db::create_schema() {
  auto sql = "BEGIN IMMEDIATE;"
             "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"
             " value TEXT);"
             "CREATE TABLE IF NOT EXISTS store(key BLOB PRIMARY KEY,"
             " value BLOB, expiry INTEGER);"
             "REPLACE INTO meta(key, value) VALUES('broker_version', '"
             + version::string() + "');"
             "COMMIT;";
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK)
    return {};
  auto err = open_error("cannot create the schema in");
  if (in_transaction())
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return err;
}

expected<void> sqlite_db::prepare_all() {
  // Preparing also checks an existing file's schema: a foreign `store`
  // table without our columns fails here.
  for (size_t i = 0; i < num_stmts; ++i) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(db_, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &raw, nullptr)
        != SQLITE_OK)
      return open_error("unexpected schema in");
    stmts_[i] = sqlite_statement{raw};
  }
  return {};
}

} // namespace broker::detail
