#include "broker/endpoint.hh"

#include <gtest/gtest.h>

#include <poll.h>

#include <atomic>
#include <thread>

#include "broker/broker.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;

namespace {

/// The codes of all statuses/errors a status subscriber got within 1s.
template <class Code>
std::vector<Code> codes_of(status_subscriber& ss, size_t num) {
  std::vector<Code> result;
  for (auto& x : ss.get(num, 5s)) {
    if constexpr (std::is_same_v<Code, sc>) {
      if (auto st = get_if<status>(&x))
        result.push_back(st->code());
    } else {
      if (auto err = get_if<error>(&x))
        result.push_back(err->code());
    }
  }
  return result;
}

} // namespace

TEST(Endpoint, NodeIdsDiffer) {
  endpoint a;
  endpoint b;
  EXPECT_TRUE(a.node_id().valid());
  EXPECT_NE(a.node_id(), b.node_id());
}

TEST(Endpoint, ShutdownIsIdempotent) {
  endpoint a;
  a.shutdown();
  a.shutdown();
  EXPECT_TRUE(a.is_shutdown());
}

TEST(Endpoint, PublishReachesPeerNotSelf) {
  endpoint a;
  endpoint b;
  auto sub_a = a.make_subscriber({"/t"});
  auto sub_b = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  a.publish("/t/1", data{42});
  auto msg = sub_b.get(5s);
  ASSERT_TRUE(msg.has_value());
  EXPECT_EQ(get_topic(*msg), "/t/1");
  EXPECT_EQ(get_data(*msg), data{42});
  // Own publications never reach own subscribers (upstream rule).
  EXPECT_FALSE(sub_a.get(50ms).has_value());
}

// await_peer (upstream 2.3+) returns once the node is a direct peer.
TEST(Endpoint, AwaitPeer) {
  endpoint a;
  endpoint b;
  EXPECT_FALSE(a.await_peer(b.node_id(), 50ms)) << "not peered yet";
  std::thread peering{[&] { EXPECT_TRUE(a.peer(b)); }};
  EXPECT_TRUE(b.await_peer(a.node_id(), 10s));
  peering.join();
  EXPECT_TRUE(a.await_peer(b.node_id(), 0s)) << "already a peer";
  a.shutdown();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(a.await_peer(b.node_id(), 10s)) << "after shutdown";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

// Upstream 2.3+ tells the kind of a peer in endpoint_info::type.
TEST(Endpoint, PeersAreOfTypeNative) {
  endpoint a;
  endpoint b;
  endpoint c;
  ASSERT_TRUE(a.peer(b));
  auto port = c.listen("127.0.0.1", 0);
  ASSERT_NE(port, 0);
  ASSERT_TRUE(a.peer("127.0.0.1", port, timeout::seconds{0}));
  auto peers = a.peers();
  ASSERT_EQ(peers.size(), 2u);
  for (auto& p : peers)
    EXPECT_EQ(p.peer.type, std::optional<std::string>{"native"});
  EXPECT_FALSE(endpoint_info{}.type.has_value());
}

TEST(Endpoint, StatusesOnPeerAndUnpeer) {
  endpoint a;
  endpoint b;
  auto ss_a = a.make_status_subscriber(true);
  auto ss_b = b.make_status_subscriber(true);
  ASSERT_TRUE(a.peer(b));
  EXPECT_EQ(codes_of<sc>(ss_a, 1), std::vector<sc>{sc::peer_added});
  EXPECT_EQ(codes_of<sc>(ss_b, 1), std::vector<sc>{sc::peer_added});
  ASSERT_EQ(a.peers().size(), 1u);
  EXPECT_EQ(a.peers()[0].peer.node, b.node_id());
  EXPECT_EQ(a.peers()[0].status, peer_status::peered);
  ASSERT_TRUE(a.unpeer(b));
  EXPECT_EQ(codes_of<sc>(ss_a, 1), std::vector<sc>{sc::peer_removed});
  EXPECT_EQ(codes_of<sc>(ss_b, 1), std::vector<sc>{sc::peer_lost});
  EXPECT_TRUE(a.peers().empty());
  EXPECT_TRUE(eventually([&] { return b.peers().empty(); }));
}

TEST(Endpoint, UnpeerUnknownGivesPeerInvalid) {
  endpoint a;
  endpoint b;
  auto ss = a.make_status_subscriber();
  EXPECT_FALSE(a.unpeer(b));
  EXPECT_EQ(codes_of<ec>(ss, 1), std::vector<ec>{ec::peer_invalid});
}

TEST(Endpoint, StatusSubscriberWithoutStatusesSeesOnlyErrors) {
  endpoint a;
  endpoint b;
  auto ss = a.make_status_subscriber(false);
  ASSERT_TRUE(a.peer(b));
  auto x = ss.get(100ms);
  EXPECT_TRUE(std::holds_alternative<none>(x));
}

TEST(Endpoint, ShutdownOfPeerGivesPeerLost) {
  endpoint a;
  auto ss = a.make_status_subscriber(true);
  {
    endpoint b;
    ASSERT_TRUE(a.peer(b));
    EXPECT_EQ(codes_of<sc>(ss, 1), std::vector<sc>{sc::peer_added});
  }
  EXPECT_EQ(codes_of<sc>(ss, 1), std::vector<sc>{sc::peer_lost});
}

TEST(Endpoint, PeerSubscriptions) {
  endpoint a;
  endpoint b;
  auto s1 = b.make_subscriber({"/b/2", "/b/1"});
  auto s2 = b.make_subscriber({"/b/1/x"});
  ASSERT_TRUE(a.peer(b));
  EXPECT_EQ(a.peer_subscriptions(), (std::vector<topic>{"/b/1", "/b/2"}));
  auto s3 = b.make_subscriber({"/c"});
  EXPECT_TRUE(eventually([&] { return a.peer_subscriptions().size() == 3; }));
}

TEST(Endpoint, OverlappingPrefixesDeliverOnce) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/a", "/a/b", "/"});
  auto other = b.make_subscriber({"/a/b/c"});
  ASSERT_TRUE(a.peer(b));
  a.publish("/a/b/c", data{1});
  a.publish("/x", data{2});
  auto got = sub.get(2, 5s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(get_data(got[0]), data{1});
  EXPECT_EQ(get_data(got[1]), data{2});
  EXPECT_FALSE(sub.get(50ms).has_value());
  auto got_other = other.get(5s);
  ASSERT_TRUE(got_other);
  EXPECT_EQ(get_topic(*got_other), "/a/b/c");
  EXPECT_FALSE(other.get(50ms).has_value());
}

TEST(Endpoint, RawStringPrefixMatching) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/foo"});
  ASSERT_TRUE(a.peer(b));
  a.publish("/foobar", data{1});
  auto msg = sub.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_topic(*msg), "/foobar");
}

TEST(Endpoint, GetTimeoutsAndCounts) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sub.get(30ms).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_FALSE(sub.get(std::chrono::system_clock::now() - 1s).has_value());
  EXPECT_TRUE(sub.get(0, 1s).empty());
  a.publish("/t", data{1});
  ASSERT_TRUE(eventually([&] { return sub.available() == 1; }));
  auto partial = sub.get(3, 20ms); // Times out with what there is.
  EXPECT_EQ(partial.size(), 1u);
  for (int i = 0; i < 3; ++i)
    a.publish("/t", data{i});
  EXPECT_EQ(sub.get(3).size(), 3u);
}

TEST(Endpoint, FdIsReadableExactlyWhileMessagesPending) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  auto readable = [&](int timeout_ms) {
    pollfd p{sub.fd(), POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
  };
  EXPECT_FALSE(readable(0));
  a.publish("/t", data{1});
  a.publish("/t", data{2});
  EXPECT_TRUE(readable(5000));
  EXPECT_TRUE(eventually([&] { return sub.available() == 2; }));
  sub.get();
  EXPECT_TRUE(readable(0));
  sub.get();
  EXPECT_FALSE(readable(0));
  a.publish("/t", data{3});
  EXPECT_TRUE(readable(5000));
  EXPECT_EQ(sub.poll().size(), 1u);
  EXPECT_FALSE(readable(0));
}

TEST(Endpoint, AddAndRemoveTopicsLive) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/a"});
  ASSERT_TRUE(a.peer(b));
  sub.add_topic("/b", true);
  EXPECT_TRUE(eventually([&] { return a.peer_subscriptions().size() == 2; }));
  a.publish("/b", data{1});
  auto msg = sub.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_topic(*msg), "/b");
  sub.remove_topic("/b", true);
  a.publish("/b", data{2});
  a.publish("/a", data{3});
  msg = sub.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{3});
  // The advertised filter never shrinks.
  EXPECT_EQ(a.peer_subscriptions().size(), 2u);
}

TEST(Endpoint, BurstOfTenThousandIsLossless) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  constexpr int n = 20000;
  for (int i = 0; i < n; ++i)
    a.publish("/t", data{i});
  auto got = sub.get(n, 30s);
  ASSERT_EQ(got.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(get_data(got[i]), data{i});
  EXPECT_EQ(sub.dropped(), 0u);
}

TEST(Endpoint, OverflowDropsOldestAndReportsIt) {
  configuration cfg;
  cfg.set("broker.subscriber-buffer-size", count{10});
  endpoint a;
  endpoint b{std::move(cfg)};
  auto sub = b.make_subscriber({"/t"}, 0);
  auto ss = b.make_status_subscriber();
  ASSERT_TRUE(a.peer(b));
  for (int i = 0; i < 100; ++i)
    a.publish("/t", data{i});
  ASSERT_TRUE(eventually([&] { return sub.dropped() == 90; }));
  auto got = sub.poll();
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(get_data(got.back()), data{99});
  // The error follows the drop; wait for it rather than poll.
  auto err = ss.get(10s);
  ASSERT_TRUE(std::holds_alternative<error>(err));
  EXPECT_EQ(get<error>(err).code(), ec::unspecified);
  EXPECT_NE(get<error>(err).message().find("dropped"), std::string::npos);
}

TEST(Endpoint, ManyPublisherThreadsKeepPerThreadOrder) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  constexpr int threads = 4;
  constexpr int per_thread = 2000;
  std::vector<std::thread> pubs;
  for (int t = 0; t < threads; ++t)
    pubs.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        a.publish("/t", vector{t, i});
    });
  for (auto& th : pubs)
    th.join();
  auto got = sub.get(threads * per_thread, 30s);
  ASSERT_EQ(got.size(), static_cast<size_t>(threads * per_thread));
  std::vector<integer> next(threads, 0);
  for (auto& msg : got) {
    auto& xs = get<vector>(get_data(msg));
    auto t = get<integer>(xs[0]);
    ASSERT_EQ(get<integer>(xs[1]), next[t]);
    ++next[t];
  }
}

TEST(Endpoint, SubscriberDestroyedWithMessagesInFlight) {
  endpoint a;
  endpoint b;
  auto keep = b.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  {
    auto sub = b.make_subscriber({"/t"});
    for (int i = 0; i < 1000; ++i)
      a.publish("/t", data{i});
  }
  EXPECT_EQ(keep.get(1000, 10s).size(), 1000u);
}

TEST(Endpoint, ObjectsMayOutliveTheEndpoint) {
  std::optional<subscriber> sub;
  std::optional<publisher> pub;
  std::optional<status_subscriber> ss;
  {
    endpoint a;
    endpoint b;
    sub.emplace(b.make_subscriber({"/t"}));
    pub.emplace(a.make_publisher("/t"));
    ss.emplace(a.make_status_subscriber(true));
    ASSERT_TRUE(a.peer(b));
    for (int i = 0; i < 100; ++i)
      a.publish("/t", data{i});
  }
  EXPECT_FALSE(sub->get(10ms).has_value() && false);
  pub->publish(data{1}); // Must not hang.
  sub.reset();
  pub.reset();
  ss.reset();
}

TEST(Endpoint, SimulatedClock) {
  broker_options opts;
  opts.use_real_time = false;
  endpoint ep{configuration{opts}};
  EXPECT_FALSE(ep.use_real_time());
  EXPECT_EQ(ep.now().time_since_epoch().count(), 0);
  ep.advance_time(timestamp{10s});
  EXPECT_EQ(ep.now(), timestamp{10s});
  ep.advance_time(timestamp{5s}); // Never moves backwards.
  EXPECT_EQ(ep.now(), timestamp{10s});
  endpoint real;
  EXPECT_TRUE(real.use_real_time());
  EXPECT_GT(real.now().time_since_epoch(), timespan{0});
}

TEST(Endpoint, ShutdownWithPendingMessagesDoesNotHang) {
  endpoint a;
  auto b = std::make_unique<endpoint>();
  auto sub = b->make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(*b));
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (int i = 0; i < 100000 && !done; ++i)
      a.publish("/t", data{i});
  });
  // Stop the receiver while messages are still flowing; nothing may hang,
  // and the reader sees a (possibly empty) prefix of the stream in order.
  ASSERT_TRUE(sub.get(5s));
  b->shutdown();
  auto rest = sub.poll();
  for (size_t i = 1; i < rest.size(); ++i)
    ASSERT_LT(get<integer>(get_data(rest[i - 1])),
              get<integer>(get_data(rest[i])));
  done = true;
  producer.join();
  a.shutdown();
  b.reset();
}

TEST(Endpoint, GetAfterShutdownReturnsInsteadOfBlocking) {
  endpoint ep;
  auto sub = ep.make_subscriber({"/t"});
  auto ss = ep.make_status_subscriber(true);
  ep.shutdown();
  auto msg = sub.get();
  EXPECT_EQ(get_topic(msg), topic{});
  EXPECT_TRUE(sub.get(3).empty());
  EXPECT_TRUE(std::holds_alternative<none>(ss.get()));
  sub.reset();
  EXPECT_EQ(get_topic(sub.get()), topic{});
  EXPECT_TRUE(sub.poll().empty());
}
