// The subscriber queue's readiness descriptor under a concurrent producer:
// a reader that waits only on the descriptor never misses a message, and
// the descriptor goes dark once everything is taken.

#include <gtest/gtest.h>

#include <poll.h>

#include <thread>
#include <vector>

#include "runtime/subscriber_queue.hh"

using namespace broker;
using broker::detail::subscriber_queue;

namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

std::vector<data_message> one_message(count i) {
  return {make_data_message("/t", i)};
}

} // namespace

TEST(SubscriberQueue, FdGoesDarkWhenDrained) {
  subscriber_queue q{100, overflow_policy::drop_oldest};
  EXPECT_FALSE(readable(q.fd(), 0));
  auto batch = one_message(1);
  q.push(batch);
  EXPECT_TRUE(readable(q.fd(), 0));
  EXPECT_EQ(q.pop_all().size(), 1u);
  EXPECT_FALSE(readable(q.fd(), 0));
  // Taking from an empty queue keeps it dark.
  EXPECT_TRUE(q.pop_all().empty());
  EXPECT_FALSE(readable(q.fd(), 0));
}

TEST(SubscriberQueue, FdReaderMissesNothingUnderConcurrentPushes) {
  constexpr count n = 20000;
  subscriber_queue q{n, overflow_policy::drop_oldest};
  std::thread producer{[&] {
    for (count i = 0; i < n; ++i) {
      auto batch = one_message(i);
      q.push(batch);
    }
  }};
  count expected = 0;
  bool stalled = false;
  while (expected < n && !stalled) {
    // A lost wake-up would leave the descriptor dark with messages queued.
    if (!readable(q.fd(), 10000)) {
      stalled = true;
      break;
    }
    for (auto& msg : q.pop_all())
      EXPECT_EQ(get<count>(msg.get_data()), expected++);
  }
  producer.join();
  EXPECT_FALSE(stalled) << "descriptor dark after " << expected << " messages";
  EXPECT_EQ(expected, n);
  q.pop_all();
  EXPECT_FALSE(readable(q.fd(), 0));
}
