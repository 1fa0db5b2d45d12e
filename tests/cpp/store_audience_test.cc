// A store skips the events no local subscriber reads and the updates no
// peer can receive (docs/stores.md#skipped-work). These tests make sure
// that skipping never loses anything a reader could have seen: readers
// that arrive late, topics added without blocking, clones that peer after
// the writes or come back after an unpeer, and a clone sent an action by
// someone other than its master.
#include <gtest/gtest.h>

#include "broker/broker.hh"
#include "format/internal_command.hh"
#include "store_util.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;
using broker::test::eventually;
using broker::test::value_at;

namespace {

topic events_of(const std::string& store_name) {
  return topic::store_events() / store_name;
}

/// The next event at `events` is an update from `old_value` to `new_value`.
void expect_update(subscriber& events, const data& old_value,
                   const data& new_value) {
  auto x = events.get(10s);
  ASSERT_TRUE(x);
  auto upd = store_event::update::make(get_data(*x));
  ASSERT_TRUE(upd) << to_string(*x);
  EXPECT_EQ(upd.old_value(), old_value);
  EXPECT_EQ(upd.new_value(), new_value);
}

/// A memory master `name` on `a` and its clone on `b`, which peered with
/// `a` first; `first_key` written and seen by the clone.
struct master_and_clone {
  master_and_clone(const std::string& name, const data& first_key,
                   const data& first_value)
    : peered(b.peer(a)),
      m(*a.attach_master(name, backend::memory)),
      c(*b.attach_clone(name)) {
    m.put(first_key, first_value);
    in_sync = eventually([&] { return value_at(c, first_key) == first_value; });
  }

  endpoint a;
  endpoint b;
  bool peered;
  store m;
  store c;
  bool in_sync = false;
};

} // namespace

TEST(StoreAudience, SubscriberAddedAfterWritesSeesTheNextEvent) {
  endpoint ep;
  auto m = *ep.attach_master("late", backend::memory);
  m.put("k", 1); // nobody listens: no event built
  ASSERT_EQ(value_at(m, "k"), data{1});
  auto events = ep.make_subscriber({events_of("late")});
  m.put("k", 2);
  expect_update(events, data{1}, data{2});
  EXPECT_EQ(events.available(), 0u);
}

TEST(StoreAudience, TopicAddedWithoutBlockingSeesTheNextEvent) {
  endpoint ep;
  auto m = *ep.attach_master("nb", backend::memory);
  auto sub = ep.make_subscriber({"/unrelated"});
  sub.add_topic(events_of("nb"), false);
  m.put("k", 1);
  auto x = sub.get(10s);
  ASSERT_TRUE(x);
  EXPECT_TRUE(store_event::insert::make(get_data(*x)));
}

TEST(StoreAudience, EventsStopAndResumeWithTheirReaders) {
  endpoint ep;
  auto m = *ep.attach_master("resume", backend::memory);
  {
    auto first = ep.make_subscriber({events_of("resume")});
    m.put("a", 1);
    ASSERT_TRUE(first.get(10s));
  }
  m.put("b", 2); // the reader is gone
  ASSERT_EQ(value_at(m, "b"), data{2});
  auto second = ep.make_subscriber({topic::store_events()});
  m.erase("a");
  auto x = second.get(10s);
  ASSERT_TRUE(x);
  auto erased = store_event::erase::make(get_data(*x));
  ASSERT_TRUE(erased) << to_string(*x);
  EXPECT_EQ(erased.key(), data{"a"});
}

TEST(StoreAudience, CloneEventsFollowTheirReaders) {
  master_and_clone s{"ce", "k", 1};
  ASSERT_TRUE(s.peered);
  ASSERT_TRUE(s.in_sync);
  auto events = s.b.make_subscriber({events_of("ce")});
  s.m.put("k", 2);
  expect_update(events, data{1}, data{2});
}

TEST(StoreAudience, ClonePeeredAfterTheWritesGetsThemAll) {
  endpoint a;
  endpoint b;
  auto m = *a.attach_master("after", backend::memory);
  for (int i = 0; i < 100; ++i)
    m.put(i, i); // no peer: no updates broadcast
  m.increment("n", count{5});
  ASSERT_EQ(value_at(m, "n"), data{count{5}});
  ASSERT_TRUE(b.peer(a));
  auto c = *b.attach_clone("after");
  ASSERT_TRUE(eventually([&] { return value_at(c, 99) == data{99}; }));
  EXPECT_EQ(value_at(c, "n"), data{count{5}});
  m.put("live", 1); // now there is a peer: a numbered update
  ASSERT_TRUE(eventually([&] { return value_at(c, "live") == data{1}; }));
}

TEST(StoreAudience, WritesWhileUnpeeredReachTheCloneAfterRepeering) {
  master_and_clone s{"gap", "before", 1};
  ASSERT_TRUE(s.peered);
  ASSERT_TRUE(s.in_sync);
  auto &a = s.a, &b = s.b;
  auto &m = s.m, &c = s.c;
  ASSERT_TRUE(b.unpeer(a));
  ASSERT_TRUE(eventually([&] { return a.peers().empty(); }));
  m.put("while-apart", 2); // skipped broadcast, sequence number advances
  m.erase("before");
  ASSERT_EQ(value_at(m, "while-apart"), data{2});
  ASSERT_TRUE(b.peer(a));
  ASSERT_TRUE(eventually([&] {
    auto ks = c.keys();
    return ks && *ks == data{set{"while-apart"}};
  }));
  m.put("after", 3);
  ASSERT_TRUE(eventually([&] { return value_at(c, "after") == data{3}; }));
  EXPECT_EQ(*c.keys(), (data{set{"while-apart", "after"}}));
}

// A clone takes actions from its master only: a put that names another
// sender is ignored, even with the sequence number the clone waits for.
// If the clone applied it, the key "forged" would stay in its copy.
TEST(StoreAudience, CloneIgnoresActionsFromAnotherSender) {
  master_and_clone s{"seq", "k1", 1};
  ASSERT_TRUE(s.peered);
  ASSERT_TRUE(s.in_sync);
  auto& a = s.a;
  auto &m = s.m, &c = s.c;
  format::internal_command forged;
  forged.seq = 3; // the master's next action after k1 (seq 2)
  forged.sender = format::entity_id{a.node_id(), 4711};
  forged.content = format::put_command{"forged", 1, std::nullopt,
                                       forged.sender};
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(format::write_internal_command(forged, bytes));
  a.publish(detail::make_command_message(
    format::store_clone_topic("seq"), std::string{bytes.begin(), bytes.end()}));
  m.put("k2", 2);
  m.put("k3", 3);
  ASSERT_TRUE(eventually([&] {
    auto ks = c.keys();
    return ks && *ks == data{set{"k1", "k2", "k3"}};
  }));
  EXPECT_EQ(value_at(c, "k2"), data{2});
}
