// The shared message type and the hand-off structures under it: recycled
// message blocks (src/data/message_pool.cc) and the inbox's lock-free ring.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "broker/message.hh"
#include "core/mpsc_ring.hh"

using namespace broker;

namespace {

data payload(size_t i, size_t text_len) {
  return vector{count{i}, std::string(text_len, static_cast<char>('a' + i % 26)),
                real{0.5 * static_cast<double>(i)}};
}

bool has_payload(const data_message& msg, size_t i, size_t text_len) {
  return msg.get_topic().string() == "/t/" + std::to_string(i % 7)
         && msg.get_data() == payload(i, text_len);
}

} // namespace

TEST(Message, DefaultIsEmpty) {
  data_message msg;
  EXPECT_EQ(msg.get_topic().string(), "");
  EXPECT_EQ(msg.get_data(), data{});
  EXPECT_TRUE(msg.unique());
  EXPECT_EQ(msg.take_data(), data{});
}

TEST(Message, CopiesShareAndTakeCopiesWhileShared) {
  data_message msg{"/a", vector{count{1}, "x"}};
  auto copy = msg;
  EXPECT_FALSE(msg.unique());
  EXPECT_EQ(copy, msg);
  auto taken = copy.take_data();
  EXPECT_EQ(taken, (vector{count{1}, "x"}));
  EXPECT_EQ(msg.get_data(), taken); // Shared: copied, not moved.
  copy = data_message{};
  EXPECT_TRUE(msg.unique());
  EXPECT_EQ(move_data(msg), taken); // Unique: moved out.
}

TEST(Message, MovedFromIsEmptyAndAssignable) {
  data_message a{"/a", 1};
  data_message b{std::move(a)};
  EXPECT_EQ(b.get_topic().string(), "/a");
  a = b;
  EXPECT_EQ(a.get_data(), data{1});
  a = std::move(a); // Self-move leaves the value alone.
  EXPECT_EQ(a.get_data(), data{1});
}

// Blocks travel from a producing thread to a consuming thread and back
// through the pool; every message must keep exactly its own content, both
// for small content (kept in recycled blocks) and large (freed at once).
TEST(Message, RecycledBlocksKeepContentsApart) {
  for (size_t text_len : {size_t{10}, size_t{2000}}) {
    constexpr size_t n = 50'000;
    std::mutex mtx;
    std::deque<data_message> queue;
    std::atomic<bool> done{false};
    size_t bad = 0;
    size_t seen = 0;
    std::thread consumer{[&] {
      for (;;) {
        std::deque<data_message> got;
        {
          std::lock_guard guard{mtx};
          got.swap(queue);
        }
        for (auto& msg : got)
          bad += has_payload(msg, seen++, text_len) ? 0 : 1;
        if (got.empty() && done.load())
          break;
        if (got.empty())
          std::this_thread::yield();
      }
    }};
    for (size_t i = 0; i < n; ++i) {
      data_message msg{"/t/" + std::to_string(i % 7), payload(i, text_len)};
      std::lock_guard guard{mtx};
      queue.emplace_back(std::move(msg));
    }
    done = true;
    consumer.join();
    EXPECT_EQ(seen, n);
    EXPECT_EQ(bad, 0u);
    detail::flush_message_pool();
  }
}

TEST(MpscRing, ReportsFullAndEmpty) {
  detail::mpsc_ring<int> ring{3}; // Rounded up to 4.
  EXPECT_EQ(ring.capacity(), 4u);
  int out = 0;
  EXPECT_FALSE(ring.try_pop(out));
  for (int i = 0; i < 4; ++i) {
    int x = i;
    EXPECT_TRUE(ring.try_push(x));
  }
  int extra = 9;
  EXPECT_FALSE(ring.has_room());
  EXPECT_FALSE(ring.try_push(extra));
  ASSERT_TRUE(ring.try_pop(out));
  EXPECT_EQ(out, 0);
  EXPECT_TRUE(ring.try_push(extra));
  for (int expected : {1, 2, 3, 9}) {
    ASSERT_TRUE(ring.try_pop(out));
    EXPECT_EQ(out, expected);
  }
  EXPECT_FALSE(ring.try_pop(out));
}

// Several producers push through a small ring (many laps, frequent "full");
// the one consumer sees every item once, each producer's items in order.
TEST(MpscRing, ManyProducersExactlyOnceInOrder) {
  constexpr int producers = 4;
  constexpr int per_producer = 100'000;
  detail::mpsc_ring<std::pair<int, int>> ring{64};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&ring, p] {
      for (int i = 0; i < per_producer; ++i) {
        std::pair<int, int> x{p, i};
        while (!ring.try_push(x))
          std::this_thread::yield();
      }
    });
  std::vector<int> next(producers, 0);
  int received = 0;
  int out_of_order = 0;
  std::pair<int, int> item;
  while (received < producers * per_producer) {
    if (!ring.try_pop(item)) {
      std::this_thread::yield();
      continue;
    }
    out_of_order += item.second == next[item.first] ? 0 : 1;
    next[item.first] = item.second + 1;
    ++received;
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(out_of_order, 0);
  EXPECT_FALSE(ring.try_pop(item));
}
