// Data stores through the public API: masters, clones on other endpoints
// (in memory and over TCP), proxies, events, expiry on the simulated clock.
#include <gtest/gtest.h>

#include <poll.h>

#include <future>
#include <map>

#include "broker/broker.hh"
#include "store_util.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::value_at;

namespace {

configuration sim_clock() {
  broker_options opts;
  opts.use_real_time = false;
  return configuration{opts};
}

configuration tcp_only() {
  configuration cfg;
  cfg.set("broker.in-process-shortcut", false);
  return cfg;
}

error next_error(status_subscriber& ss) {
  return test::next_of<error>(ss);
}

} // namespace

TEST(Store, InvalidHandle) {
  store s;
  auto x = s.get("k");
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().code(), ec::unspecified);
  EXPECT_EQ(x.error().message(), "store not initialized");
  EXPECT_EQ(s.name(), "");
  s.put("k", 1); // no effect, no crash
}

TEST(Store, MasterBasics) {
  endpoint ep;
  auto m = ep.attach_master("yoda", backend::memory);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name(), "yoda");
  EXPECT_EQ(m->frontend(), frontend::master);
  EXPECT_EQ(m->frontend_id().endpoint, ep.node_id());
  m->put(4.2, -42);
  EXPECT_EQ(value_at(*m, 4.2), data{integer{-42}});
  EXPECT_EQ(*m->exists(4.2), data{true});
  EXPECT_EQ(*m->exists("nope"), data{false});
  EXPECT_EQ(m->get("nope").error().code(), ec::no_such_key);
  EXPECT_EQ(*m->put_unique("u", 1), data{true});
  EXPECT_EQ(*m->put_unique("u", 2), data{false});
  EXPECT_EQ(value_at(*m, "u"), data{1});
  EXPECT_EQ(*m->keys(), (data{set{4.2, "u"}}));
  m->erase(4.2);
  EXPECT_EQ(*m->keys(), (data{set{"u"}}));
  m->clear();
  EXPECT_EQ(*m->keys(), data{set{}});
  // The same name gives the same master.
  auto again = ep.attach_master("yoda", backend::memory);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->frontend_id(), m->frontend_id());
}

TEST(Store, MasterOperations) {
  endpoint ep;
  auto m = *ep.attach_master("ops", backend::memory);
  m.increment("c", count{3});
  m.decrement("c", count{1});
  EXPECT_EQ(value_at(m, "c"), data{count{2}});
  m.append("s", "foo");
  m.append("s", "bar");
  EXPECT_EQ(value_at(m, "s"), data{"foobar"});
  m.insert_into("set", 1);
  m.insert_into("set", 2);
  m.remove_from("set", 1);
  EXPECT_EQ(value_at(m, "set"), data{set{2}});
  m.insert_into("t", "k", "v");
  EXPECT_EQ(*m.get_index_from_value("t", "k"), data{"v"});
  m.push("v", 1);
  m.push("v", 2);
  m.pop("v");
  EXPECT_EQ(value_at(m, "v"), data{vector{1}});
  EXPECT_EQ(*m.get_index_from_value("v", count{0}), data{1});
  EXPECT_EQ(m.get_index_from_value("v", count{5}).error().code(),
            ec::no_such_key);
}

TEST(Store, FailedMutationsAreReported) {
  endpoint ep;
  auto ss = ep.make_status_subscriber();
  auto m = *ep.attach_master("errs", backend::memory);
  m.put("s", "text");
  m.increment("s", count{1});
  auto err = next_error(ss);
  EXPECT_EQ(err.code(), ec::type_clash);
  EXPECT_NE(err.message().find("errs"), std::string::npos) << err.message();
  m.decrement("missing", count{1});
  EXPECT_EQ(next_error(ss).code(), ec::no_such_key);
}

TEST(Store, BadSqlitePathIsABackendFailure) {
  endpoint ep;
  auto m = ep.attach_master("bad", backend::sqlite, {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ec::backend_failure);
  auto m2 = ep.attach_master("bad2", backend::sqlite,
                             {{"path", "/proc/nonexistent/dir/x.db"}});
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().code(), ec::backend_failure);
}

TEST(Store, CloneNeedsNoLocalMaster) {
  endpoint ep;
  ASSERT_TRUE(ep.attach_master("m", backend::memory));
  auto c = ep.attach_clone("m");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ec::no_such_master);
}

TEST(Store, MasterExistsAtAPeer) {
  endpoint a;
  endpoint b;
  ASSERT_TRUE(a.attach_master("dup", backend::memory));
  ASSERT_TRUE(a.peer(b));
  auto m = b.attach_master("dup", backend::memory);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ec::master_exists);
}

TEST(Store, CloneWithoutMasterIsStaleOnceItsBufferIntervalPassed) {
  endpoint a;
  // Queries wait for a master as long as mutations may (0 s: not at all).
  auto c = a.attach_clone("lonely", 10.0, 300.0, 0.0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->get("k").error().code(), ec::stale_data);
  EXPECT_EQ(c->frontend(), frontend::clone);
  auto d = a.attach_clone("alone", 10.0, 300.0, 0.2);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->exists("k").error().code(), ec::stale_data);
}

TEST(Store, CloneQueriesWaitForTheMaster) {
  endpoint a;
  endpoint b;
  auto c = *b.attach_clone("later");
  // Asked before any master exists: held, then answered from the snapshot.
  auto got = std::async(std::launch::async, [&c] { return c.get("k"); });
  auto keys = std::async(std::launch::async, [&c] { return c.keys(); });
  store::proxy p{c};
  auto id = p.get("k");
  auto m = *a.attach_master("later", backend::memory);
  m.put("k", 42);
  ASSERT_TRUE(eventually([&] { return value_at(m, "k") == data{42}; }));
  ASSERT_TRUE(b.peer(a));
  auto v = got.get();
  ASSERT_TRUE(v) << to_string(v.error());
  EXPECT_EQ(*v, data{42});
  auto ks = keys.get();
  ASSERT_TRUE(ks);
  EXPECT_EQ(*ks, (data{set{"k"}}));
  auto resp = p.receive();
  EXPECT_EQ(resp.id, id);
  ASSERT_TRUE(resp.answer);
  EXPECT_EQ(*resp.answer, data{42});
}

namespace {

void check_replication(endpoint& a, endpoint& b) {
  auto m = *a.attach_master("rep", backend::memory);
  m.put("before", 1);
  auto c = *b.attach_clone("rep");
  ASSERT_TRUE(eventually([&] { return value_at(c, "before") == data{1}; }));
  m.put("after", 2);
  ASSERT_TRUE(eventually([&] { return value_at(c, "after") == data{2}; }));
  // Through the clone: visible once the master's update comes back.
  c.put("from-clone", 3);
  ASSERT_TRUE(eventually([&] { return value_at(m, "from-clone") == data{3}; }));
  ASSERT_TRUE(eventually([&] { return value_at(c, "from-clone") == data{3}; }));
  c.increment("n", count{5});
  ASSERT_TRUE(eventually([&] { return value_at(c, "n") == data{count{5}}; }));
  EXPECT_EQ(*c.put_unique("before", 9), data{false});
  EXPECT_EQ(*c.put_unique("fresh", 9), data{true});
  ASSERT_TRUE(eventually([&] { return value_at(c, "fresh") == data{9}; }));
  c.erase("before");
  ASSERT_TRUE(eventually([&] { return *c.exists("before") == data{false}; }));
  EXPECT_EQ(*m.exists("before"), data{false});
  m.clear();
  ASSERT_TRUE(eventually([&] { return *c.keys() == data{set{}}; }));
}

} // namespace

TEST(Store, CloneInProcess) {
  endpoint a;
  endpoint b;
  ASSERT_TRUE(b.peer(a));
  check_replication(a, b);
}

TEST(Store, CloneOverTcp) {
  endpoint a{tcp_only()};
  endpoint b{tcp_only()};
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  check_replication(a, b);
}

TEST(Store, MasterEvents) {
  endpoint ep;
  auto events = ep.make_subscriber({topic::store_events() / "ev"});
  auto m = *ep.attach_master("ev", backend::memory);
  m.put("k", 1);
  m.put("k", 2);
  m.erase("k");
  auto xs = events.get(3, 10s);
  ASSERT_EQ(xs.size(), 3u);
  auto ins = store_event::insert::make(get_data(xs[0]));
  ASSERT_TRUE(ins);
  EXPECT_EQ(ins.key(), data{"k"});
  EXPECT_EQ(ins.value(), data{1});
  EXPECT_EQ(ins.publisher(), m.frontend_id());
  auto upd = store_event::update::make(get_data(xs[1]));
  ASSERT_TRUE(upd);
  EXPECT_EQ(upd.old_value(), data{1});
  EXPECT_EQ(upd.new_value(), data{2});
  EXPECT_TRUE(store_event::erase::make(get_data(xs[2])));
}

TEST(Store, ExpiryOnTheSimulatedClock) {
  endpoint a{sim_clock()};
  endpoint b{sim_clock()};
  ASSERT_TRUE(b.peer(a));
  auto events = a.make_subscriber({topic::store_events() / "exp"});
  auto m = *a.attach_master("exp", backend::memory);
  auto c = *b.attach_clone("exp");
  m.put("short", 1, timespan{10s});
  m.put("long", 2, timespan{100s});
  ASSERT_TRUE(eventually([&] { return value_at(c, "short") == data{1}; }));
  a.advance_time(a.now() + 11s);
  EXPECT_EQ(m.get("short").error().code(), ec::no_such_key);
  EXPECT_EQ(value_at(m, "long"), data{2});
  ASSERT_TRUE(eventually([&] { return *c.exists("short") == data{false}; }));
  auto xs = events.get(3, 10s);
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_TRUE(store_event::expire::make(get_data(xs[2])));
}

TEST(Store, Proxy) {
  endpoint ep;
  auto m = *ep.attach_master("px", backend::memory);
  m.put("k", "v");
  store::proxy p{m};
  auto id1 = p.get("k");
  auto id2 = p.exists("nope");
  EXPECT_EQ(id1, 1u);
  EXPECT_EQ(id2, 2u);
  auto mb = p.mailbox();
  pollfd pfd{mb.descriptor(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 10000), 1);
  auto rs = p.receive(2);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].id, 1u);
  EXPECT_EQ(*rs[0].answer, data{"v"});
  EXPECT_EQ(rs[1].id, 2u);
  EXPECT_EQ(*rs[1].answer, data{false});
  EXPECT_TRUE(mb.empty());
  EXPECT_EQ(p.frontend_id(), m.frontend_id());
}

// A query sees exactly the mutations called before it on the same thread,
// not the ones after it (they share one queue to the store's thread).
TEST(Store, ProxyQueriesSeeMutationsInCallOrder) {
  endpoint ep;
  auto m = *ep.attach_master("order", backend::memory);
  store::proxy p{m};
  constexpr count rounds = 2000;
  std::map<request_id, count> expected;
  for (count i = 0; i < rounds; ++i) {
    m.put("k", i);
    expected[p.get("k")] = i;
    m.put("k", i + rounds);
  }
  auto answers = p.receive(rounds);
  ASSERT_EQ(answers.size(), rounds);
  size_t wrong = 0;
  for (auto& r : answers)
    if (!r.answer || *r.answer != data{expected[r.id]})
      ++wrong;
  EXPECT_EQ(wrong, 0u);
}

TEST(Store, HandleOutlivesEndpoint) {
  store s;
  {
    endpoint ep;
    s = *ep.attach_master("gone", backend::memory);
  }
  auto x = s.get("k");
  ASSERT_FALSE(x);
  s.put("k", 1);
}

TEST(Store, SqliteMasterReopensWithItsExpiries) {
  char tmpl[] = "/tmp/broker-store-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  auto path = std::string{tmpl} + "/sub/dir/s.db";
  backend_options opts{{"path", path}};
  {
    endpoint ep{sim_clock()};
    auto m = ep.attach_master("persist", backend::sqlite, opts);
    ASSERT_TRUE(m) << to_string(m.error());
    m->put("keep", 1);
    m->put("fleeting", 2, timespan{10s});
    ASSERT_EQ(value_at(*m, "fleeting"), data{2}); // answered after both puts
  }
  endpoint ep{sim_clock()};
  auto m = ep.attach_master("persist", backend::sqlite, opts);
  ASSERT_TRUE(m);
  EXPECT_EQ(value_at(*m, "keep"), data{1});
  EXPECT_EQ(value_at(*m, "fleeting"), data{2});
  ep.advance_time(ep.now() + 11s);
  EXPECT_EQ(m->get("fleeting").error().code(), ec::no_such_key);
  EXPECT_EQ(value_at(*m, "keep"), data{1});
  std::system(("rm -rf " + std::string{tmpl}).c_str());
}

TEST(Store, CloneBuffersMutationsUntilItFindsTheMaster) {
  endpoint a;
  endpoint b;
  auto m = *a.attach_master("buf", backend::memory);
  auto c = *b.attach_clone("buf");
  c.put("early", 1); // no master yet: buffered
  ASSERT_TRUE(b.peer(a));
  ASSERT_TRUE(eventually([&] { return value_at(m, "early") == data{1}; }));
  ASSERT_TRUE(eventually([&] { return value_at(c, "early") == data{1}; }));
}

TEST(Store, CloneGoesStaleAfterLosingItsMaster) {
  endpoint b{sim_clock()};
  auto c = *b.attach_clone("st", 1.0, 5.0, 0.0);
  {
    endpoint a{sim_clock()};
    auto m = *a.attach_master("st", backend::memory);
    m.put("k", 1);
    ASSERT_TRUE(b.peer(a));
    ASSERT_TRUE(eventually([&] { return value_at(c, "k") == data{1}; }));
  }
  // The master is gone; within stale_interval the clone still answers.
  b.advance_time(b.now() + 1s);
  EXPECT_EQ(value_at(c, "k"), data{1});
  // The clone learns of the loss asynchronously: keep moving the clock.
  EXPECT_TRUE(eventually([&] {
    b.advance_time(b.now() + 6s);
    auto x = c.get("k");
    return !x && x.error().code() == ec::stale_data;
  }));
}

TEST(Store, ShutdownKeepsMutationsHandedOver) {
  char tmpl[] = "/tmp/broker-store-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  backend_options opts{{"path", std::string{tmpl} + "/s.db"}};
  {
    endpoint ep;
    auto m = *ep.attach_master("last", backend::sqlite, opts);
    for (int i = 0; i < 1000; ++i)
      m.put(i, i);
  } // shutdown right after the fire-and-forget puts
  endpoint ep;
  auto m = *ep.attach_master("last", backend::sqlite, opts);
  EXPECT_EQ(value_at(m, 999), data{999});
  std::system(("rm -rf " + std::string{tmpl}).c_str());
}

TEST(Store, AttachAfterShutdownFails) {
  endpoint ep;
  ep.shutdown();
  EXPECT_FALSE(ep.attach_master("x", backend::memory));
  EXPECT_FALSE(ep.attach_clone("x"));
}
