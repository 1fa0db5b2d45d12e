// Every backend operation, run against both backends (memory, sqlite): the
// op semantics of docs/stores.md, "Operations" and "get_index_from_value".

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "broker/backend.hh"
#include "broker/convert.hh"
#include "broker/data.hh"
#include "store/backend_factory.hh"
#include "store_op_cases.hh"
#include "temp_dir.hh"

using namespace broker;
using namespace broker::detail;
using namespace std::string_literals;
using broker::test::code_of;
using broker::test::or_error;
using broker::test::ts;

namespace {

class StoreBackend : public ::testing::TestWithParam<backend> {
protected:
  void SetUp() override {
    backend_options opts;
    if (GetParam() == backend::sqlite)
      opts["path"] = dir.file("store.sqlite");
    auto res = make_backend(GetParam(), opts);
    ASSERT_TRUE(res) << to_string(res.error());
    db = std::move(*res);
  }

  // The value of `key`, or a description of the error.
  data value(const data& key) {
    return or_error(db->get(key));
  }

  // The expiry of `key` according to expiries().
  std::optional<timestamp> expiry_of(const data& key) {
    auto xs = db->expiries();
    EXPECT_TRUE(xs) << to_string(xs.error());
    if (!xs)
      return std::nullopt;
    for (auto& [k, t] : *xs)
      if (k == key)
        return t;
    return std::nullopt;
  }

  // Checks the outcome of an add or subtract on key "k", which held
  // `x.initial` with expiry ts(1).
  void check_rule(const test::op_case& x, const expected<void>& res) {
    SCOPED_TRACE(std::string{x.what} + ": " + to_string(x.initial));
    if (x.code == ec::none) {
      ASSERT_TRUE(res) << to_string(res.error());
      EXPECT_EQ(value("k"s), x.result);
      EXPECT_EQ(expiry_of("k"s), std::nullopt) << "no expiry clears it";
    } else {
      ASSERT_EQ(res, x.code);
      EXPECT_NE(res.error().message().find("\"k\""), std::string::npos);
      EXPECT_EQ(value("k"s), x.initial);
      EXPECT_EQ(expiry_of("k"s), ts(1)) << "a failed op keeps the expiry";
    }
  }

  test::temp_dir dir;
  std::unique_ptr<abstract_backend> db;
};

std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return to_string(info.param);
}

INSTANTIATE_TEST_SUITE_P(All, StoreBackend,
                         ::testing::Values(backend::memory, backend::sqlite),
                         backend_name);

TEST_P(StoreBackend, PutThenGet) {
  ASSERT_TRUE(db->put("k"s, 42, std::nullopt));
  EXPECT_EQ(value("k"s), data{42});
  ASSERT_TRUE(db->put("k"s, "v"s, std::nullopt));
  EXPECT_EQ(value("k"s), data{"v"s});
  EXPECT_EQ(*db->size(), 1u);
}

TEST_P(StoreBackend, KeysAndValuesOfEveryType) {
  vector samples{nil, true, count{1}, integer{-1}, real{0.5}, "s"s,
                 test::loopback(), subnet{test::loopback(), 8},
                 port{53, port::protocol::udp}, ts(7), timespan{8},
                 enum_value{"e"}, set{1, "x"s}, table{{1, vector{}}},
                 vector{nil, vector{set{}}}};
  for (auto& x : samples)
    ASSERT_TRUE(db->put(x, vector{x, x}, std::nullopt)) << to_string(x);
  for (auto& x : samples)
    EXPECT_EQ(value(x), (data{vector{x, x}}));
  EXPECT_EQ(*db->size(), samples.size());
}

TEST_P(StoreBackend, GetMissingKeyNamesTheKey) {
  auto res = db->get("nope"s);
  ASSERT_EQ(res, ec::no_such_key);
  EXPECT_NE(res.error().message().find("\"nope\""), std::string::npos)
    << res.error().message();
}

TEST_P(StoreBackend, Exists) {
  EXPECT_EQ(or_error(db->exists("k"s)), data{false});
  ASSERT_TRUE(db->put("k"s, nil, std::nullopt));
  EXPECT_EQ(or_error(db->exists("k"s)), data{true});
  EXPECT_EQ(or_error(db->exists(1)), data{false}) << "integer 1 is not \"k\"";
}

TEST_P(StoreBackend, EraseRemovesTheKeyAndIgnoresMissingKeys) {
  ASSERT_TRUE(db->put(1, 1, ts(5)));
  ASSERT_TRUE(db->put(2, 2, std::nullopt));
  ASSERT_TRUE(db->erase(1));
  EXPECT_EQ(db->get(1), ec::no_such_key);
  EXPECT_FALSE(expiry_of(1));
  EXPECT_TRUE(db->erase(1)) << "erasing a missing key succeeds";
  EXPECT_TRUE(db->erase("never there"s));
  EXPECT_EQ(*db->size(), 1u);
}

TEST_P(StoreBackend, ClearRemovesEverything) {
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(db->put(i, i, ts(i)));
  ASSERT_TRUE(db->clear());
  EXPECT_EQ(*db->size(), 0u);
  EXPECT_TRUE(db->keys()->empty());
  EXPECT_TRUE(db->expiries()->empty());
  ASSERT_TRUE(db->clear()) << "clearing an empty store succeeds";
}

TEST_P(StoreBackend, KeysAreAnOrderedSet) {
  ASSERT_TRUE(db->put("b"s, 1, std::nullopt));
  ASSERT_TRUE(db->put(count{3}, 1, std::nullopt));
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  auto keys = db->keys();
  ASSERT_TRUE(keys);
  EXPECT_EQ(*keys, (set{count{3}, "a"s, "b"s}));
}

TEST_P(StoreBackend, SnapshotHasEveryPair) {
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  ASSERT_TRUE(db->put("b"s, vector{2}, ts(9)));
  auto snap = db->snapshot();
  ASSERT_TRUE(snap);
  EXPECT_EQ(*snap, (snapshot{{"a"s, 1}, {"b"s, vector{2}}}));
}

TEST_P(StoreBackend, ExpiriesListOnlyKeysWithAnExpiry) {
  ASSERT_TRUE(db->put("a"s, 1, ts(100)));
  ASSERT_TRUE(db->put("b"s, 2, std::nullopt));
  ASSERT_TRUE(db->put("c"s, 3, ts(-5)));
  auto xs = db->expiries();
  ASSERT_TRUE(xs);
  std::sort(xs->begin(), xs->end());
  expiry_list want{{"a"s, ts(100)}, {"c"s, ts(-5)}};
  EXPECT_EQ(*xs, want);
}

TEST_P(StoreBackend, PutReplacesAndClearsTheExpiry) {
  ASSERT_TRUE(db->put("k"s, 1, ts(10)));
  EXPECT_EQ(expiry_of("k"s), ts(10));
  ASSERT_TRUE(db->put("k"s, 2, ts(20)));
  EXPECT_EQ(expiry_of("k"s), ts(20));
  ASSERT_TRUE(db->put("k"s, 3, std::nullopt));
  EXPECT_EQ(expiry_of("k"s), std::nullopt);
}

TEST_P(StoreBackend, ExpireRemovesOnlyDueKeys) {
  ASSERT_TRUE(db->put("due"s, 1, ts(100)));
  ASSERT_TRUE(db->put("forever"s, 2, std::nullopt));
  EXPECT_EQ(or_error(db->expire("due"s, ts(99))), data{false});
  EXPECT_EQ(value("due"s), data{1});
  EXPECT_EQ(or_error(db->expire("due"s, ts(100))), data{true})
    << "now == expiry is due";
  EXPECT_EQ(db->get("due"s), ec::no_such_key);
  EXPECT_EQ(or_error(db->expire("due"s, ts(200))), data{false})
    << "a stale reminder is a no-op";
  EXPECT_EQ(or_error(db->expire("forever"s, ts(1'000'000))), data{false});
  EXPECT_EQ(value("forever"s), data{2});
  EXPECT_EQ(or_error(db->expire("missing"s, ts(0))), data{false});
}

TEST_P(StoreBackend, ExpireAfterPutWithoutExpiryKeepsTheKey) {
  ASSERT_TRUE(db->put("k"s, 1, ts(10)));
  ASSERT_TRUE(db->put("k"s, 2, std::nullopt));
  EXPECT_EQ(or_error(db->expire("k"s, ts(20))), data{false});
  EXPECT_EQ(value("k"s), data{2});
}

// -- add and subtract ---------------------------------------------------------

TEST_P(StoreBackend, AddFollowsTheTypeRules) {
  for (auto& x : test::add_cases()) {
    ASSERT_TRUE(db->put("k"s, x.initial, ts(1)));
    check_rule(x, db->add("k"s, x.operand, data::type::none, std::nullopt));
  }
}

TEST_P(StoreBackend, SubtractFollowsTheTypeRules) {
  for (auto& x : test::subtract_cases()) {
    ASSERT_TRUE(db->put("k"s, x.initial, ts(1)));
    check_rule(x, db->subtract("k"s, x.operand, std::nullopt));
  }
}

TEST_P(StoreBackend, AddToMissingKeyStartsFromTheInitType) {
  struct row {
    data::type init;
    data operand;
    data result;
  };
  row rows[] = {
    {data::type::count, count{2}, count{2}},
    {data::type::integer, integer{-2}, integer{-2}},
    {data::type::real, real{0.5}, real{0.5}},
    // increment(k, timespan) uses init type timestamp.
    {data::type::timestamp, timespan{5}, ts(5)},
    {data::type::timespan, timespan{5}, timespan{5}},
    {data::type::string, "s"s, "s"s},
    {data::type::set, 1, set{1}},
    {data::type::vector, 1, vector{1}},
    {data::type::table, vector{"k"s, 1}, table{{"k"s, 1}}},
  };
  for (auto& x : rows) {
    SCOPED_TRACE(to_string(x.init));
    ASSERT_TRUE(db->erase("k"s));
    ASSERT_TRUE(db->add("k"s, x.operand, x.init, std::nullopt));
    EXPECT_EQ(value("k"s), x.result);
  }
}

TEST_P(StoreBackend, AddToMissingKeyWithBadInitTypeCreatesNothing) {
  EXPECT_EQ(db->add("k"s, 1, data::type::none, std::nullopt), ec::type_clash);
  EXPECT_EQ(db->add("k"s, 1, data::type::boolean, std::nullopt),
            ec::type_clash);
  EXPECT_EQ(db->add("k"s, 1, data::type::count, std::nullopt), ec::type_clash)
    << "integer operand on a count";
  EXPECT_EQ(or_error(db->exists("k"s)), data{false});
}

TEST_P(StoreBackend, AddAndSubtractReplaceOrClearTheExpiry) {
  ASSERT_TRUE(db->add("n"s, count{1}, data::type::count, ts(10)));
  EXPECT_EQ(expiry_of("n"s), ts(10));
  ASSERT_TRUE(db->add("n"s, count{1}, data::type::count, ts(20)));
  EXPECT_EQ(expiry_of("n"s), ts(20));
  ASSERT_TRUE(db->subtract("n"s, count{1}, ts(30)));
  EXPECT_EQ(expiry_of("n"s), ts(30));
  ASSERT_TRUE(db->subtract("n"s, count{1}, std::nullopt));
  EXPECT_EQ(expiry_of("n"s), std::nullopt);
  ASSERT_TRUE(db->add("n"s, count{5}, data::type::count, ts(40)));
  ASSERT_TRUE(db->add("n"s, count{5}, data::type::count, std::nullopt));
  EXPECT_EQ(expiry_of("n"s), std::nullopt)
    << "increment without expiry drops an existing TTL";
  EXPECT_EQ(value("n"s), data{count{10}});
}

TEST_P(StoreBackend, SubtractFromMissingKeyIsNoSuchKey) {
  auto res = db->subtract("k"s, count{1}, std::nullopt);
  ASSERT_EQ(res, ec::no_such_key);
  EXPECT_NE(res.error().message().find("\"k\""), std::string::npos);
  EXPECT_EQ(or_error(db->exists("k"s)), data{false});
}

TEST_P(StoreBackend, PopIsSubtractOfTheKeyItself) {
  // store::pop(k) sends subtract(k, k): on a set it erases the element k.
  data key{"k"s};
  ASSERT_TRUE(db->put(key, set{key, "other"s}, std::nullopt));
  ASSERT_TRUE(db->subtract(key, key, std::nullopt));
  EXPECT_EQ(value(key), data{set{"other"s}});
  ASSERT_TRUE(db->put(key, vector{1, 2}, std::nullopt));
  ASSERT_TRUE(db->subtract(key, key, std::nullopt));
  EXPECT_EQ(value(key), data{vector{1}});
}

// -- get_index_from_value -----------------------------------------------------

TEST_P(StoreBackend, GetWithAspect) {
  ASSERT_TRUE(db->put("v"s, vector{"a"s, "b"s}, std::nullopt));
  ASSERT_TRUE(db->put("s"s, set{1}, std::nullopt));
  ASSERT_TRUE(db->put("t"s, table{{"x"s, 9}}, std::nullopt));
  ASSERT_TRUE(db->put("n"s, 5, std::nullopt));
  EXPECT_EQ(or_error(db->get("v"s, count{1})), data{"b"s});
  EXPECT_EQ(or_error(db->get("v"s, integer{0})), data{"a"s});
  EXPECT_EQ(db->get("v"s, integer{-1}), ec::type_clash);
  EXPECT_EQ(db->get("v"s, "0"s), ec::type_clash);
  EXPECT_EQ(db->get("v"s, count{2}), ec::no_such_key);
  EXPECT_EQ(or_error(db->get("s"s, 1)), data{true});
  EXPECT_EQ(or_error(db->get("s"s, 2)), data{false});
  EXPECT_EQ(or_error(db->get("t"s, "x"s)), data{9});
  EXPECT_EQ(db->get("t"s, "y"s), ec::no_such_key);
  EXPECT_EQ(or_error(db->get("n"s, "anything"s)), data{5});
  auto res = db->get("missing"s, count{0});
  ASSERT_EQ(res, ec::no_such_key);
  EXPECT_NE(res.error().message().find("\"missing\""), std::string::npos);
  res = db->get("v"s, count{7});
  EXPECT_NE(res.error().message().find("\"v\""), std::string::npos)
    << res.error().message();
}

// -- batches ------------------------------------------------------------------

TEST_P(StoreBackend, BatchesNestAndShowTheirWritesAtOnce) {
  EXPECT_FALSE(db->in_batch());
  ASSERT_TRUE(db->begin_batch());
  ASSERT_TRUE(db->begin_batch());
  EXPECT_TRUE(db->in_batch());
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  ASSERT_TRUE(db->add("a"s, 1, data::type::integer, std::nullopt));
  EXPECT_EQ(value("a"s), data{2}) << "reads see the open batch";
  ASSERT_TRUE(db->commit_batch());
  EXPECT_TRUE(db->in_batch());
  ASSERT_TRUE(db->erase("a"s));
  ASSERT_TRUE(db->put("b"s, 2, std::nullopt));
  ASSERT_TRUE(db->commit_batch());
  EXPECT_FALSE(db->in_batch());
  EXPECT_EQ(*db->keys(), (set{"b"s}));
}

TEST_P(StoreBackend, CommitWithoutBatchFails) {
  EXPECT_EQ(db->commit_batch(), ec::unspecified);
  ASSERT_TRUE(db->begin_batch());
  ASSERT_TRUE(db->commit_batch());
  EXPECT_EQ(db->commit_batch(), ec::unspecified);
}

TEST_P(StoreBackend, FailedOpInsideBatchKeepsTheBatch) {
  ASSERT_TRUE(db->begin_batch());
  ASSERT_TRUE(db->put("a"s, 1, std::nullopt));
  EXPECT_EQ(db->add("a"s, "x"s, data::type::none, std::nullopt),
            ec::type_clash);
  ASSERT_TRUE(db->put("b"s, 2, std::nullopt));
  ASSERT_TRUE(db->commit_batch());
  EXPECT_EQ(*db->size(), 2u);
}

} // namespace

namespace {

TEST(StoreBackendFactory, ReportsBadRequestsAsBackendFailure) {
  EXPECT_EQ(code_of(make_backend(backend::sqlite, {})), ec::backend_failure)
    << "sqlite needs a path";
  EXPECT_EQ(code_of(make_backend(static_cast<backend>(2), {})),
            ec::backend_failure)
    << "no RocksDB in 2.1";
  EXPECT_TRUE(make_backend(backend::memory, {{"path", count{1}}}))
    << "memory ignores its options";
}

} // namespace
