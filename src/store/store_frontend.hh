#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <variant>

#include "broker/detail/deadline.hh"
#include "broker/frontend.hh"
#include "broker/message.hh"
#include "broker/publisher_id.hh"
#include "broker/topic.hh"
#include "format/internal_command.hh"
#include "runtime/local_interest.hh"
#include "runtime/publish_request.hh"
#include "store/channel_settings.hh"
#include "store/command_convert.hh"
#include "store/store_command.hh"
#include "store/store_host.hh"
#include "store/store_query.hh"
#include "store/store_stats.hh"

namespace broker::detail {

class subscriber_queue;

/// What a master and a clone have in common: a thread of their own (so that
/// a slow SQLite file never stalls message routing) that owns all of the
/// store's state, fed by a subscription to the store's topic on the core.
/// Other threads reach it only through `request`, `mutate` and `sync`.
class store_frontend : public std::enable_shared_from_this<store_frontend> {
public:
  store_frontend(std::shared_ptr<store_host> owner, std::string name,
                 publisher_id id);

  virtual ~store_frontend();

  store_frontend(const store_frontend&) = delete;
  store_frontend& operator=(const store_frontend&) = delete;

  const std::string& name() const noexcept { return name_; }

  const publisher_id& id() const noexcept { return id_; }

  /// How log lines name this store's endpoint (data/log_format.hh).
  std::string log_name() const;

  virtual frontend kind() const noexcept = 0;

  /// Subscribes to `topics` and starts the thread.
  void start(const filter_type& topics);

  /// Ends the thread; idempotent. Pending requests get what `on_stop`
  /// gives them (by default no answer).
  void stop();

  bool stopped() const noexcept { return stopped_; }

  /// How long a waiting caller polls before it sleeps (the endpoint's
  /// spin setting, see run_spinning).
  std::chrono::microseconds spin() const noexcept;

  /// Waits until everything posted so far has run, or the store stopped
  /// (false if `deadline` passed first).
  bool sync(steady_deadline deadline);

  /// Waits until the store is idle (see `idle`); false if `deadline`
  /// passed first or the store stopped.
  bool await_idle(steady_deadline deadline);

  // -- thread-safe entry points -----------------------------------------------

  void request(store_query q, store_responder r);

  void mutate(store_command cmd);

  /// Reports an error on the endpoint's status subscribers (any thread).
  void report(error err);

  /// The store's counters (any thread; docs/metrics.md).
  const store_stats& stats() const noexcept { return stats_; }

protected:
  // -- the store's thread -----------------------------------------------------

  virtual void on_start() {}

  /// Last call on the store's thread, from `stop`: answer what still waits.
  virtual void on_stop() {}

  virtual void on_message(const data_message& msg) = 0;

  virtual void on_query(store_query q, store_responder r) = 0;

  virtual void on_mutation(store_command cmd) = 0;

  /// Whether nothing the store sent or received is in flight: a master's
  /// clones acknowledged all updates, a clone's master all writes.
  virtual bool idle() const { return true; }

  /// Bracket a run of mutations or messages (the master commits its
  /// backend's transaction at the end).
  virtual void begin_batch() {}

  virtual void end_batch() {}

  /// The replication channels' state for the metrics (after every step).
  virtual store_stats::channel_state channel_state() const { return {}; }

  /// Encodes `cmd` and publishes it on `t` as a store command; with a
  /// target, to that endpoint only. Reports a command it cannot encode.
  void send_command(const topic& t, format::internal_command&& cmd,
                    const node_id* target = nullptr);

  /// This store's entity on the wire (endpoint and object id).
  format::entity_id entity() const noexcept { return to_entity(id_); }

  /// True if `cmd` is addressed to this store (or to everyone).
  bool for_me(const format::internal_command& cmd) const noexcept {
    return cmd.receiver.is_nil() || cmd.receiver == entity();
  }

  /// The replication channel's timing (broker.store.* settings).
  const channel::settings& channel_config() const noexcept { return chan_; }

  /// Calls `on_tick` once per tick interval from now on.
  void start_ticks();

  /// One tick of the replication channel's clock.
  virtual void on_tick() {}

  /// Delivers a store event to the local subscribers.
  void emit_event(data ev);

  /// False if no local subscriber would receive a store event: building
  /// one is then wasted work.
  bool wants_events() const noexcept;

  /// Runs `f` on this thread at `when` on the endpoint's clock.
  void at(timestamp when, std::function<void()> f);

  timestamp now() const;

  store_host& owner() noexcept { return *core_; }

  template <class F>
  void post(F&& f) {
    asio::post(io_, std::forward<F>(f));
  }

  std::string describe(const data& key) const;

  /// The counters, for the store's thread to update.
  store_stats& counters() noexcept { return stats_; }

  /// The metrics' kind of a mutation (none for replies and expiries).
  static std::optional<store_op> op_of(store_command::tag t) noexcept;

  /// The store command a message carries; reports a malformed one.
  std::optional<format::internal_command> decode(const data_message& msg);

private:
  /// A query from a user thread with the callback for its answer.
  struct pending_query {
    store_query query;
    store_responder respond;
  };

  /// What user threads hand over, in the order they called.
  using user_input = std::variant<store_command, pending_query>;

  void watch_queue();
  void drain_queue();
  /// Waits for `fut` until `deadline`; false if it passed or the store
  /// stopped first.
  bool wait_unless_stopped(const std::future<void>& fut,
                           steady_deadline deadline) const;
  /// Appends to inputs_, posting a drain when the vector turns non-empty.
  void enqueue(user_input x);
  void drain_inputs();
  /// Hands what the last step published or emitted to the core at once:
  /// one wake-up of the core per step, not one per message.
  void flush_outgoing();

  /// Wakes the await_idle callers once the store is idle. Called after
  /// every step of the store's thread, since any step may change it.
  void check_idle();

  std::shared_ptr<store_host> core_;
  std::string name_;
  publisher_id id_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    work_;
  asio::posix::stream_descriptor queue_fd_;
  std::shared_ptr<subscriber_queue> queue_;
  std::shared_ptr<const local_interest> event_readers_;
  channel::settings chan_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
  /// Mutations and queries from user threads in one queue (so a query sees
  /// exactly the mutations called before it), and one post per burst, not
  /// one per call.
  std::mutex inputs_mtx_;
  std::vector<user_input> inputs_;
  /// The burst being handled (store thread only).
  std::vector<user_input> draining_;
  /// Outgoing traffic of the current step (store thread only).
  std::vector<publish_request> outgoing_;
  std::vector<data> events_;
  store_stats stats_;
  /// await_idle callers (store thread only). Weak: a caller that gave up
  /// releases its promise, and the next check forgets it.
  std::vector<std::weak_ptr<std::promise<void>>> idle_waiters_;
};

} // namespace broker::detail
