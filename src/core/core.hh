#pragma once

#include <asio/io_context.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "broker/configuration.hh"
#include "broker/error.hh"
#include "broker/expected.hh"
#include "broker/network_info.hh"
#include "broker/peer_info.hh"
#include "broker/time.hh"
#include "core/connections.hh"
#include "core/core_stats.hh"
#include "core/inbox.hh"
#include "core/network.hh"
#include "core/peer_table.hh"
#include "core/router.hh"
#include "core/settings.hh"
#include "runtime/local_interest.hh"
#include "runtime/publisher_state.hh"
#include "runtime/subscriber_queue.hh"

namespace broker::detail {

/// The engine behind one endpoint, and the facade the rest of the library
/// uses. One thread runs an asio::io_context and owns the parts below the
/// "core thread only" line (router, peer table, connections, network);
/// other threads talk to it through the inbox (publications) or by posting
/// work (control calls). This class owns the thread, the inbox drain, the
/// lifecycle, the clock and timers.
class core : public std::enable_shared_from_this<core> {
public:
  explicit core(configuration cfg);
  ~core();

  core(const core&) = delete;
  core& operator=(const core&) = delete;

  void start();

  /// Stops the core thread and joins every worker; idempotent.
  void shutdown();

  bool is_shutdown() const noexcept { return stopped_.load(); }

  const node_id& id() const noexcept { return settings_.id; }

  /// How log lines name this endpoint (data/log_format.hh).
  const std::string& log_name() const noexcept { return settings_.name; }

  const configuration& config() const noexcept { return cfg_; }

  // -- thread-safe entry points ----------------------------------------------

  /// Hands a local publication to the core (waits while the inbox is full).
  bool publish(publish_request&& req) { return inbox_.push(std::move(req)); }

  bool publish(std::vector<publish_request>& reqs) { return inbox_.push(reqs); }

  /// Runs `f` on the core thread. Handlers run only while the core lives,
  /// so a handler refers to its own core by raw pointer: one holding a
  /// shared_ptr to it would keep the core alive forever if it never ran.
  template <class F>
  void post(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }

  /// Runs `f` on the core thread and waits for its (non-void) result. Fails
  /// with `request_timeout` (also raised on the status subscribers, naming
  /// `what`) if the core does not answer within broker.core-call-timeout;
  /// `f` then stays queued and runs late. Fails with `unspecified` if the
  /// core is or gets shut down. Never waits past the timeout.
  template <class F>
  auto call(const char* what, F f) -> expected<decltype(f())>;

  /// The error for a request the core cannot answer, as call() returns it.
  static error shut_down_error();

  /// How long call() waits (broker.core-call-timeout).
  std::chrono::milliseconds call_timeout() const noexcept {
    return settings_.call_timeout;
  }

  /// The `request_timeout` error call() returns for `what`, raised on the
  /// status subscribers as call() does: for callers that wait on their own
  /// (the endpoint waiting for its stores after advance_time).
  error report_timeout(const std::string& what);

  /// A subscriber queue for `topics`; a store's (`commands`) receives store
  /// commands as well, which data subscribers never see.
  std::shared_ptr<subscriber_queue>
  add_subscriber(const filter_type& topics, size_t max_qsize,
                 bool commands = false);

  void remove_subscriber(const std::shared_ptr<subscriber_queue>& queue);

  /// Adds or removes one topic of a subscriber; with `block`, waits until
  /// the core applied it.
  void update_subscriber(const std::shared_ptr<subscriber_queue>& queue,
                         topic t, bool add, bool block);

  std::shared_ptr<publisher_state> add_publisher(topic t);

  void forward(std::vector<topic> topics);

  // The calls below fail only if the core does not answer (see call()).

  expected<bool> peer_with(const std::shared_ptr<core>& other);

  /// Listens for peers; returns the bound port or 0 (with an error status).
  expected<uint16_t> listen(const std::string& address, uint16_t port);

  /// Dials a peer over TCP. With `wait`, blocks until the handshake is done
  /// (true) or, for retry == 0, until the attempt failed (false).
  bool peer_remote(network_info where, bool wait);

  /// Ends a TCP peering; false and `peer_invalid` if there is none.
  expected<bool> unpeer_remote(const std::string& address, uint16_t port);

  expected<bool> unpeer_from(const std::shared_ptr<core>& other);

  expected<std::vector<peer_info>> peers();

  expected<std::vector<topic>> peer_subscriptions();

  /// Runs a producer step function on a worker (or the calling thread).
  void run_producer(std::function<bool(std::vector<publish_request>&)> step,
                    bool wait);

  // -- clock -----------------------------------------------------------------

  bool use_real_time() const noexcept { return settings_.real_time; }

  /// How long an idle thread of this endpoint polls before it sleeps.
  std::chrono::microseconds spin() const noexcept { return settings_.spin; }

  timestamp now() const;

  /// Moves the simulated clock and runs the timers that became due; fails
  /// if the core did not keep up (see call()).
  expected<void> advance_time(timestamp t);

  /// Runs `f` on the core thread at `when` (core thread only).
  void schedule(timestamp when, std::function<void()> f);

  /// `schedule` from any thread.
  void schedule_any(timestamp when, std::function<void()> f);

  // -- for the stores (through src/api/core_store_host.hh) -------------------

  /// Hands messages to the local subscribers only (store events).
  void deliver_local(topic t, std::vector<data> xs);

  /// Raises an error on the status subscribers, from any thread.
  void report_error(error err);

  /// Starts tracking whether local subscribers match `t` (see
  /// local_interest); the answer is current when this returns.
  std::shared_ptr<const local_interest> watch_local(topic t);

  /// True if a local subscriber may receive what `x` watches (any thread).
  bool anyone_local(const local_interest& x) const noexcept {
    return x.matches() || pending_topic_adds_.load() > 0;
  }

  // -- between the cores of one process (run on this core's thread) ---------

  /// Where in-process peers hand over their batches.
  inbox& mailbox() noexcept { return inbox_; }

  /// True if this endpoint peers in memory with same-process endpoints.
  bool shortcut() const noexcept { return settings_.shortcut; }

  /// The peer table, for the in-memory peering messages of other cores.
  peer_table& peering() noexcept { return peers_; }

  /// A peer in memory went away; redials if it was dialled with retries.
  void on_peer_gone(node_id from);

  // -- for components on the core thread (the metrics, src/metrics) ---------

  /// The core thread's event loop: what is posted or started on it runs on
  /// the core thread, next to the engine, and stops with it.
  asio::io_context& context() noexcept { return io_; }

  /// What the parts count, as of now (core thread only; from other threads
  /// through call()).
  core_stats stats() const;

  /// A local publication from the core thread itself (publish() could wait
  /// for room in the inbox that only this thread drains).
  void publish_here(data_message msg);

private:
  // -- core thread only ------------------------------------------------------

  void drain();
  /// The log lines of a drain: counts at debug, each publication at trace.
  void log_drain() const;
  void release_publishers(std::vector<publish_request>& reqs);
  void run_loop();
  void stop_on_core_thread();
  /// Routes what is queued, sends every TCP peer its queued messages and a
  /// BYE, and waits until they answered or broker.unpeer-timeout passed
  /// (core_farewell.cc; called by shutdown from outside the core thread).
  void part_from_peers();
  void fire_due_timers();

  // -- waiting for the core (any thread) -------------------------------------

  enum class answer { ready, late, gone };

  /// Waits up to broker.core-call-timeout for `fut`, or until shutdown.
  template <class T>
  answer await(const std::future<T>& fut) const;

  /// The error of a call that got no answer; reports a late one.
  error missed(answer why, const std::string& what);

  // -- configuration (immutable after construction) --------------------------

  configuration cfg_;
  const core_settings settings_;

  // -- threading -------------------------------------------------------------

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    work_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  std::mutex lifecycle_mtx_;
  bool started_ = false;
  inbox inbox_;
  std::mutex workers_mtx_;
  std::vector<std::thread> workers_;
  /// Every subscriber queue ever handed out, so that shutdown can release
  /// readers and a blocked core without touching core-thread state.
  std::vector<std::weak_ptr<subscriber_queue>> all_queues_;
  std::vector<std::weak_ptr<publisher_state>> all_publishers_;
  std::atomic<int64_t> sim_now_{0};
  /// Topics added to subscribers but not applied on the core yet.
  std::atomic<size_t> pending_topic_adds_{0};

  // -- the parts (core thread only, but for peers_.count()) ------------------

  router router_;
  network network_;
  peer_table peers_;
  connections connections_;
  std::vector<publish_request> local_batch_;
  std::vector<peer_batch> remote_batch_;
  std::multimap<timestamp, std::function<void()>> timers_;
};

template <class T>
core::answer core::await(const std::future<T>& fut) const {
  // Slices, so that a shutdown (which drops queued tasks unanswered) ends
  // the wait early; a ready future ends it at once.
  using clock = std::chrono::steady_clock;
  constexpr auto slice = std::chrono::milliseconds{50};
  auto deadline = clock::now() + settings_.call_timeout;
  for (;;) {
    auto left = deadline - clock::now();
    if (fut.wait_for(std::min<clock::duration>(left, slice))
        == std::future_status::ready)
      return answer::ready;
    if (stopped_)
      return answer::gone;
    if (clock::now() >= deadline)
      return answer::late;
  }
}

template <class F>
auto core::call(const char* what, F f) -> expected<decltype(f())> {
  using result_type = decltype(f());
  if (stopped_)
    return shut_down_error();
  if (thread_.get_id() == std::this_thread::get_id())
    return f();
  auto prom = std::make_shared<std::promise<result_type>>();
  auto fut = prom->get_future();
  post([prom, f = std::move(f)]() mutable {
    prom->set_value(f());
  });
  if (auto why = await(fut); why != answer::ready)
    return missed(why, what);
  return fut.get();
}

} // namespace broker::detail
