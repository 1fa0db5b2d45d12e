// The peer overflow policies drop_oldest and drop_newest, toward a TCP peer
// that stops reading and toward an in-process peer whose core is stuck:
// which messages survive, in which order, and that every drop is reported.
// (tcp_test.cc covers `disconnect`.)
#include <gtest/gtest.h>

#include <poll.h>

#include <atomic>
#include <thread>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include "broker/broker.hh"
#include "format/frame.hh"
#include "format/data_reader.hh"
#include "raw_v1_peer.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

constexpr size_t bound = 2000;

configuration with_policy(const char* policy) {
  configuration cfg;
  cfg.set("broker.in-process-shortcut", false);
  cfg.options().disable_ssl = true;
  cfg.set("broker.peer-buffer-size", count{bound});
  cfg.set("broker.peer-overflow-policy", policy);
  // Batches well below the bound, as with the default settings (a batch
  // larger than the bound would overflow an idle connection at once).
  cfg.set("broker.core-inbox-size", count{256});
  return cfg;
}

/// The number carried by a benchmark-style message `[i, payload]`.
count number_of(const data& x) {
  auto& xs = get<vector>(x);
  return get<count>(xs[0]);
}

/// A peer speaking v1 from a raw socket: completes the handshake with the
/// filter /t, answers the extension probe, and reads only when asked to.
class raw_peer {
public:
  explicit raw_peer(uint16_t port) : peer_(port) {
    EXPECT_TRUE(peer_.handshake({"/t"}));
    EXPECT_TRUE(peer_.answer_probe());
  }

  /// Reads data messages until one carries a number of at least `last`
  /// (empty result after 10 s without input); their numbers in order.
  std::vector<count> read_until(count last) {
    std::vector<count> result;
    for (;;) {
      auto body = peer_.await(static_cast<uint8_t>(format::msg_type::data));
      format::node_view msg;
      if (!body || !format::read_node_message(body->data(), body->size(), msg))
        return {};
      auto value = format::decode(msg.payload, msg.payload_size);
      if (!value)
        return {};
      result.push_back(number_of(*value));
      if (result.back() >= last)
        return result;
    }
  }

private:
  test::raw_v1_peer peer_;
};

/// Publishes messages 0..n-1 of 1 KiB each (more than the socket buffers
/// and the bound hold together).
void publish_numbered(endpoint& ep, count n) {
  const std::string payload(1024, 'x');
  for (count i = 0; i < n; ++i)
    ep.publish("/t", vector{i, payload});
}

/// Sums the drops the error statuses reported for the peer buffer.
size_t reported_drops(status_subscriber& ss, const char* policy) {
  size_t total = 0;
  for (auto& x : ss.poll()) {
    auto err = get_if<error>(&x);
    if (!err || err->message().find("peer buffer full") == std::string::npos)
      continue;
    EXPECT_NE(err->message().find(policy), std::string::npos)
      << err->message();
    total += std::stoul(err->message().substr(err->message().find("dropped ")
                                              + 8));
  }
  return total;
}

/// True if the last `k` numbers of `xs` are the last `k` of 0..n-1: what
/// waited at the bound when the reader started are the newest messages.
bool ends_with_the_newest(const std::vector<count>& xs, size_t k, count n) {
  if (xs.size() < k)
    return false;
  for (size_t i = 0; i < k; ++i)
    if (xs[xs.size() - k + i] != n - k + i)
      return false;
  return true;
}

bool increasing(const std::vector<count>& xs) {
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i] <= xs[i - 1])
      return false;
  return true;
}

} // namespace

TEST(PeerOverflow, DropOldestTowardTcpKeepsTheNewest) {
  endpoint a{with_policy("drop_oldest")};
  auto ss = a.make_status_subscriber(true);
  raw_peer peer{a.listen("127.0.0.1", 0)};
  ASSERT_EQ(test::next_of<status>(ss).code(), sc::peer_added);
  const count n = 40'000;
  publish_numbered(a, n);
  auto got = peer.read_until(n - 1); // the newest message is never dropped
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), n - 1);
  EXPECT_LT(got.size(), n);
  EXPECT_TRUE(increasing(got));
  EXPECT_TRUE(ends_with_the_newest(got, bound, n));
  // What went missing is exactly what was reported (before the newest
  // message went out), and the peering stays.
  EXPECT_EQ(reported_drops(ss, "drop_oldest"), n - got.size());
  EXPECT_EQ(a.peers().size(), 1u);
}

TEST(PeerOverflow, DropNewestTowardTcpKeepsTheOldest) {
  endpoint a{with_policy("drop_newest")};
  auto ss = a.make_status_subscriber(true);
  raw_peer peer{a.listen("127.0.0.1", 0)};
  ASSERT_EQ(test::next_of<status>(ss).code(), sc::peer_added);
  const count n = 40'000;
  publish_numbered(a, n);
  // Markers after the burst: the first that finds room ends the read.
  std::atomic<bool> done{false};
  std::thread markers{[&] {
    for (count i = n; !done; ++i) {
      a.publish("/t", vector{i, "marker"});
      std::this_thread::sleep_for(10ms); // pacing, not synchronisation
    }
  }};
  auto got = peer.read_until(n);
  done = true;
  markers.join();
  ASSERT_GT(got.size(), 1u);
  EXPECT_TRUE(increasing(got));
  // The oldest arrived; the newest of the burst were dropped.
  EXPECT_EQ(got[0], 0u);
  EXPECT_LT(got[got.size() - 2], n - 1);
  EXPECT_GE(reported_drops(ss, "drop_newest"), n - (got.size() - 1));
}

TEST(PeerOverflow, DropOldestTowardAStuckInProcessPeer) {
  auto cfg_a = with_policy("drop_oldest");
  endpoint a{std::move(cfg_a)};
  // b's core blocks on its one subscriber (policy `block`) until it is read,
  // so a's batches pile up in b's inbox.
  configuration cfg_b;
  cfg_b.set("broker.subscriber-buffer-size", count{100});
  cfg_b.set("broker.subscriber-overflow-policy", "block");
  endpoint b{std::move(cfg_b)};
  auto sub = b.make_subscriber({"/t"}, 100);
  auto ss = a.make_status_subscriber(true);
  ASSERT_TRUE(a.peer(b));
  const count n = 20'000;
  for (count i = 0; i < n; ++i)
    a.publish("/t", vector{i, "x"});
  ASSERT_TRUE(test::eventually([&] { return ss.available() > 0; }));
  std::vector<count> got;
  while (got.empty() || got.back() != n - 1) {
    auto msg = sub.get(10s);
    ASSERT_TRUE(msg) << "after " << got.size() << " messages";
    got.push_back(number_of(get_data(*msg)));
  }
  EXPECT_LT(got.size(), n);
  EXPECT_TRUE(increasing(got));
  EXPECT_TRUE(ends_with_the_newest(got, bound, n));
  EXPECT_EQ(reported_drops(ss, "drop_oldest"), n - got.size());
}

// broker.peer-buffer-bytes: the same policies bound the bytes waiting
// toward a TCP peer, whatever the message count allows.
namespace {

constexpr count byte_bound = 256 * 1024;

configuration with_byte_bound(const char* policy) {
  auto cfg = with_policy(policy);
  cfg.set("broker.peer-buffer-size", count{1'000'000});
  cfg.set("broker.peer-buffer-bytes", byte_bound);
  return cfg;
}

} // namespace

TEST(PeerOverflow, ByteBoundWithDropOldestKeepsTheNewest) {
  endpoint a{with_byte_bound("drop_oldest")};
  auto ss = a.make_status_subscriber(true);
  raw_peer peer{a.listen("127.0.0.1", 0)};
  ASSERT_EQ(test::next_of<status>(ss).code(), sc::peer_added);
  const count n = 40'000;
  publish_numbered(a, n);
  auto got = peer.read_until(n - 1);
  ASSERT_FALSE(got.empty());
  EXPECT_TRUE(increasing(got));
  // About byte_bound / 1 KiB of the newest waited at the bound.
  EXPECT_TRUE(ends_with_the_newest(got, byte_bound / 1100, n));
  EXPECT_LT(got.size(), n);
  EXPECT_EQ(reported_drops(ss, "drop_oldest"), n - got.size());
  EXPECT_EQ(a.peers().size(), 1u);
}

TEST(PeerOverflow, ByteBoundWithDisconnectDropsThePeer) {
  endpoint a{with_byte_bound("disconnect")};
  auto ss = a.make_status_subscriber(true);
  raw_peer peer{a.listen("127.0.0.1", 0)};
  ASSERT_EQ(test::next_of<status>(ss).code(), sc::peer_added);
  publish_numbered(a, 40'000);
  EXPECT_EQ(test::next_of<status>(ss).code(), sc::peer_removed);
  EXPECT_TRUE(a.peers().empty());
}
