// Store event layouts (docs/stores.md, "Store events"): the views of
// broker/store_event.hh, the builders of src/store/event_builder.hh, and
// the small store vocabulary types (publisher_id, backend, frontend,
// api_flags).

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

#include "broker/api_flags.hh"
#include "broker/backend.hh"
#include "broker/convert.hh"
#include "broker/frontend.hh"
#include "broker/publisher_id.hh"
#include "broker/store_event.hh"
#include "store/event_builder.hh"

using namespace broker;
using namespace broker::detail;
using namespace std::string_literals;

namespace {

node_id some_node() {
  node_id::bytes_type bytes{};
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<uint8_t>(0xa0 + i);
  return node_id{bytes};
}

struct StoreEvent : ::testing::Test {
  node_id node = some_node();
  std::string node_str = to_string(some_node());
  publisher_id pub{some_node(), 42};
};

// -- event type ---------------------------------------------------------------

TEST_F(StoreEvent, TypeConvertsToAndFromStringAndData) {
  using type = store_event::type;
  for (auto [t, name] : {std::pair{type::insert, "insert"},
                         std::pair{type::update, "update"},
                         std::pair{type::erase, "erase"},
                         std::pair{type::expire, "expire"}}) {
    EXPECT_EQ(to_string(t), std::string{name});
    EXPECT_EQ(to<type>(std::string{name}), t);
    EXPECT_EQ(to<type>(data{std::string{name}}), t);
    EXPECT_TRUE(convertible_to_store_event_type(data{std::string{name}}));
    data d;
    ASSERT_TRUE(convert(t, d));
    EXPECT_EQ(d, data{std::string{name}});
  }
  EXPECT_FALSE(to<type>("Insert"s));
  EXPECT_FALSE(to<type>("put"s));
  EXPECT_FALSE(to<type>(data{enum_value{"insert"}}));
  EXPECT_FALSE(convertible_to_store_event_type(data{1}));
}

// -- insert -------------------------------------------------------------------

TEST_F(StoreEvent, InsertView) {
  data x{vector{"insert"s, "store"s, "k"s, "v"s, timespan{500}, node_str,
                count{42}}};
  auto view = store_event::insert::make(x);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.store_id(), "store");
  EXPECT_EQ(view.key(), data{"k"s});
  EXPECT_EQ(view.value(), data{"v"s});
  EXPECT_EQ(view.expiry(), timespan{500});
  EXPECT_EQ(view.publisher(), pub);
  data no_extras{vector{"insert"s, "s"s, "k"s, "v"s, nil, nil, nil}};
  auto plain = store_event::insert::make(get<vector>(no_extras));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain.expiry(), std::nullopt);
  EXPECT_EQ(plain.publisher(), publisher_id{});
  EXPECT_FALSE(plain.publisher());
}

TEST_F(StoreEvent, InsertRejectsOtherLayouts) {
  auto ok = vector{"insert"s, "s"s, "k"s, "v"s, nil, node_str, count{1}};
  ASSERT_TRUE(store_event::insert::make(ok));
  auto with = [&](size_t i, data x) {
    auto xs = ok;
    xs[i] = std::move(x);
    return xs;
  };
  EXPECT_FALSE(store_event::insert::make(with(0, "update"s)));
  EXPECT_FALSE(store_event::insert::make(with(0, enum_value{"insert"})));
  EXPECT_FALSE(store_event::insert::make(with(1, 1)));
  EXPECT_FALSE(store_event::insert::make(with(4, count{500})));
  EXPECT_FALSE(store_event::insert::make(with(4, timestamp{})));
  EXPECT_FALSE(store_event::insert::make(with(5, "not a node"s)));
  EXPECT_FALSE(store_event::insert::make(with(5, nil))) << "half a publisher";
  EXPECT_FALSE(store_event::insert::make(with(6, nil))) << "half a publisher";
  EXPECT_FALSE(store_event::insert::make(with(6, integer{1})));
  auto longer = ok;
  longer.emplace_back(nil);
  EXPECT_FALSE(store_event::insert::make(longer));
  auto shorter = ok;
  shorter.pop_back();
  EXPECT_FALSE(store_event::insert::make(shorter));
  EXPECT_FALSE(store_event::insert::make(data{"insert"s}));
  EXPECT_FALSE(store_event::insert::make(vector{}));
}

// -- update -------------------------------------------------------------------

TEST_F(StoreEvent, UpdateView) {
  data x{vector{"update"s, "store"s, "k"s, "old"s, "new"s, timespan{7},
                node_str, count{42}}};
  auto view = store_event::update::make(x);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.store_id(), "store");
  EXPECT_EQ(view.key(), data{"k"s});
  EXPECT_EQ(view.old_value(), data{"old"s});
  EXPECT_EQ(view.new_value(), data{"new"s});
  EXPECT_EQ(view.expiry(), timespan{7});
  EXPECT_EQ(view.publisher(), pub);
}

TEST_F(StoreEvent, UpdateHasEightElements) {
  // The upstream header comment shows 7 elements; the code uses 8.
  EXPECT_FALSE(store_event::update::make(
    vector{"update"s, "s"s, "k"s, "v"s, nil, nil, nil}));
  EXPECT_TRUE(store_event::update::make(
    vector{"update"s, "s"s, "k"s, "o"s, "n"s, nil, nil, nil}));
  EXPECT_FALSE(store_event::update::make(
    vector{"update"s, "s"s, "k"s, "o"s, "n"s, 42, nil, nil}));
  EXPECT_FALSE(store_event::update::make(
    vector{"insert"s, "s"s, "k"s, "o"s, "n"s, nil, nil, nil}));
}

// -- erase and expire ---------------------------------------------------------

TEST_F(StoreEvent, EraseAndExpireViews) {
  data erase{vector{"erase"s, "store"s, "k"s, node_str, count{42}}};
  data expire{vector{"expire"s, "store"s, "k"s, nil, nil}};
  auto e = store_event::erase::make(erase);
  ASSERT_TRUE(e);
  EXPECT_EQ(e.store_id(), "store");
  EXPECT_EQ(e.key(), data{"k"s});
  EXPECT_EQ(e.publisher(), pub);
  auto x = store_event::expire::make(expire);
  ASSERT_TRUE(x);
  EXPECT_EQ(x.key(), data{"k"s});
  EXPECT_EQ(x.publisher(), publisher_id{});
  EXPECT_FALSE(store_event::erase::make(expire)) << "tags must match";
  EXPECT_FALSE(store_event::expire::make(erase));
  EXPECT_FALSE(store_event::erase::make(
    vector{"erase"s, "store"s, "k"s, "bar"s, nil}));
  EXPECT_FALSE(store_event::erase::make(vector{"erase"s, "store"s, "k"s,
                                               nil, nil, nil}));
  EXPECT_FALSE(store_event::expire::make(vector{"expire"s, "k"s, nil, nil}));
}

TEST_F(StoreEvent, ViewsPrintTheirVector) {
  data x{vector{"erase"s, "s"s, "k"s, nil, nil}};
  EXPECT_EQ(to_string(store_event::erase::make(x)), "(erase, s, k, nil, nil)");
  EXPECT_EQ(to_string(store_event::insert::make(x)), "invalid");
}

// -- builders -----------------------------------------------------------------

TEST_F(StoreEvent, BuildersProduceWhatTheViewsAccept) {
  auto ins = make_insert_event("s", "k"s, 1, timespan{5}, pub);
  EXPECT_EQ(ins, (data{vector{"insert"s, "s"s, "k"s, 1, timespan{5},
                              node_str, count{42}}}));
  auto iv = store_event::insert::make(ins);
  ASSERT_TRUE(iv);
  EXPECT_EQ(iv.publisher(), pub);
  auto upd = make_update_event("s", "k"s, 1, 2, std::nullopt, {});
  EXPECT_EQ(upd, (data{vector{"update"s, "s"s, "k"s, 1, 2, nil, nil, nil}}));
  ASSERT_TRUE(store_event::update::make(upd));
  auto era = make_erase_event("s", "k"s, pub);
  EXPECT_EQ(era, (data{vector{"erase"s, "s"s, "k"s, node_str, count{42}}}));
  ASSERT_TRUE(store_event::erase::make(era));
  auto exp = make_expire_event("s", "k"s, publisher_id{});
  EXPECT_EQ(exp, (data{vector{"expire"s, "s"s, "k"s, nil, nil}}));
  ASSERT_TRUE(store_event::expire::make(exp));
}

// -- vocabulary types ---------------------------------------------------------

TEST(StorePublisherId, ValidityAndText) {
  publisher_id none;
  EXPECT_FALSE(none);
  EXPECT_EQ(to_string(none), "none");
  publisher_id objectless{node_id{}, 7};
  EXPECT_FALSE(objectless) << "valid iff the node is valid";
  EXPECT_EQ(to_string(objectless), "none");
  publisher_id pub{some_node(), 42};
  EXPECT_TRUE(pub);
  EXPECT_EQ(to_string(pub), "42@" + to_string(some_node()));
}

TEST(StorePublisherId, ComparisonAndHash) {
  publisher_id a{some_node(), 1};
  publisher_id b{some_node(), 2};
  publisher_id c{node_id{}, 1};
  EXPECT_EQ(a, (publisher_id{some_node(), 1}));
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  EXPECT_LT(c, a) << "the node orders first";
  EXPECT_EQ(a.hash(), (publisher_id{some_node(), 1}).hash());
  std::unordered_set<publisher_id> xs{a, b, c, a};
  EXPECT_EQ(xs.size(), 3u);
}

TEST(StoreBackendType, NamesAndNumbers) {
  EXPECT_EQ(static_cast<int>(backend::memory), 0);
  EXPECT_EQ(static_cast<int>(backend::sqlite), 1);
  EXPECT_STREQ(to_string(backend::memory), "memory");
  EXPECT_STREQ(to_string(backend::sqlite), "sqlite");
  backend x = backend::memory;
  ASSERT_TRUE(convert("sqlite"s, x));
  EXPECT_EQ(x, backend::sqlite);
  EXPECT_FALSE(convert("rocksdb"s, x));
}

TEST(StoreFrontendType, CloneComesFirst) {
  EXPECT_EQ(static_cast<int>(broker::clone), 0);
  EXPECT_EQ(static_cast<int>(broker::master), 1);
  EXPECT_STREQ(to_string(frontend::clone), "clone");
  EXPECT_STREQ(to_string(frontend::master), "master");
}

TEST(StoreApiFlags, LegacyConstants) {
  EXPECT_EQ(static_cast<int>(no_api_flags), 0);
  EXPECT_EQ(static_cast<int>(blocking), 1);
  EXPECT_EQ(static_cast<int>(nonblocking), 2);
}

} // namespace
