// put_unique at a clone that has no master yet: held (in order with the
// clone's buffered mutations) until the clone finds its master, then
// answered by the master; failed when the clone closes or gives up.
#include <gtest/gtest.h>

#include <poll.h>

#include <future>

#include "broker/broker.hh"
#include "store_util.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::value_at;

namespace {

/// Waits (10 s at most) for the next answer in the proxy's mailbox.
std::optional<store::response> next_answer(store::proxy& p) {
  pollfd pfd{p.mailbox().descriptor(), POLLIN, 0};
  if (::poll(&pfd, 1, 10000) != 1)
    return std::nullopt;
  return p.receive();
}

/// Every request posted before this one has been handled when it returns:
/// the clone answers queries in order (a clone without master: stale_data).
void settle(store& c) {
  (void)c.keys();
}

} // namespace

TEST(StoreHeldQuery, BlockingPutUniqueWaitsForTheMaster) {
  endpoint a;
  endpoint b;
  auto c = *b.attach_clone("held");
  auto answer = std::async(std::launch::async,
                           [&] { return c.put_unique("u", 1); });
  auto m = *a.attach_master("held", backend::memory);
  ASSERT_TRUE(b.peer(a));
  auto x = answer.get();
  ASSERT_TRUE(x) << to_string(x.error());
  EXPECT_EQ(*x, data{true});
  EXPECT_EQ(value_at(m, "u"), data{1});
  EXPECT_EQ(*c.put_unique("u", 2), data{false});
}

TEST(StoreHeldQuery, ProxyPutUniqueIsHeldInOrderWithMutations) {
  endpoint a;
  endpoint b;
  auto c = *b.attach_clone("order");
  store::proxy p{c};
  c.put("k", 1); // buffered: the master sees it before the put_unique
  auto same = p.put_unique("k", 2);
  auto fresh = p.put_unique("u", 3);
  settle(c);
  EXPECT_EQ(p.mailbox().size(), 0u); // held, not refused
  auto m = *a.attach_master("order", backend::memory);
  ASSERT_TRUE(b.peer(a));
  auto r1 = next_answer(p);
  auto r2 = next_answer(p);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->id, same);
  EXPECT_EQ(*r1->answer, data{false});
  EXPECT_EQ(r2->id, fresh);
  EXPECT_EQ(*r2->answer, data{true});
  EXPECT_EQ(value_at(m, "k"), data{1});
  EXPECT_EQ(value_at(m, "u"), data{3});
}

TEST(StoreHeldQuery, AnswerForAGoneProxyIsDropped) {
  endpoint a;
  endpoint b;
  auto c = *b.attach_clone("gone");
  {
    store::proxy p{c};
    p.put_unique("u", 1);
    settle(c);
  }
  auto m = *a.attach_master("gone", backend::memory);
  ASSERT_TRUE(b.peer(a));
  ASSERT_TRUE(eventually([&] { return value_at(m, "u") == data{1}; }));
  EXPECT_EQ(*c.put_unique("v", 1), data{true});
}

TEST(StoreHeldQuery, ClosingTheCloneFailsHeldRequests) {
  endpoint b;
  auto c = *b.attach_clone("closed");
  store::proxy p{c};
  auto id = p.put_unique("u", 1);
  settle(c);
  b.shutdown();
  auto r = next_answer(p);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, id);
  ASSERT_FALSE(r->answer);
  EXPECT_NE(r->answer.error().code(), ec::request_timeout);
}

TEST(StoreHeldQuery, NoBufferMeansNoWait) {
  endpoint b;
  auto c = *b.attach_clone("nobuf", 10.0, 300.0, 0.0);
  auto x = c.put_unique("u", 1);
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().code(), ec::no_such_master);
}

TEST(StoreHeldQuery, GivingUpFailsHeldRequests) {
  broker_options opts;
  opts.use_real_time = false;
  endpoint b{configuration{opts}};
  auto c = *b.attach_clone("st", 1.0, 5.0, 100.0);
  {
    endpoint a{configuration{opts}};
    auto m = *a.attach_master("st", backend::memory);
    m.put("k", 1);
    ASSERT_TRUE(b.peer(a));
    ASSERT_TRUE(eventually([&] { return value_at(c, "k") == data{1}; }));
  }
  store::proxy p{c};
  auto id = p.put_unique("u", 1); // held, or sent to the lost master
  // The clone learns of the loss asynchronously: keep moving the clock.
  ASSERT_TRUE(eventually([&] {
    b.advance_time(b.now() + 6s);
    return p.mailbox().size() > 0;
  }));
  auto r = p.receive();
  EXPECT_EQ(r.id, id);
  ASSERT_FALSE(r.answer);
  EXPECT_EQ(r.answer.error().code(), ec::no_such_master);
}
