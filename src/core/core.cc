#include "core/core.hh"

#include <pthread.h>

#include <algorithm>

#include "broker/convert.hh"
#include "broker/defaults.hh"
#include "core/registry.hh"
#include "core/spin_loop.hh"
#include "store/store_registry.hh"
#include "net/connection.hh"

namespace broker::detail {

namespace {

overflow_policy policy_setting(const configuration& cfg, std::string_view key,
                               overflow_policy fallback) {
  overflow_policy result = fallback;
  auto str = cfg.get_string(key, "");
  if (!str.empty() && !convert(str, result))
    return fallback;
  return result;
}

/// Adds `x` to a list of weak references, pruning dead entries as the list
/// grows so that it stays proportional to the live objects.
template <class T>
void remember(std::vector<std::weak_ptr<T>>& xs, const std::shared_ptr<T>& x) {
  if (xs.size() >= 64 && (xs.size() & (xs.size() - 1)) == 0)
    xs.erase(std::remove_if(xs.begin(), xs.end(),
                            [](auto& w) { return w.expired(); }),
             xs.end());
  xs.emplace_back(x);
}

bool bool_setting(const configuration& cfg, std::string_view key,
                  bool fallback) {
  auto x = cfg.get(key);
  auto b = x ? get_if<boolean>(*x) : nullptr;
  return b ? *b : fallback;
}

net::connection_timing timing_settings(const configuration& cfg) {
  using std::chrono::duration_cast;
  using ms = std::chrono::milliseconds;
  net::connection_timing result;
  auto get = [&cfg](const char* key, ms fallback) {
    return duration_cast<ms>(cfg.get_timespan(key, fallback));
  };
  result.handshake_timeout = get("broker.handshake-timeout",
                                 result.handshake_timeout);
  result.heartbeat_interval = std::max(
    ms{1}, get("broker.heartbeat-interval", result.heartbeat_interval));
  result.peer_timeout = get("broker.peer-timeout", result.peer_timeout);
  result.bye_timeout = get("broker.unpeer-timeout", result.bye_timeout);
  result.routing_update_limit = static_cast<uint32_t>(
    std::min<count>(UINT32_MAX, cfg.get_count("broker.routing-update-limit",
                                               result.routing_update_limit)));
  return result;
}

} // namespace

core::core(configuration cfg)
  : cfg_(std::move(cfg)),
    id_(node_id::random()),
    ttl_(static_cast<uint16_t>(std::clamp<unsigned>(cfg_.options().ttl, 1,
                                                    UINT16_MAX))),
    forward_(cfg_.options().forward),
    real_time_(cfg_.options().use_real_time),
    subscriber_buffer_(cfg_.get_count("broker.subscriber-buffer-size",
                                      defaults::subscriber_buffer_size)),
    subscriber_policy_(policy_setting(cfg_, "broker.subscriber-overflow-policy",
                                      overflow_policy::drop_oldest)),
    peer_buffer_(cfg_.get_count("broker.peer-buffer-size",
                                defaults::peer_buffer_size)),
    peer_policy_(policy_setting(cfg_, "broker.peer-overflow-policy",
                                overflow_policy::disconnect)),
    spin_(cfg_.get_count("broker.core-spin-us", defaults::core_spin_us)),
    timing_(timing_settings(cfg_)),
    shortcut_(bool_setting(cfg_, "broker.in-process-shortcut", true)),
    inbox_(cfg_.get_count("broker.core-inbox-size", defaults::core_inbox_size),
           [this] { post([this] { drain(); }); }),
    stores_(std::make_unique<store_registry>()) {}

core::~core() {
  shutdown();
}

void core::start() {
  std::lock_guard guard{lifecycle_mtx_};
  if (started_)
    return;
  started_ = true;
  registry::add(id_, weak_from_this());
  work_.emplace(io_.get_executor());
  thread_ = std::thread{[this] {
    // Named for `top -H`, perf and debuggers (at most 15 characters).
    pthread_setname_np(pthread_self(), "broker-core");
    run_loop();
  }};
}

void core::run_loop() {
  run_spinning(io_, spin_);
}

void core::shutdown() {
  std::lock_guard guard{lifecycle_mtx_};
  if (stopped_.load() || !started_)
    return;
  // Stores first: they publish through the core until they are gone.
  stores_->stop_all();
  if (stopped_.exchange(true))
    return;
  registry::remove(id_);
  // Release everyone who may wait on us: producers waiting for room in the
  // inbox, and a core blocked on a full subscriber (`block` policy).
  inbox_.close();
  {
    std::lock_guard wguard{workers_mtx_};
    for (auto& weak : all_queues_)
      if (auto queue = weak.lock())
        queue->close();
    all_queues_.clear();
    for (auto& weak : all_publishers_)
      if (auto state = weak.lock())
        state->close();
    all_publishers_.clear();
  }
  std::promise<void> done;
  auto fut = done.get_future();
  asio::post(io_, [this, &done] {
    stop_on_core_thread();
    done.set_value();
  });
  fut.wait();
  work_.reset();
  io_.stop();
  if (thread_.joinable())
    thread_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard wguard{workers_mtx_};
    workers.swap(workers_);
  }
  for (auto& w : workers)
    if (w.joinable())
      w.join();
  // The thread is gone: drop what other cores may still hold references to.
  peers_.clear();
  peer_index_by_id_.clear();
  handshakes_.clear();
  conn_slots_.clear();
  committing_.clear();
  acceptor_.reset();
  timers_.clear();
}

void core::stop_on_core_thread() {
  if (acceptor_) {
    std::error_code ec;
    acceptor_->close(ec);
  }
  for (auto& [ptr, hs] : handshakes_)
    hs.conn->close();
  for (auto& slot : peers_)
    if (slot.conn)
      slot.conn->close();
  for (auto& slot : peers_) {
    if (!slot.remote)
      continue;
    auto me = id_;
    auto remote = slot.remote;
    remote->post([target = remote.get(), me] { target->on_peer_gone(me); });
    slot.remote.reset();
  }
  for (auto& slot : subs_)
    if (slot.queue)
      slot.queue->close();
}

// -- subscribers ---------------------------------------------------------------

std::shared_ptr<subscriber_queue>
core::add_subscriber(const filter_type& topics, size_t max_qsize) {
  auto queue = std::make_shared<subscriber_queue>(
    std::max(max_qsize, subscriber_buffer_), subscriber_policy_);
  {
    std::lock_guard guard{workers_mtx_};
    remember(all_queues_, queue);
  }
  auto apply = [this, queue, topics] {
    uint32_t slot;
    if (free_subs_.empty()) {
      slot = static_cast<uint32_t>(subs_.size());
      subs_.emplace_back();
    } else {
      slot = free_subs_.back();
      free_subs_.pop_back();
    }
    auto& entry = subs_[slot];
    entry.queue = queue;
    entry.topics.clear();
    for (auto& t : topics)
      if (std::find(entry.topics.begin(), entry.topics.end(), t)
          == entry.topics.end())
        entry.topics.emplace_back(t);
    for (auto& t : entry.topics)
      local_routes_.add(t.string(), slot);
    local_routes_changed();
    sub_index_.emplace(queue.get(), slot);
    extend_filter(entry.topics);
    return true;
  };
  if (!call(apply))
    queue->close(); // The endpoint is gone: a subscriber that never fires.
  return queue;
}

void core::remove_subscriber(const std::shared_ptr<subscriber_queue>& queue) {
  queue->close();
  if (stopped_)
    return;
  post([this, queue] {
    auto i = sub_index_.find(queue.get());
    if (i == sub_index_.end())
      return;
    auto slot = i->second;
    sub_index_.erase(i);
    local_routes_.remove_all(slot);
    local_routes_changed();
    subs_[slot] = subscriber_slot{};
    free_subs_.push_back(slot);
  });
}

void core::update_subscriber(const std::shared_ptr<subscriber_queue>& queue,
                             topic t, bool add, bool block) {
  auto apply = [this, queue, t, add] {
    auto i = sub_index_.find(queue.get());
    if (i == sub_index_.end())
      return false;
    auto slot = i->second;
    auto& topics = subs_[slot].topics;
    auto pos = std::find(topics.begin(), topics.end(), t);
    if (add && pos == topics.end()) {
      topics.emplace_back(t);
      local_routes_.add(t.string(), slot);
      local_routes_changed();
      extend_filter(filter_type{t});
    } else if (!add && pos != topics.end()) {
      topics.erase(pos);
      local_routes_.remove(t.string(), slot);
      local_routes_changed();
    }
    return true;
  };
  if (block) {
    call(apply);
  } else if (stopped_) {
    return;
  } else if (!add) {
    post(apply);
  } else {
    // Until the core applied it, a store that asks must assume the new
    // topic is there (see anyone_local).
    pending_topic_adds_.fetch_add(1);
    post([this, apply] {
      apply();
      pending_topic_adds_.fetch_sub(1);
    });
  }
}

std::shared_ptr<const local_interest> core::watch_local(topic t) {
  auto result = std::make_shared<local_interest>(std::move(t));
  call([this, result] {
    remember(interests_, result);
    local_routes_changed();
    return true;
  });
  return result;
}

void core::local_routes_changed() {
  ++routes_version_;
  for (auto& weak : interests_) {
    auto x = weak.lock();
    if (!x)
      continue;
    bool any = false;
    local_routes_.for_each_match(x->watched().string(),
                                 [&any](uint32_t) { any = true; });
    x->set(any);
  }
}

// -- publishers and producers --------------------------------------------------

std::shared_ptr<publisher_state> core::add_publisher(topic t) {
  auto state = std::make_shared<publisher_state>(std::move(t),
                                                 defaults::publisher_capacity);
  std::lock_guard guard{workers_mtx_};
  if (stopped_)
    state->close();
  else
    remember(all_publishers_, state);
  return state;
}

void core::run_producer(
  std::function<bool(std::vector<publish_request>&)> step, bool wait) {
  auto loop = [this, step = std::move(step)] {
    std::vector<publish_request> out;
    for (;;) {
      if (stopped_)
        return;
      bool more = step(out);
      if (!out.empty() && !inbox_.push(out))
        return;
      if (!more)
        return;
    }
  };
  if (wait) {
    loop();
    return;
  }
  std::lock_guard guard{workers_mtx_};
  if (!stopped_)
    workers_.emplace_back(std::move(loop));
}

void core::forward(std::vector<topic> topics) {
  call([this, topics = std::move(topics)] {
    extend_filter(topics);
    return true;
  });
}

} // namespace broker::detail
