// The manual's C++ snippets (§2.2), compiled as written (modulo the remote
// peer, which is another endpoint of this process here).
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "broker/broker.hh"
#include "broker/zeek.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

bool eventually_available(status_subscriber& ss) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (ss.available() == 0)
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    else
      std::this_thread::sleep_for(1ms);
  return true;
}

// The manual's visitor (§2.3.2), printing to a stream instead of stdout.
struct visitor {
  using result_type = void;
  std::ostream& out;
  template <class T>
  result_type operator()(const T&) const {
    out << ":-(";
  }
  result_type operator()(real r) const { out << r; }
  result_type operator()(integer i) const { out << i; }
};

} // namespace

TEST(ManualSnippets, StatusSubscriberErrorAndStatusHandling) {
  endpoint ep;
  endpoint other;
  auto ss = ep.make_status_subscriber(true); // Get status updates and errors.
  ASSERT_TRUE(ep.peer(other));
  std::ostringstream out;
  auto s = ss.get();
  if (auto err = caf::get_if<error>(&s))
    out << "Broker error:" << err->code() << ", " << to_string(*err);
  if (auto st = caf::get_if<status>(&s)) {
    if (auto ctx = st->context<endpoint_info>())
      out << "Broker status update regarding "
          << (ctx->network ? ctx->network->address : "<in-process>") << ":"
          << to_string(*st);
  }
  EXPECT_NE(out.str().find("peer_added"), std::string::npos) << out.str();
}

TEST(ManualSnippets, ErrorOnlySubscriber) {
  endpoint ep;
  endpoint stranger;
  auto ss = ep.make_status_subscriber();
  ep.unpeer(stranger);
  ASSERT_TRUE(eventually_available(ss));
  auto ss_res = ss.get();
  auto err = caf::get<error>(ss_res); // Won't block now.
  EXPECT_EQ(err.code(), ec::peer_invalid);
}

TEST(ManualSnippets, PingPongWithZeekEvents) {
  endpoint ep;
  endpoint zeek_side; // answers ping(n) with pong(n), as ping.zeek does
  auto zeek_sub = zeek_side.make_subscriber({"/topic/test"});
  auto sub = ep.make_subscriber({"/topic/test"});
  auto ss = ep.make_status_subscriber(true);
  ASSERT_TRUE(ep.peer(zeek_side));
  auto ss_res = ss.get();
  auto st = caf::get_if<status>(&ss_res);
  ASSERT_TRUE(st && st->code() == sc::peer_added);
  std::thread responder([&] {
    for (int n = 0; n < 5; ++n) {
      zeek::Event ping(move_data(zeek_sub.get()));
      zeek_side.publish("/topic/test", zeek::Event("pong", ping.args()));
    }
  });
  std::ostringstream out;
  for (int n = 0; n < 5; ++n) {
    zeek::Event ping("ping", {n});
    ep.publish("/topic/test", ping);
    auto msg = sub.get();
    zeek::Event pong(move_data(msg));
    out << "received " << pong.name() << pong.args() << '\n';
  }
  responder.join();
  EXPECT_EQ(out.str(), "received pong(0)\nreceived pong(1)\nreceived "
                       "pong(2)\nreceived pong(3)\nreceived pong(4)\n");
}

TEST(ManualSnippets, Visitor) {
  std::ostringstream out;
  auto x = data{42};
  visit(visitor{out}, x);
  x = 4.2;
  visit(visitor{out}, x);
  x = "42";
  visit(visitor{out}, x);
  EXPECT_EQ(out.str(), "424.2:-(");
}
