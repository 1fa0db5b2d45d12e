#pragma once

#include <asio/io_context.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>

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
#include <unordered_map>
#include <vector>

#include "broker/configuration.hh"
#include "broker/network_info.hh"
#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/node_id.hh"
#include "broker/peer_info.hh"
#include "broker/status.hh"
#include "broker/time.hh"
#include "broker/topic.hh"
#include "core/dedup_window.hh"
#include "core/envelope.hh"
#include "core/frame_cache.hh"
#include "core/inbox.hh"
#include "core/local_interest.hh"
#include "core/prefix_index.hh"
#include "core/publisher_state.hh"
#include "core/subscriber_queue.hh"
#include "format/peer_extensions.hh"
#include "net/connection.hh"

namespace asio::ssl {
class context;
} // namespace asio::ssl

namespace broker::detail {
class store_registry;
} // namespace broker::detail

namespace broker::detail {

/// The engine behind one endpoint. One thread runs an asio::io_context and
/// owns every piece of routing state below the "core thread only" line;
/// other threads talk to it through the inbox (publications) or by posting
/// work (control calls).
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

  const node_id& id() const noexcept { return id_; }

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

  /// Runs `f` on the core thread and waits for its (non-void) result.
  /// Returns nothing if the core is shut down or does not answer within
  /// `timeout`.
  template <class F>
  auto call(F f, std::chrono::milliseconds timeout = std::chrono::seconds{10})
    -> std::optional<decltype(f())>;

  std::shared_ptr<subscriber_queue>
  add_subscriber(const filter_type& topics, size_t max_qsize);

  void remove_subscriber(const std::shared_ptr<subscriber_queue>& queue);

  /// Adds or removes one topic of a subscriber; with `block`, waits until
  /// the core applied it.
  void update_subscriber(const std::shared_ptr<subscriber_queue>& queue,
                         topic t, bool add, bool block);

  std::shared_ptr<publisher_state> add_publisher(topic t);

  void forward(std::vector<topic> topics);

  bool peer_with(const std::shared_ptr<core>& other);

  /// Listens for peers; returns the bound port or 0 (with an error status).
  uint16_t listen(const std::string& address, uint16_t port);

  /// Dials a peer over TCP. With `wait`, blocks until the handshake is done
  /// (true) or, for retry == 0, until the attempt failed (false).
  bool peer_remote(network_info where, bool wait);

  /// Ends a TCP peering; false and `peer_invalid` if there is none.
  bool unpeer_remote(const std::string& address, uint16_t port);

  bool unpeer_from(const std::shared_ptr<core>& other);

  std::vector<peer_info> peers();

  std::vector<topic> peer_subscriptions();

  /// Runs a producer step function on a worker (or the calling thread).
  void run_producer(std::function<bool(std::vector<publish_request>&)> step,
                    bool wait);

  // -- clock -----------------------------------------------------------------

  bool use_real_time() const noexcept { return real_time_; }

  /// How long an idle thread of this endpoint polls before it sleeps.
  std::chrono::microseconds spin() const noexcept { return spin_; }

  timestamp now() const;

  void advance_time(timestamp t);

  /// Runs `f` on the core thread at `when` (core thread only).
  void schedule(timestamp when, std::function<void()> f);

  /// `schedule` from any thread.
  void schedule_any(timestamp when, std::function<void()> f);

  // -- stores (src/store) ------------------------------------------------------

  /// Hands messages to the local subscribers only (store events).
  void deliver_local(topic t, std::vector<data> xs);

  /// Raises an error on the status subscribers, from any thread.
  void report_error(error err);

  /// The masters and clones attached to this endpoint.
  store_registry& stores() noexcept { return *stores_; }

  /// Starts tracking whether local subscribers match `t` (see
  /// local_interest); the answer is current when this returns.
  std::shared_ptr<const local_interest> watch_local(topic t);

  /// True if a local subscriber may receive what `x` watches (any thread).
  bool anyone_local(const local_interest& x) const noexcept {
    return x.matches() || pending_topic_adds_.load() > 0;
  }

  /// True while the endpoint has a peer, connected or connecting (any
  /// thread). Without one, nothing published can leave the endpoint.
  bool has_peers() const noexcept { return peer_count_.load() > 0; }

private:
  struct subscriber_slot {
    std::shared_ptr<subscriber_queue> queue;
    filter_type topics;
    std::vector<data_message> pending;
    uint64_t epoch = 0;
  };

  /// The destinations of the most recent topic: consecutive messages mostly
  /// share their topic, so this skips most trie walks.
  struct route_cache {
    std::string topic;
    std::vector<uint32_t> slots;
    uint64_t version = 0;
  };

  struct peer_slot {
    std::shared_ptr<core> remote;
    endpoint_info info;
    filter_type filter;
    std::vector<envelope> pending;
    uint64_t epoch = 0;
    bool established = false;
    bool outbound = false;
    /// Set for a TCP peer (then `remote` is null).
    std::shared_ptr<net::connection> conn;
  };

  /// A TCP connection whose peering is not ready yet (v1 handshake and
  /// extension probe).
  struct handshake {
    std::shared_ptr<net::connection> conn;
    /// Where we dialled (outbound) or nothing (inbound).
    std::optional<network_info> dialed;
    std::shared_ptr<std::promise<bool>> done;
    /// Both endpoints live in this process: the peering moves to memory
    /// and this connection closes.
    bool handing_over = false;
  };

  // -- core thread only ------------------------------------------------------

  void drain();
  void route_local(publish_request& req);
  void route_remote(peer_batch& batch);
  void route_incoming(envelope& env, uint32_t from);
  void deliver_to_subscribers(const data_message& msg);
  void forward_to_peers(envelope&& env, uint32_t except);
  void flush();
  template <class F>
  void for_each_route(route_cache& cache, const prefix_index<uint32_t>& routes,
                      const std::string& topic, F&& f);
  dedup_window& window_of(const node_id& origin);
  /// Applies the peer overflow policy if the slot's pending batch does not
  /// fit behind the `queued` messages waiting toward that peer;
  /// `drop_queued(n)` removes up to n of the oldest waiting ones. False if
  /// nothing is left to send (or the peer was dropped).
  bool make_room(uint32_t slot, size_t queued,
                 const std::function<size_t(size_t)>& drop_queued);
  /// Drops the pending batch, and with `disconnect` the peer.
  void handle_peer_overflow(uint32_t slot, size_t count);
  void report_peer_drops(const endpoint_info& info, size_t count,
                         overflow_policy policy);
  void send_to_connection(uint32_t slot, bool shared);
  void report_overflows();
  void release_publishers(std::vector<publish_request>& reqs);

  void extend_filter(const filter_type& topics);
  void broadcast_filter();
  /// Bumps the route version and refreshes the watched local interests.
  void local_routes_changed();

  uint32_t alloc_peer_slot();
  uint32_t add_peer_slot(const std::shared_ptr<core>& remote, bool outbound);
  void set_peer_filter(uint32_t slot, filter_type filter);
  void drop_peer(uint32_t slot);
  void on_peer_request(std::shared_ptr<core> from, filter_type filter,
                       std::shared_ptr<std::promise<bool>> done,
                       std::optional<network_info> seen_as = std::nullopt);
  void request_peering(const std::shared_ptr<core>& other,
                       std::shared_ptr<std::promise<bool>> done,
                       std::optional<network_info> dialed = std::nullopt,
                       std::optional<network_info> seen_as = std::nullopt);
  /// Turns a TCP slot that is not ready yet into an in-memory peering
  /// with `from` (same-process hand-over).
  void adopt_in_memory(uint32_t slot, const std::shared_ptr<core>& from,
                       std::optional<network_info> seen_as);
  void on_peer_accepted(node_id from, filter_type filter,
                        std::shared_ptr<std::promise<bool>> done);
  void on_peer_gone(node_id from);
  void on_filter_update(node_id from, filter_type filter);

  template <sc Code>
  void emit(const endpoint_info& ctx, std::string msg);
  void emit(error err);
  void deliver_now(topic t, data d);

  void run_loop();
  void stop_on_core_thread();

  // -- TCP peers (core_network.cc) -------------------------------------------
  void accept_next();
  void dial(network_info where, std::shared_ptr<std::promise<bool>> done);
  void start_connection(asio::ip::tcp::socket sock,
                        std::optional<network_info> dialed,
                        std::shared_ptr<std::promise<bool>> done,
                        const asio::ip::tcp::endpoint& remote = {});
  net::commit_decision on_conn_commit(net::connection& conn,
                                      const node_id& peer, bool originator);
  void on_conn_handshake(net::connection& conn, filter_type&& filter);
  void on_conn_ready(net::connection& conn,
                     const format::peer_extensions& ext);
  bool hand_over(handshake& hs);
  /// Forgets the slot of a connection whose peering never became ready.
  void detach_connection(net::connection& conn);
  void unpeer_slot(uint32_t slot);
  void on_handshake_closed(net::connection& conn, const error& err);
  void report_inbound_failure(const endpoint_info& ctx, const error& err);
  std::shared_ptr<asio::ssl::context> tls_context(const endpoint_info& ctx);
  void on_conn_data(net::connection& conn, envelope&& env);
  void on_conn_filter(net::connection& conn, filter_type&& filter);
  void on_conn_closed(net::connection& conn, const error& err);
  void connect_failed(const network_info& where, const std::string& why,
                      std::shared_ptr<std::promise<bool>> done);
  void redial_after(const network_info& where);
  void fire_due_timers();

  // -- configuration (immutable after construction) --------------------------

  configuration cfg_;
  const node_id id_;
  const uint16_t ttl_;
  const bool forward_;
  const bool real_time_;
  const size_t subscriber_buffer_;
  const overflow_policy subscriber_policy_;
  const size_t peer_buffer_;
  const overflow_policy peer_policy_;
  const std::chrono::microseconds spin_;
  const net::connection_timing timing_;
  /// Peer in memory with endpoints of this process reached by address.
  const bool shortcut_;

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
  std::atomic<size_t> peer_count_{0};
  std::unique_ptr<store_registry> stores_;

  // -- routing state (core thread only) --------------------------------------

  std::vector<subscriber_slot> subs_;
  std::vector<uint32_t> free_subs_;
  std::unordered_map<subscriber_queue*, uint32_t> sub_index_;
  std::vector<peer_slot> peers_;
  std::vector<uint32_t> free_peers_;
  std::unordered_map<node_id, uint32_t> peer_index_by_id_;
  prefix_index<uint32_t> local_routes_;
  prefix_index<uint32_t> peer_routes_;
  filter_type filter_;
  std::unordered_map<node_id, dedup_window> seen_;
  std::vector<uint32_t> touched_subs_;
  std::vector<uint32_t> touched_peers_;
  std::vector<publish_request> local_batch_;
  std::vector<peer_batch> remote_batch_;
  std::vector<std::pair<uint32_t, size_t>> overflows_;
  uint64_t epoch_ = 0;
  /// Bumped on every change to either prefix index.
  uint64_t routes_version_ = 1;
  route_cache local_cache_;
  std::vector<std::weak_ptr<local_interest>> interests_;
  route_cache peer_cache_;
  frame_cache encoded_;
  const node_id* last_origin_ = nullptr;
  dedup_window* last_window_ = nullptr;
  uint64_t seq_ = 0;
  std::multimap<timestamp, std::function<void()>> timers_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  /// Created on first use unless `disable_ssl`.
  std::shared_ptr<asio::ssl::context> tls_;
  std::unordered_map<net::connection*, handshake> handshakes_;
  std::unordered_map<net::connection*, uint32_t> conn_slots_;
  /// Handshakes that committed to a peer id and have not finished.
  std::unordered_map<node_id, net::connection*> committing_;
};

template <class F>
auto core::call(F f, std::chrono::milliseconds timeout)
  -> std::optional<decltype(f())> {
  using result_type = decltype(f());
  if (stopped_)
    return std::nullopt;
  if (thread_.get_id() == std::this_thread::get_id())
    return f();
  auto prom = std::make_shared<std::promise<result_type>>();
  auto fut = prom->get_future();
  post([prom, f = std::move(f)]() mutable {
    prom->set_value(f());
  });
  if (fut.wait_for(timeout) != std::future_status::ready)
    return std::nullopt;
  return fut.get();
}

} // namespace broker::detail
