// SQLite-specific behaviour of the store backend: options, files, schema,
// persistence, locking, damaged data, durability of committed writes.

#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"
#include "format/data_writer.hh"
#include "format/limits.hh"
#include "store/sqlite_backend.hh"
#include "store/sqlite_options.hh"
#include "store_op_cases.hh"
#include "temp_dir.hh"

using namespace broker;
using namespace broker::detail;
using namespace std::string_literals;
using broker::test::code_of;
using broker::test::or_error;
using broker::test::ts;

namespace {

using backend_ptr = std::unique_ptr<sqlite_backend>;

expected<backend_ptr> open_at(const std::string& path,
                              backend_options opts = {}) {
  opts["path"] = path;
  return sqlite_backend::open(opts);
}

// Asserts that opening fails with backend_failure and returns the message.
std::string open_failure(const backend_options& opts) {
  auto res = sqlite_backend::open(opts);
  EXPECT_EQ(res, ec::backend_failure);
  return res ? std::string{} : res.error().message();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A second connection to the same file, standing in for another process.
class raw_connection {
public:
  explicit raw_connection(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      ADD_FAILURE() << "cannot open " << path;
  }

  ~raw_connection() {
    sqlite3_close(db_);
  }

  void exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << (msg ? msg : "?");
    sqlite3_free(msg);
  }

  // The first column of the first row as text ("" if none).
  std::string query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    else if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return result;
  }

  // Inserts a row with raw blobs, bypassing the codec.
  void insert(const std::vector<uint8_t>& key,
              const std::vector<uint8_t>& value, const char* expiry) {
    auto sql = std::string{"INSERT INTO store VALUES(?1, ?2, "} + expiry + ")";
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_blob(stmt, 1, key.data(), static_cast<int>(key.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_blob(stmt, 2, value.data(), static_cast<int>(value.size()),
                      SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }

private:
  sqlite3* db_ = nullptr;
};

std::vector<uint8_t> encoded(const data& x) {
  std::vector<uint8_t> buf;
  EXPECT_TRUE(format::encode(x, buf));
  return buf;
}

data deeply_nested(size_t depth) {
  data x = vector{};
  for (size_t i = 1; i < depth; ++i)
    x = vector{x};
  return x;
}

class SqliteBackend : public ::testing::Test {
protected:
  // Opens `path` with `opts` added; null (and a test failure) on error.
  backend_ptr open(backend_options opts = {}) {
    auto res = open_at(path, std::move(opts));
    EXPECT_TRUE(res) << to_string(res.error());
    return res ? std::move(*res) : nullptr;
  }

  test::temp_dir dir;
  std::string path = dir.file("s.sqlite");
};

// -- options ------------------------------------------------------------------

TEST_F(SqliteBackend, PathIsRequiredAndMustBeANonEmptyString) {
  EXPECT_TRUE(contains(open_failure({}), "path"));
  EXPECT_TRUE(contains(open_failure({{"path", count{1}}}), "path"));
  EXPECT_TRUE(contains(open_failure({{"path", ""s}}), "path"));
}

TEST_F(SqliteBackend, RejectsBadTuningOptions) {
  auto msg = open_failure({{"path", path}, {"journal_mode", "bogus"s}});
  EXPECT_TRUE(contains(msg, "journal_mode")) << msg;
  EXPECT_TRUE(contains(msg, "wal")) << "lists the choices: " << msg;
  msg = open_failure({{"path", path}, {"journal_mode", count{1}}});
  EXPECT_TRUE(contains(msg, "journal_mode")) << msg;
  msg = open_failure({{"path", path}, {"synchronous", "; DROP TABLE x"s}});
  EXPECT_TRUE(contains(msg, "synchronous")) << msg;
  msg = open_failure({{"path", path}, {"busy_timeout", "1s"s}});
  EXPECT_TRUE(contains(msg, "busy_timeout")) << msg;
  msg = open_failure({{"path", path}, {"busy_timeout", timespan{-1}}});
  EXPECT_TRUE(contains(msg, "busy_timeout")) << msg;
  EXPECT_FALSE(std::filesystem::exists(path))
    << "bad options are rejected before touching the disk";
}

TEST_F(SqliteBackend, ParsesTuningOptions) {
  auto opts = parse_sqlite_options({{"path", "x"s}});
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->journal_mode, "wal");
  EXPECT_EQ(opts->synchronous, "normal");
  EXPECT_EQ(opts->busy_timeout_ms, 0);
  opts = parse_sqlite_options({{"path", "x"s},
                               {"journal_mode", "DELETE"s},
                               {"synchronous", "Full"s},
                               {"busy_timeout", timespan{2'500'000'000}},
                               {"unknown", 42}});
  ASSERT_TRUE(opts) << to_string(opts.error());
  EXPECT_EQ(opts->journal_mode, "delete");
  EXPECT_EQ(opts->synchronous, "full");
  EXPECT_EQ(opts->busy_timeout_ms, 2500);
  opts = parse_sqlite_options({{"path", "x"s}, {"busy_timeout", count{50}}});
  ASSERT_TRUE(opts);
  EXPECT_EQ(opts->busy_timeout_ms, 50);
}

TEST_F(SqliteBackend, UsesWalByDefaultAndHonoursJournalMode) {
  {
    auto db = open();
    ASSERT_TRUE(db);
    raw_connection raw{path};
    EXPECT_EQ(raw.query("PRAGMA journal_mode"), "wal");
  }
  auto db = open_at(dir.file("del.sqlite"), {{"journal_mode", "delete"s}});
  ASSERT_TRUE(db) << to_string(db.error());
  raw_connection raw{dir.file("del.sqlite")};
  EXPECT_EQ(raw.query("PRAGMA journal_mode"), "delete");
}

// -- files and schema ---------------------------------------------------------

TEST_F(SqliteBackend, CreatesMissingParentDirectories) {
  auto nested = dir.file("a/b/c/store.sqlite");
  auto db = open_at(nested);
  ASSERT_TRUE(db) << to_string(db.error());
  EXPECT_TRUE(std::filesystem::is_regular_file(nested));
}

TEST_F(SqliteBackend, FailsWhenAParentIsAFile) {
  std::ofstream{dir.file("file")} << "x";
  auto msg = open_failure({{"path", dir.file("file/sub/store.sqlite")}});
  EXPECT_TRUE(contains(msg, "cannot create the directory")) << msg;
}

TEST_F(SqliteBackend, FailsWhenThePathIsADirectory) {
  auto msg = open_failure({{"path", dir.path()}});
  EXPECT_TRUE(contains(msg, dir.path())) << msg;
}

TEST_F(SqliteBackend, FailsInAnUnwritableDirectory) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root ignores directory permissions";
  auto ro = dir.file("ro");
  std::filesystem::create_directory(ro);
  std::filesystem::permissions(ro, std::filesystem::perms::owner_read
                                     | std::filesystem::perms::owner_exec);
  open_failure({{"path", ro + "/store.sqlite"}});
  auto msg = open_failure({{"path", ro + "/sub/store.sqlite"}});
  EXPECT_TRUE(contains(msg, "cannot create the directory")) << msg;
}

TEST_F(SqliteBackend, RejectsACorruptFile) {
  {
    std::ofstream out{path, std::ios::binary};
    for (int i = 0; i < 512; ++i)
      out << "this is not an sqlite database ";
  }
  auto msg = open_failure({{"path", path}});
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "not a database")) << msg;
}

TEST_F(SqliteBackend, RejectsAForeignStoreTable) {
  raw_connection{path}.exec("CREATE TABLE store(a INTEGER, b TEXT)");
  auto msg = open_failure({{"path", path}});
  EXPECT_TRUE(contains(msg, "schema")) << msg;
}

TEST_F(SqliteBackend, WritesTheVersionIntoMetaOnEveryOpen) {
  ASSERT_TRUE(open());
  raw_connection raw{path};
  auto version_sql = "SELECT value FROM meta WHERE key = 'broker_version'";
  EXPECT_EQ(raw.query(version_sql), "2.1.0");
  raw.exec("UPDATE meta SET value = '0.1' WHERE key = 'broker_version'");
  ASSERT_TRUE(open());
  EXPECT_EQ(raw.query(version_sql), "2.1.0");
  EXPECT_EQ(raw.query("SELECT count(*) FROM meta"), "1");
}

TEST_F(SqliteBackend, ReopeningRestoresContentsAndExpiries) {
  snapshot want{{"a"s, 1},
                {count{2}, vector{"x"s, set{1, 2}}},
                {vector{1, "k"s}, table{{"t"s, timespan{3}}}},
                {test::loopback(), nil}};
  {
    auto db = open();
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->put("a"s, 1, ts(100)));
    ASSERT_TRUE(db->put(count{2}, vector{"x"s}, std::nullopt));
    ASSERT_TRUE(db->add(count{2}, 2, data::type::none, ts(-7)));
    ASSERT_TRUE(db->subtract(count{2}, nil, ts(-7))); // pops 2
    ASSERT_TRUE(db->add(count{2}, set{1, 2}, data::type::none, ts(-7)));
    ASSERT_TRUE(db->put(vector{1, "k"s}, want[vector{1, "k"s}], std::nullopt));
    ASSERT_TRUE(db->put(test::loopback(), nil, ts(5)));
  }
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_EQ(or_error(db->size()), data{count{4}});
  EXPECT_EQ(*db->snapshot(), want);
  auto xs = *db->expiries();
  std::sort(xs.begin(), xs.end());
  expiry_list want_expiries{{"a"s, ts(100)}, {count{2}, ts(-7)},
                            {test::loopback(), ts(5)}};
  std::sort(want_expiries.begin(), want_expiries.end());
  EXPECT_EQ(xs, want_expiries);
}

TEST_F(SqliteBackend, TooDeeplyNestedDataIsInvalid) {
  auto db = open();
  ASSERT_TRUE(db);
  auto deep = deeply_nested(format::max_nesting_depth + 1);
  EXPECT_EQ(db->put("k"s, deep, std::nullopt), ec::invalid_data);
  EXPECT_EQ(db->put(deep, 1, std::nullopt), ec::invalid_data);
  EXPECT_EQ(db->get(deep), ec::invalid_data);
  EXPECT_EQ(or_error(db->size()), data{count{0}});
  auto ok = deeply_nested(format::max_nesting_depth);
  EXPECT_TRUE(db->put("k"s, ok, std::nullopt));
  EXPECT_EQ(or_error(db->get("k"s)), ok);
}

// -- damaged rows -------------------------------------------------------------

TEST_F(SqliteBackend, AValueThatDoesNotDecodeIsABackendFailure) {
  auto db = open();
  ASSERT_TRUE(db);
  raw_connection raw{path};
  raw.insert(encoded("k"s), {0xff, 0xff, 0xff}, "NULL");
  auto res = db->get("k"s);
  ASSERT_EQ(res, ec::backend_failure);
  EXPECT_TRUE(contains(res.error().message(), "\"k\"")) << res;
  EXPECT_TRUE(contains(res.error().message(), "decode")) << res;
  EXPECT_EQ(db->add("k"s, 1, data::type::integer, std::nullopt),
            ec::backend_failure);
  EXPECT_EQ(code_of(db->snapshot()), ec::backend_failure);
  EXPECT_EQ(or_error(db->exists("k"s)), data{true});
  EXPECT_EQ(*db->keys(), (set{"k"s}));
  ASSERT_TRUE(db->put("k"s, 1, std::nullopt)) << "overwriting repairs it";
  EXPECT_EQ(or_error(db->get("k"s)), data{1});
}

TEST_F(SqliteBackend, AKeyThatDoesNotDecodeIsABackendFailure) {
  auto db = open();
  ASSERT_TRUE(db);
  raw_connection{path}.insert({0x42, 0x00}, encoded(1), "17");
  EXPECT_EQ(code_of(db->keys()), ec::backend_failure);
  EXPECT_EQ(code_of(db->snapshot()), ec::backend_failure);
  EXPECT_EQ(code_of(db->expiries()), ec::backend_failure);
  EXPECT_EQ(or_error(db->size()), data{count{1}});
}

TEST_F(SqliteBackend, AValueStoredAsTextIsABackendFailure) {
  auto db = open();
  ASSERT_TRUE(db);
  auto key = encoded("k"s);
  raw_connection raw{path};
  raw.insert(key, {}, "NULL");
  raw.exec("UPDATE store SET value = 'text'");
  auto res = db->get("k"s);
  ASSERT_EQ(res, ec::backend_failure);
  EXPECT_TRUE(contains(res.error().message(), "not a blob")) << res;
}

// -- locking and batches ------------------------------------------------------

TEST_F(SqliteBackend, OpenFailsWhileAnotherConnectionHoldsAnExclusiveLock) {
  ASSERT_TRUE(open({{"journal_mode", "delete"s}}));
  raw_connection raw{path};
  raw.exec("PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;");
  auto msg = open_failure({{"path", path}});
  EXPECT_TRUE(contains(msg, "locked")) << msg;
  raw.exec("COMMIT; PRAGMA locking_mode=NORMAL; SELECT 1 FROM meta;");
  EXPECT_TRUE(open()) << "works once the lock is gone";
}

TEST_F(SqliteBackend, WritesFailWhileAnotherConnectionHoldsTheWriteLock) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  raw_connection raw{path};
  raw.exec("BEGIN IMMEDIATE");
  auto res = db->put("b"s, 2, std::nullopt);
  ASSERT_EQ(res, ec::backend_failure);
  EXPECT_TRUE(contains(res.error().message(), "\"b\"")) << res;
  EXPECT_TRUE(contains(res.error().message(), "locked")) << res;
  EXPECT_EQ(db->begin_batch(), ec::backend_failure);
  EXPECT_FALSE(db->in_batch());
  EXPECT_EQ(or_error(db->get("a"s)), data{1}) << "WAL readers go on";
  raw.exec("COMMIT");
  EXPECT_TRUE(db->put("b"s, 2, std::nullopt));
}

TEST_F(SqliteBackend, BatchWritesBecomeVisibleAtTheCommit) {
  auto db = open();
  ASSERT_TRUE(db);
  raw_connection raw{path};
  ASSERT_TRUE(db->begin_batch());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(db->put(i, i, std::nullopt));
  EXPECT_EQ(raw.query("SELECT count(*) FROM store"), "0");
  ASSERT_TRUE(db->commit_batch());
  EXPECT_EQ(raw.query("SELECT count(*) FROM store"), "3");
}

TEST_F(SqliteBackend, AFailedCommitDiscardsTheBatch) {
  // In rollback-journal mode a reader blocks the commit of a writer.
  auto db = open({{"journal_mode", "delete"s}});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->begin_batch());
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  raw_connection raw{path};
  raw.exec("BEGIN; SELECT count(*) FROM store;");
  auto res = db->commit_batch();
  ASSERT_EQ(res, ec::backend_failure);
  EXPECT_TRUE(contains(res.error().message(), "discarded")) << res;
  EXPECT_FALSE(db->in_batch());
  raw.exec("COMMIT");
  EXPECT_EQ(db->get("a"s), ec::no_such_key);
  EXPECT_TRUE(db->put("b"s, 2, std::nullopt));
  EXPECT_EQ(raw.query("SELECT count(*) FROM store"), "1");
}

TEST_F(SqliteBackend, DestroyingTheBackendDiscardsAnOpenBatch) {
  {
    auto db = open();
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->put("kept"s, 1, std::nullopt));
    ASSERT_TRUE(db->begin_batch());
    ASSERT_TRUE(db->put("lost"s, 2, std::nullopt));
  }
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->keys(), (set{"kept"s}));
}

// A child process writes and dies without closing anything (_exit): what it
// committed must be in the file, what it did not commit must not.
TEST_F(SqliteBackend, CommittedWritesSurviveProcessDeath) {
  auto pid = ::fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    auto db = open_at(path);
    if (!db)
      ::_exit(10);
    auto& b = **db;
    if (!b.put("acked"s, 1, ts(9)))
      ::_exit(11);
    if (!b.begin_batch() || !b.put("batched"s, 2, std::nullopt)
        || !b.add("acked"s, 1, data::type::none, ts(9)) || !b.commit_batch())
      ::_exit(12);
    if (!b.begin_batch() || !b.put("unacked"s, 3, std::nullopt))
      ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  auto db = open();
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->snapshot(), (snapshot{{"acked"s, 2}, {"batched"s, 2}}));
  EXPECT_EQ(*db->expiries(), (expiry_list{{"acked"s, ts(9)}}));
}

} // namespace
