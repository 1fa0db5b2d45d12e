// endpoint::shutdown() toward TCP peers: what was published before it
// reaches the peers (queued frames, then a BYE the peer answers after
// reading them), a peer that never answers delays it by at most
// broker.unpeer-timeout, and peer_subscriptions() lists only peers that
// messages are routed to.
#include <gtest/gtest.h>

#include <future>

#include "broker/broker.hh"
#include "format/peer_extensions.hh"
#include "raw_v1_peer.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::raw_v1_peer;

namespace {

configuration plain(std::initializer_list<std::pair<const char*, data>> kvs) {
  broker_options opts;
  opts.disable_ssl = true;
  configuration cfg{opts};
  cfg.set("broker.in-process-shortcut", false);
  for (auto& [key, value] : kvs)
    cfg.set(key, value);
  return cfg;
}

bool lists(endpoint& ep, const topic& t) {
  auto xs = ep.peer_subscriptions();
  return std::find(xs.begin(), xs.end(), t) != xs.end();
}

/// A BYE ping from the endpoint, answered or not; false once closed.
bool awaits_bye(raw_v1_peer& peer) {
  while (auto body = peer.await(static_cast<uint8_t>(format::msg_type::ping))) {
    format::node_view msg;
    if (format::read_node_message(body->data(), body->size(), msg)
        && format::is_bye(msg.payload, msg.payload_size))
      return true;
  }
  return false;
}

} // namespace

TEST(Shutdown, DeliversWhatWasPublishedBeforeIt) {
  constexpr count n = 100'000;
  endpoint receiver{plain({{"broker.subscriber-buffer-size", count{2 * n}}})};
  auto sub = receiver.make_subscriber({"/t"});
  auto port = receiver.listen("127.0.0.1", 0);
  ASSERT_NE(port, 0);
  count got = 0;
  {
    // A peer buffer that holds the whole burst: a slow receiver (a loaded
    // machine) must not trip the overflow policy, which is not under test.
    endpoint sender{plain({{"broker.peer-buffer-size", count{2 * n}}})};
    ASSERT_TRUE(sender.peer("127.0.0.1", port, 0s));
    ASSERT_TRUE(eventually([&] { return lists(sender, "/t"); }));
    for (count i = 0; i < n; ++i)
      sender.publish("/t", data{i});
    sender.shutdown();
  }
  // Everything the sender accepted before shutdown arrives, in order.
  while (got < n) {
    auto msg = sub.get(10s);
    ASSERT_TRUE(msg) << "after " << got << " of " << n << " messages";
    ASSERT_EQ(get_data(*msg), data{got});
    ++got;
  }
}

TEST(Shutdown, APeerThatNeverAnswersByeDelaysItAtMostTheUnpeerTimeout) {
  endpoint ep{plain({{"broker.unpeer-timeout", "200ms"}})};
  auto port = ep.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake({"/t"}));
  ASSERT_TRUE(peer.answer_probe());
  ASSERT_TRUE(eventually([&] { return lists(ep, "/t"); }));
  peer.stop_answering();
  auto done = std::async(std::launch::async, [&ep] { ep.shutdown(); });
  EXPECT_TRUE(awaits_bye(peer));
  // Unanswered, the endpoint gives up after its unpeer timeout and closes.
  EXPECT_TRUE(peer.closed_by_peer());
  EXPECT_EQ(done.wait_for(10s), std::future_status::ready);
}

TEST(Shutdown, AnAnsweredByeEndsItAtOnce) {
  endpoint ep{plain({{"broker.unpeer-timeout", "1h"}})};
  auto port = ep.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  ASSERT_TRUE(peer.handshake({"/t"}));
  ASSERT_TRUE(peer.answer_probe());
  ASSERT_TRUE(eventually([&] { return lists(ep, "/t"); }));
  auto done = std::async(std::launch::async, [&ep] { ep.shutdown(); });
  // raw_v1_peer answers every ping, the BYE included.
  EXPECT_TRUE(awaits_bye(peer));
  EXPECT_TRUE(peer.closed_by_peer());
  EXPECT_EQ(done.wait_for(10s), std::future_status::ready);
}

TEST(Shutdown, PeerSubscriptionsWaitForTheExtensionProbe) {
  endpoint ep{plain({})};
  auto port = ep.listen("127.0.0.1", 0);
  raw_v1_peer peer{port};
  peer.stop_answering();
  ASSERT_TRUE(peer.handshake({"/t"}));
  ASSERT_TRUE(peer.answer_probe()); // Receives the probe, answers nothing.
  // The handshake carried the filter and the peer is known, but the
  // endpoint routes nothing to it until the probe is answered: it does not
  // list the filter yet.
  ASSERT_TRUE(eventually([&] { return ep.peers().size() == 1; }));
  EXPECT_EQ(ep.peers()[0].status, peer_status::connecting);
  EXPECT_TRUE(ep.peer_subscriptions().empty());
}
