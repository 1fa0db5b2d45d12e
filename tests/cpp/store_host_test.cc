// The store layer runs on a store_host of the test's own, without an
// endpoint or a core: store_host is all it needs (docs/architecture.md,
// "Layers"). Also what the endpoint relies on when it drives the store
// registry: sync_all names a store whose thread is stuck (advance_time
// reports that store as late), and stop_all ends every store once.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "broker/store.hh"
#include "store/backend_factory.hh"
#include "store/master_store.hh"
#include "store/store_host.hh"
#include "store/store_registry.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

/// Records what a store hands over. While held, every hand-over from the
/// store's thread (publications, store events) waits for release().
class test_host : public detail::store_host {
public:
  const node_id& id() const noexcept override { return id_; }

  bool publish(std::vector<detail::publish_request>& reqs) override {
    wait_if_held();
    std::lock_guard guard{mtx_};
    published_ += reqs.size();
    reqs.clear();
    return true;
  }

  std::shared_ptr<detail::subscriber_queue>
  add_subscriber(const filter_type&, size_t max_qsize) override {
    return std::make_shared<detail::subscriber_queue>(
      max_qsize, overflow_policy::drop_oldest);
  }

  void remove_subscriber(
    const std::shared_ptr<detail::subscriber_queue>& queue) override {
    queue->close();
    std::lock_guard guard{mtx_};
    ++removed_;
  }

  void deliver_local(topic t, std::vector<data> xs) override {
    wait_if_held();
    std::lock_guard guard{mtx_};
    for (auto& x : xs)
      events_.emplace_back(t, std::move(x));
  }

  std::shared_ptr<const detail::local_interest> watch_local(topic t) override {
    return std::make_shared<detail::local_interest>(std::move(t));
  }

  bool anyone_local(const detail::local_interest&) const noexcept override {
    return true;
  }

  detail::channel::settings channel_settings() const override {
    return {};
  }

  void report_error(error err) override {
    std::lock_guard guard{mtx_};
    errors_.push_back(std::move(err));
  }

  timestamp now() const override { return broker::now(); }

  /// Never fires: these tests set no expiries.
  void schedule_any(timestamp, std::function<void()>) override {}

  std::chrono::microseconds spin() const noexcept override { return 0us; }

  void hold() {
    std::lock_guard guard{mtx_};
    gate_ = {};
    held_ = gate_.get_future().share();
  }

  void release() {
    std::lock_guard guard{mtx_};
    if (held_.valid()) {
      gate_.set_value();
      held_ = {};
    }
  }

  std::vector<data_message> events() const {
    std::lock_guard guard{mtx_};
    return events_;
  }

  size_t removed() const {
    std::lock_guard guard{mtx_};
    return removed_;
  }

private:
  void wait_if_held() {
    std::shared_future<void> held;
    {
      std::lock_guard guard{mtx_};
      held = held_;
    }
    if (held.valid())
      held.wait();
  }

  node_id id_ = node_id::random();
  mutable std::mutex mtx_;
  std::promise<void> gate_;
  std::shared_future<void> held_;
  size_t published_ = 0;
  size_t removed_ = 0;
  std::vector<data_message> events_;
  std::vector<error> errors_;
};

std::shared_ptr<detail::master_store>
start_master(const std::shared_ptr<test_host>& host, const std::string& name,
             uint64_t object) {
  auto be = detail::make_backend(backend::memory, {});
  EXPECT_TRUE(be);
  auto master = std::make_shared<detail::master_store>(
    host, name, publisher_id{host->id(), object}, std::move(*be));
  master->start({topic{name} / topic::master_suffix()});
  return master;
}

class StoreHost : public ::testing::Test {
protected:
  ~StoreHost() override {
    host->release();
    stores.stop_all();
  }

  std::shared_ptr<test_host> host = std::make_shared<test_host>();
  detail::store_registry stores;
};

} // namespace

TEST_F(StoreHost, AMasterRunsWithoutACore) {
  auto master = start_master(host, "s", 1);
  stores.add(master);
  store handle{master};
  handle.put("k", 1);
  auto value = handle.get("k");
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, data{1});
  // Its events went to the host, on the store's event topic.
  ASSERT_TRUE(test::eventually([&] { return !host->events().empty(); }));
  EXPECT_EQ(get_topic(host->events().front()), topic::store_events() / "s");
}

TEST_F(StoreHost, SyncAllNamesAStoreThatIsStuck) {
  stores.add(start_master(host, "idle", 1));
  auto busy = start_master(host, "busy", 2);
  stores.add(busy);
  EXPECT_EQ(stores.sync_all(5s), "");
  host->hold();
  store{busy}.put("k", 1); // Its event waits in the host.
  EXPECT_EQ(stores.sync_all(50ms), "busy");
  host->release();
  EXPECT_EQ(stores.sync_all(5s), "");
}

TEST_F(StoreHost, StopAllStopsEveryStoreOnceFromAnyNumberOfThreads) {
  auto a = start_master(host, "a", 1);
  auto b = start_master(host, "b", 2);
  stores.add(a);
  stores.add(b);
  std::thread other{[&] { stores.stop_all(); }};
  stores.stop_all();
  // Whichever call did the work, both return only once it is done: both
  // stores let go of their subscriptions, which they do last.
  EXPECT_EQ(host->removed(), 2u);
  other.join();
  EXPECT_TRUE(a->stopped());
  EXPECT_TRUE(b->stopped());
  EXPECT_EQ(stores.find(frontend::master, "a"), nullptr);
  // A store added after the registry closed is stopped at once.
  auto late = start_master(host, "late", 3);
  stores.add(late);
  EXPECT_TRUE(late->stopped());
}
