// Synchronous calls whose core does not answer in time: each one fails
// visibly (a `request_timeout` error status naming the call, plus the API's
// failure value) instead of returning a silent default. The core is held
// by a task that waits for the test's go-ahead, so the timeouts are forced,
// not raced.
#include <gtest/gtest.h>

#include <future>

#include "broker/broker.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

/// Holds the core thread of `ep` until release() (or destruction).
class core_hold {
public:
  explicit core_hold(endpoint& ep) {
    ep.block_core_for_testing(gate_.get_future().share());
  }

  ~core_hold() { release(); }

  void release() {
    if (!released_) {
      released_ = true;
      gate_.set_value();
    }
  }

private:
  std::promise<void> gate_;
  bool released_ = false;
};

configuration short_calls(bool real_time = true) {
  broker_options opts;
  opts.use_real_time = real_time;
  configuration cfg{opts};
  cfg.set("broker.core-call-timeout", timespan{50ms});
  return cfg;
}

/// The next timeout error on `ss` names `call`. (Other errors may come
/// first: a late call still runs, e.g. an unpeer reports `peer_invalid`.)
void expect_timeout_status(status_subscriber& ss, const std::string& call) {
  error err;
  do
    err = test::next_of<error>(ss);
  while (err && err.code() != ec::request_timeout);
  EXPECT_EQ(err.code(), ec::request_timeout);
  EXPECT_EQ(err.message().rfind(call + ":", 0), 0u) << err.message();
}

class CoreTimeout : public ::testing::Test {
protected:
  endpoint ep{short_calls()};
  status_subscriber ss = ep.make_status_subscriber(true);
};

} // namespace

TEST_F(CoreTimeout, QueriesFailAndTheEndpointRecovers) {
  core_hold hold{ep};
  EXPECT_TRUE(ep.peers().empty());
  auto subs = ep.checked_peer_subscriptions();
  ASSERT_FALSE(subs);
  EXPECT_EQ(subs.error().code(), ec::request_timeout);
  hold.release();
  expect_timeout_status(ss, "peers");
  expect_timeout_status(ss, "peer_subscriptions");
  auto peers = ep.checked_peers();
  ASSERT_TRUE(peers);
  EXPECT_TRUE(peers->empty());
}

TEST_F(CoreTimeout, ListenAndUnpeerReturnTheirFailureValues) {
  uint16_t port = 0;
  {
    endpoint probe; // Finds a free port and frees it again.
    port = probe.listen("127.0.0.1", 0);
    ASSERT_NE(port, 0);
  }
  core_hold hold{ep};
  EXPECT_EQ(ep.listen("127.0.0.1", port), 0);
  EXPECT_FALSE(ep.unpeer("127.0.0.1", 1));
  hold.release();
  expect_timeout_status(ss, "listen");
  expect_timeout_status(ss, "unpeer");
  // The late listen was dropped, not opened behind the caller's back.
  endpoint other;
  EXPECT_EQ(other.listen("127.0.0.1", port), port);
  EXPECT_NE(ep.listen("127.0.0.1", 0), 0);
}

TEST_F(CoreTimeout, InProcessPeeringFailsLateButCompletes) {
  endpoint other{short_calls()};
  core_hold hold{ep};
  EXPECT_FALSE(ep.peer(other));
  hold.release();
  expect_timeout_status(ss, "peer");
  // The request stayed queued: the peering happens once the core runs.
  EXPECT_TRUE(test::eventually([&] { return ep.peers().size() == 1; }));
  core_hold again{ep};
  EXPECT_FALSE(ep.unpeer(other));
  again.release();
  expect_timeout_status(ss, "unpeer");
}

TEST_F(CoreTimeout, SubscriptionsApplyLate) {
  core_hold hold{ep};
  auto sub = ep.make_subscriber({"/a"});
  sub.add_topic("/b", true);
  ep.forward({"/c"});
  hold.release();
  expect_timeout_status(ss, "make_subscriber");
  expect_timeout_status(ss, "add_topic");
  expect_timeout_status(ss, "forward");
  // The subscriber is live, with both topics, once the core caught up.
  endpoint other{short_calls()};
  ASSERT_TRUE(other.peer(ep));
  other.publish("/a", 1);
  other.publish("/b", 2);
  EXPECT_EQ(sub.get(2), (std::vector<data_message>{{"/a", 1}, {"/b", 2}}));
}

TEST_F(CoreTimeout, AttachMasterFailsWithTheTimeout) {
  core_hold hold{ep};
  auto m = ep.attach_master("s", backend::memory);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ec::request_timeout);
  hold.release();
  expect_timeout_status(ss, "peer_subscriptions");
  EXPECT_TRUE(ep.attach_master("s", backend::memory));
}

TEST_F(CoreTimeout, AttachCloneReportsItsLateSubscriptions) {
  core_hold hold{ep};
  // A clone subscribes as a subscriber does: late, but it does.
  auto c = ep.attach_clone("s", 0.1);
  ASSERT_TRUE(c);
  hold.release();
  expect_timeout_status(ss, "make_subscriber");
  expect_timeout_status(ss, "attach (watching store events)");
  endpoint other{short_calls()};
  auto m = other.attach_master("s", backend::memory);
  ASSERT_TRUE(m);
  m->put("k", 1);
  ASSERT_TRUE(other.peer(ep));
  EXPECT_TRUE(test::eventually([&] {
    auto x = c->get("k");
    return x && *x == data{1};
  }));
}

TEST(CoreTimeoutClock, AdvanceTimeReports) {
  endpoint ep{short_calls(false)};
  auto ss = ep.make_status_subscriber(true);
  core_hold hold{ep};
  ep.advance_time(timestamp{10s});
  hold.release();
  expect_timeout_status(ss, "advance_time");
  // The late step still ran.
  EXPECT_TRUE(test::eventually([&] { return ep.now() == timestamp{10s}; }));
}

TEST(CoreTimeoutShutdown, ShutDownIsNotATimeout) {
  endpoint ep{short_calls()};
  ep.shutdown();
  auto peers = ep.checked_peers();
  ASSERT_FALSE(peers);
  EXPECT_EQ(peers.error().code(), ec::unspecified);
  EXPECT_FALSE(ep.checked_listen("127.0.0.1", 0));
}
