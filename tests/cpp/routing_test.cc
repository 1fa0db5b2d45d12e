// Multi-hop routing between in-process endpoints: chains, stars, loops,
// TTL, forward(), forward=false, targeted publishing.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "broker/broker.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;

namespace {

configuration with_options(unsigned ttl, bool forward = true) {
  broker_options opts;
  opts.ttl = ttl;
  opts.forward = forward;
  return configuration{opts};
}

/// Endpoints ep[0] - ep[1] - ... - ep[n-1], every one subscribed to /t.
struct chain {
  std::vector<std::unique_ptr<endpoint>> eps;
  std::vector<subscriber> subs;

  chain(size_t n, unsigned ttl = 20, bool forward = true) {
    for (size_t i = 0; i < n; ++i) {
      eps.emplace_back(std::make_unique<endpoint>(with_options(ttl, forward)));
      subs.emplace_back(eps.back()->make_subscriber({"/t"}));
    }
    for (size_t i = 0; i + 1 < n; ++i)
      EXPECT_TRUE(eps[i]->peer(*eps[i + 1]));
  }
};

} // namespace

TEST(Routing, ChainRelaysThroughSubscribers) {
  chain c(4);
  c.eps[0]->publish("/t", data{1});
  for (size_t i = 1; i < 4; ++i) {
    auto msg = c.subs[i].get(5s);
    ASSERT_TRUE(msg) << "hop " << i;
    EXPECT_EQ(get_data(*msg), data{1});
  }
}

TEST(Routing, TtlCutsOffAfterTwoHops) {
  chain c(4, 2);
  c.eps[0]->publish("/t", data{1});
  ASSERT_TRUE(c.subs[1].get(5s));
  ASSERT_TRUE(c.subs[2].get(5s));
  // A barrier: a later message with a fresh ttl proves D got nothing before.
  c.eps[2]->publish("/t", data{2});
  auto msg = c.subs[3].get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{2});
}

TEST(Routing, ForwardFalseStopsRelaying) {
  chain c(3, 20, false);
  c.eps[0]->publish("/t", data{1});
  ASSERT_TRUE(c.subs[1].get(5s)); // Local delivery still happens.
  c.eps[1]->publish("/t", data{2});
  auto msg = c.subs[2].get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{2});
}

TEST(Routing, NoRelayWithoutInterest) {
  endpoint a;
  endpoint b;
  endpoint c;
  auto sub_c = c.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  ASSERT_TRUE(b.peer(c));
  a.publish("/t", data{1});
  b.publish("/t", data{2}); // barrier
  auto msg = sub_c.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{2});
}

TEST(Routing, ForwardTopicsRelayWithoutSubscriber) {
  endpoint a;
  endpoint b;
  endpoint c;
  b.forward({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  ASSERT_TRUE(b.peer(c));
  a.publish("/t", data{1});
  auto msg = sub_c.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{1});
}

TEST(Routing, StarDeliversToEveryLeafOnce) {
  endpoint hub;
  hub.forward({"/t"});
  std::vector<std::unique_ptr<endpoint>> leaves;
  std::vector<subscriber> subs;
  for (int i = 0; i < 5; ++i) {
    leaves.emplace_back(std::make_unique<endpoint>());
    subs.emplace_back(leaves.back()->make_subscriber({"/t"}));
    ASSERT_TRUE(hub.peer(*leaves.back()));
  }
  leaves[0]->publish("/t", data{7});
  EXPECT_FALSE(subs[0].get(50ms)); // Never back to the publisher.
  for (int i = 1; i < 5; ++i) {
    auto got = subs[i].get(1, 5s);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(subs[i].get(20ms));
  }
}

TEST(Routing, LoopDeliversExactlyOnce) {
  endpoint a;
  endpoint b;
  endpoint c;
  auto sub_a = a.make_subscriber({"/t"});
  auto sub_b = b.make_subscriber({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  ASSERT_TRUE(b.peer(c));
  ASSERT_TRUE(c.peer(a));
  constexpr int n = 100;
  for (int i = 0; i < n; ++i)
    a.publish("/t", data{i});
  EXPECT_EQ(sub_b.get(n, 5s).size(), static_cast<size_t>(n));
  EXPECT_EQ(sub_c.get(n, 5s).size(), static_cast<size_t>(n));
  // Barrier through every path, then make sure nothing extra arrived.
  b.publish("/t", data{-1});
  ASSERT_TRUE(sub_c.get(5s));
  ASSERT_TRUE(sub_a.get(5s));
  EXPECT_FALSE(sub_b.get(20ms));
  EXPECT_FALSE(sub_c.get(20ms));
  EXPECT_FALSE(sub_a.get(20ms)); // Own messages never come back.
}

TEST(Routing, TargetedPublishReachesOnlyThatPeer) {
  endpoint a;
  endpoint b;
  endpoint c;
  auto sub_b = b.make_subscriber({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  ASSERT_TRUE(b.peer(c));
  a.publish(endpoint_info{b.node_id(), std::nullopt}, "/t", data{1});
  auto msg = sub_b.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{1});
  b.publish("/t", data{2}); // barrier: c sees this but not the targeted one
  msg = sub_c.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{2});
}

TEST(Routing, SimultaneousPeeringYieldsOnePeering) {
  endpoint a;
  endpoint b;
  std::thread t([&] { EXPECT_TRUE(b.peer(a)); });
  EXPECT_TRUE(a.peer(b));
  t.join();
  EXPECT_EQ(a.peers().size(), 1u);
  EXPECT_TRUE(eventually([&] { return b.peers().size() == 1; }));
}

TEST(Routing, PublisherApi) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  auto pub = a.make_publisher("/t");
  EXPECT_EQ(pub.capacity(), 30u);
  EXPECT_LE(pub.buffered(), pub.capacity());
  EXPECT_EQ(pub.free_capacity(), pub.capacity() - pub.buffered());
  pub.publish(data{1});
  pub.publish(std::vector<data>{2, 3, 4});
  auto got = sub.get(4, 5s);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(get_data(got[3]), data{4});
  EXPECT_TRUE(eventually([&] { return pub.buffered() == 0; }));
  EXPECT_EQ(pub.demand(), 30u);
}

TEST(Routing, PublishAllPullsFromProducer) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  a.publish_all([](int& n) { n = 0; },
                [](int& n, downstream<data_message>& out, size_t demand) {
                  for (size_t i = 0; i < demand && n < 100; ++i)
                    out.push(data_message{"/t", data{n++}});
                },
                [](const int& n) { return n == 100; });
  auto got = sub.get(100, 5s);
  ASSERT_EQ(got.size(), 100u);
  EXPECT_EQ(get_data(got[99]), data{99});
  a.publish_all_no_sync([](int& n) { n = 0; },
                        [](int& n, downstream<data_message>& out, size_t) {
                          out.push(data_message{"/t", data{n++}});
                        },
                        [](const int& n) { return n == 10; });
  EXPECT_EQ(sub.get(10, 5s).size(), 10u);
}

TEST(Routing, SingleTopicSubscriberOverload) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber("/topic/test");
  ASSERT_TRUE(a.peer(b));
  a.publish("/topic/test", data{"42"});
  auto msg = sub.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{"42"});
}
