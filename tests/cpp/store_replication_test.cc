// Store replication as it runs between endpoints (docs/stores.md,
// "Replication"): what only stores may see, the frame limit for snapshots,
// and the channel timing keys.
#include <gtest/gtest.h>

#include "broker/broker.hh"
#include "store_util.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::value_at;

namespace {

configuration fast_channel() {
  configuration cfg;
  cfg.set("broker.store.tick-interval", timespan{10ms});
  cfg.set("broker.store.heartbeat-interval", count{1});
  cfg.set("broker.store.nack-timeout", count{1});
  cfg.set("broker.store.connection-timeout", count{20});
  return cfg;
}

} // namespace

// Store commands are on topics a data subscriber may match by prefix; as
// upstream, it never receives them.
TEST(StoreReplication, DataSubscribersNeverSeeStoreCommands) {
  endpoint a;
  endpoint b;
  auto sub_a = a.make_subscriber({"kv"});
  auto sub_b = b.make_subscriber({"kv"});
  ASSERT_TRUE(b.peer(a));
  auto m = *a.attach_master("kv", backend::memory);
  auto c = *b.attach_clone("kv");
  c.put("x", 1);
  ASSERT_TRUE(eventually([&] { return value_at(c, "x") == data{1}; }));
  b.publish("kv/data", "visible");
  auto x = sub_a.get(10s);
  ASSERT_TRUE(x);
  EXPECT_EQ(get_topic(*x), topic{"kv/data"});
  EXPECT_EQ(sub_a.available(), 0u);
  EXPECT_EQ(sub_b.available(), 0u);
}

// await_idle (upstream 2.3+): a clone is idle once the master acknowledged
// its writes, a master once every clone acknowledged its updates; so what
// one side wrote is readable on the other when the call returns.
TEST(StoreReplication, AwaitIdle) {
  endpoint a{fast_channel()};
  endpoint b{fast_channel()};
  ASSERT_TRUE(b.peer(a));
  auto m = *a.attach_master("idle", backend::memory);
  auto c = *b.attach_clone("idle");
  m.put("x", 1);
  ASSERT_TRUE(eventually([&] { return value_at(c, "x") == data{1}; }));
  c.put("y", 2);
  ASSERT_TRUE(c.await_idle(10s));
  EXPECT_EQ(value_at(m, "y"), data{2});
  m.put("z", 3);
  ASSERT_TRUE(m.await_idle(10s));
  EXPECT_EQ(value_at(c, "z"), data{3});
  EXPECT_FALSE(store{}.await_idle(1ms)) << "an invalid handle";
  a.shutdown();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(m.await_idle(10s)) << "a stopped store";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// A snapshot over the frame limit cannot go out: the master says so on the
// status subscribers, and the clone stays stale instead of half loaded.
TEST(StoreReplication, OversizedSnapshotIsReported) {
  endpoint a;
  endpoint b;
  auto errors = a.make_status_subscriber(false);
  auto m = *a.attach_master("big", backend::memory);
  std::string mib(1 << 20, 'x');
  for (int i = 0; i < 17; ++i)
    m.put(i, mib);
  ASSERT_TRUE(eventually([&] { return value_at(m, 16) == data{mib}; }));
  ASSERT_TRUE(b.peer(a));
  // Queries wait for a master only for the mutation buffer interval.
  auto c = *b.attach_clone("big", 10.0, 300.0, 0.5);
  auto found = false;
  for (int i = 0; i < 50 && !found; ++i) {
    auto x = errors.get(10s);
    ASSERT_FALSE(std::holds_alternative<none>(x)) << "no error status";
    if (auto err = std::get_if<error>(&x))
      found = err->code() == ec::invalid_data
              && err->message().find("ack_clone") != std::string::npos
              && err->message().find("frame limit") != std::string::npos;
  }
  EXPECT_TRUE(found);
  auto v = c.get(0);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), ec::stale_data);
}

// A master that restarts is a new entity on a new endpoint, numbering from
// 1 again: the clone attaches to it and ends with its content, and writes
// made meanwhile follow it (fast channel timing via the broker.store.* keys).
TEST(StoreReplication, CloneFollowsAMasterToANewEndpoint) {
  endpoint b{fast_channel()};
  auto c = *b.attach_clone("restart", 10.0, 300.0, 60.0);
  {
    endpoint a1{fast_channel()};
    ASSERT_TRUE(b.peer(a1));
    auto m = *a1.attach_master("restart", backend::memory);
    m.put("gen", 1);
    m.put("old-only", 1);
    ASSERT_TRUE(eventually([&] { return value_at(c, "gen") == data{1}; }));
  } // a1 shuts down: the clone loses its master
  c.put("meanwhile", 7); // held in the writer channel
  endpoint a2{fast_channel()};
  auto m2 = *a2.attach_master("restart", backend::memory);
  m2.put("gen", 2);
  ASSERT_TRUE(b.peer(a2));
  ASSERT_TRUE(eventually([&] { return value_at(c, "gen") == data{2}; }));
  ASSERT_TRUE(eventually([&] { return value_at(m2, "meanwhile") == data{7}; }));
  ASSERT_TRUE(eventually([&] { return value_at(c, "meanwhile") == data{7}; }));
  EXPECT_FALSE(c.get("old-only"));
}

// master_exists means a peer advertises the master topic itself; a peer
// subscribed to a prefix of it (everything, or the store's name) has no
// master, and the second endpoint with the real one is still refused.
TEST(StoreReplication, OnlyTheMasterTopicItselfMeansMasterExists) {
  endpoint a;
  endpoint b;
  auto everything = a.make_subscriber({""});
  auto by_name = a.make_subscriber({"dup"});
  ASSERT_TRUE(b.peer(a));
  ASSERT_TRUE(eventually([&] { return !b.peer_subscriptions().empty(); }));
  ASSERT_TRUE(b.attach_master("dup", backend::memory));
  endpoint c;
  ASSERT_TRUE(c.peer(b));
  ASSERT_TRUE(eventually([&] {
    for (auto& t : c.peer_subscriptions())
      if (t == topic{"dup/<$>/data/master"})
        return true;
    return false;
  }));
  auto m = c.attach_master("dup", backend::memory);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ec::master_exists);
}
