#include "core/core.hh"

#include <pthread.h>

#include <algorithm>

#include "broker/defaults.hh"
#include "core/logging.hh"
#include "data/log_format.hh"
#include "log/log.hh"
#include "core/registry.hh"
#include "core/remember.hh"
#include "runtime/spin_loop.hh"

namespace broker::detail {

core::core(configuration cfg)
  : cfg_(std::move(cfg)),
    settings_(core_settings::from(cfg_)),
    inbox_(cfg_.get_count("broker.core-inbox-size", defaults::core_inbox_size),
           [this] { post([this] { drain(); }); }),
    router_(settings_, peers_),
    network_(*this, io_, cfg_, router_, connections_),
    peers_(*this, settings_, router_, connections_),
    connections_(*this, settings_, router_, peers_, network_) {
  // Nothing above logs: the parts only store their references.
  apply_log_settings(cfg_);
}

core::~core() {
  shutdown();
}

void core::start() {
  std::lock_guard guard{lifecycle_mtx_};
  if (started_)
    return;
  started_ = true;
  registry::add(id(), weak_from_this());
  BROKER_INFO("[{}] endpoint {} started", settings_.name, to_string(id()));
  work_.emplace(io_.get_executor());
  thread_ = std::thread{[this] {
    // Named for `top -H`, perf and debuggers (at most 15 characters).
    pthread_setname_np(pthread_self(), "broker-core");
    run_loop();
  }};
}

void core::run_loop() {
  run_spinning(io_, settings_.spin);
}

void core::shutdown() {
  std::lock_guard guard{lifecycle_mtx_};
  if (!started_ || stopped_.exchange(true))
    return;
  registry::remove(id());
  BROKER_INFO("[{}] endpoint shutting down", settings_.name);
  // Nothing acknowledged to a publisher is dropped while the peers read.
  part_from_peers();
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
  log::flush();
  // The thread is gone: drop what other cores may still hold references to.
  peers_.clear();
  connections_.clear();
  network_.clear();
  timers_.clear();
}

void core::stop_on_core_thread() {
  network_.stop();
  connections_.stop();
  peers_.stop();
  router_.close_subscribers();
}

// -- the inbox -----------------------------------------------------------------

void core::drain() {
  inbox_.drain(local_batch_, remote_batch_);
  if (log::enabled(log::level::debug))
    log_drain();
  for (auto& batch : remote_batch_)
    router_.route_remote(batch);
  for (auto& req : local_batch_)
    router_.route_local(req);
  router_.flush();
  release_publishers(local_batch_);
  local_batch_.clear();
  remote_batch_.clear();
}

void core::log_drain() const {
  BROKER_DEBUG("[{}] drained {} local publications and {} batches from "
               "in-process peers",
               settings_.name, local_batch_.size(), remote_batch_.size());
  if (!log::enabled(log::level::trace))
    return;
  for (auto& req : local_batch_)
    BROKER_TRACE("[{}] publishing on {}: {}", settings_.name,
                 req.msg.get_topic(), abbreviated(req.msg.get_data()));
  for (auto& batch : remote_batch_)
    BROKER_TRACE("[{}] {} messages from in-process peer {}", settings_.name,
                 batch.items.size(), batch.sender);
}

void core::release_publishers(std::vector<publish_request>& reqs) {
  publisher_state* last = nullptr;
  size_t run = 0;
  for (auto& req : reqs) {
    auto src = req.source.get();
    if (src != last) {
      if (last)
        last->release(run);
      last = src;
      run = 0;
    }
    ++run;
  }
  if (last)
    last->release(run);
}

// -- subscribers ---------------------------------------------------------------

std::shared_ptr<subscriber_queue>
core::add_subscriber(const filter_type& topics, size_t max_qsize,
                     bool commands) {
  auto queue = std::make_shared<subscriber_queue>(
    std::max(max_qsize, settings_.subscriber_buffer),
    settings_.subscriber_policy);
  {
    std::lock_guard guard{workers_mtx_};
    remember(all_queues_, queue);
  }
  auto apply = [this, queue, topics, commands] {
    BROKER_DEBUG("[{}] new {} for [{}]", settings_.name,
                 commands ? "store subscriber" : "subscriber",
                 fmt::join(topics, ", "));
    peers_.extend_filter(router_.add_subscriber(queue, topics, commands));
    return true;
  };
  // After a timeout the subscription is still queued and takes effect when
  // the core gets to it; only a shut-down endpoint leaves it for dead.
  if (auto ok = call("make_subscriber", apply);
      !ok && ok.error() != ec::request_timeout)
    queue->close();
  return queue;
}

void core::remove_subscriber(const std::shared_ptr<subscriber_queue>& queue) {
  queue->close();
  if (stopped_)
    return;
  post([this, queue] { router_.remove_subscriber(queue.get()); });
}

void core::update_subscriber(const std::shared_ptr<subscriber_queue>& queue,
                             topic t, bool add, bool block) {
  auto apply = [this, queue, t, add] {
    auto what = router_.update_subscriber(queue.get(), t, add);
    if (what == router::change::added)
      peers_.extend_filter(filter_type{t});
    return what != router::change::unknown_subscriber;
  };
  if (block) {
    call(add ? "add_topic" : "remove_topic", apply);
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
  call("attach (watching store events)", [this, result] {
    router_.watch(result);
    return true;
  });
  return result;
}

void core::deliver_local(topic t, std::vector<data> xs) {
  post([this, t = std::move(t), xs = std::move(xs)]() mutable {
    for (auto& x : xs)
      router_.deliver_now(t, std::move(x));
  });
}

void core::report_error(error err) {
  post([this, err = std::move(err)]() mutable {
    router_.emit(std::move(err));
  });
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
  call("forward", [this, topics = std::move(topics)] {
    peers_.extend_filter(topics);
    return true;
  });
}

// -- peering -------------------------------------------------------------------

expected<bool> core::peer_with(const std::shared_ptr<core>& other) {
  if (!other || other.get() == this || other->is_shutdown() || stopped_)
    return false;
  auto done = std::make_shared<std::promise<bool>>();
  auto fut = done->get_future();
  post([this, other, done] { peers_.request_peering(other, done); });
  // A late peering still completes (with its peer_added statuses).
  if (auto why = await(fut); why != answer::ready)
    return missed(why, "peer");
  return fut.get();
}

expected<uint16_t> core::listen(const std::string& address, uint16_t port) {
  // A caller that gave up does not learn the port: a late listen would
  // leave a socket open that nobody knows of, so it is skipped.
  auto abandoned = std::make_shared<std::atomic<bool>>(false);
  auto result = call("listen", [this, address, port, abandoned] {
    return *abandoned ? uint16_t{0} : network_.listen(address, port);
  });
  if (!result)
    *abandoned = true;
  return result;
}

bool core::peer_remote(network_info where, bool wait) {
  if (stopped_)
    return false;
  auto done = std::make_shared<std::promise<bool>>();
  auto fut = done->get_future();
  post([this, where, done] { network_.dial(where, done); });
  if (!wait)
    return true;
  // With retries this may wait forever (as upstream), but never past
  // shutdown, which abandons pending attempts without answering them.
  while (fut.wait_for(std::chrono::milliseconds{50})
         != std::future_status::ready)
    if (stopped_)
      return false;
  return fut.get();
}

expected<bool> core::unpeer_remote(const std::string& address,
                                   uint16_t port) {
  return call("unpeer", [this, address, port] {
    return peers_.unpeer(address, port);
  });
}

expected<bool> core::unpeer_from(const std::shared_ptr<core>& other) {
  if (!other)
    return false;
  return call("unpeer", [this, other] { return peers_.unpeer(other->id()); });
}

void core::on_peer_gone(node_id from) {
  auto redial = peers_.on_peer_gone(from);
  if (redial && !stopped_)
    network_.redial_after(*redial);
}

expected<std::vector<peer_info>> core::peers() {
  return call("peers", [this] { return peers_.infos(); });
}

expected<std::vector<topic>> core::peer_subscriptions() {
  return call("peer_subscriptions", [this] { return peers_.subscriptions(); });
}

// -- waiting for the core ------------------------------------------------------

error core::shut_down_error() {
  return error{ec::unspecified, "the endpoint is shut down"};
}

error core::missed(answer why, const std::string& what) {
  if (why == answer::gone)
    return shut_down_error();
  return report_timeout(what);
}

error core::report_timeout(const std::string& what) {
  auto ms = settings_.call_timeout.count();
  auto err = error{ec::request_timeout, what + ": no answer within "
                                          + std::to_string(ms) + " ms"};
  BROKER_WARNING("[{}] {}", settings_.name, err.message());
  report_error(err);
  return err;
}

} // namespace broker::detail
