#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "broker/backend.hh"
#include "broker/backend_options.hh"
#include "broker/configuration.hh"
#include "broker/data.hh"
#include "broker/downstream.hh"
#include "broker/endpoint_info.hh"
#include "broker/expected.hh"
#include "broker/message.hh"
#include "broker/node_id.hh"
#include "broker/peer_info.hh"
#include "broker/publisher.hh"
#include "broker/status_subscriber.hh"
#include "broker/store.hh"
#include "broker/subscriber.hh"
#include "broker/network_info.hh"
#include "broker/time.hh"
#include "broker/timeout.hh"
#include "broker/topic.hh"

namespace broker {

namespace detail {
class core;
class endpoint_metrics;
class store_host;
class store_registry;
namespace metrics {
struct metrics_params;
} // namespace metrics
} // namespace detail

/// An endpoint: the unit that peers, publishes and subscribes. Each endpoint
/// runs one core thread that owns all of its routing state; several
/// endpoints in one process are independent. Not copyable or movable.
class endpoint {
public:
  endpoint();

  explicit endpoint(configuration cfg);

  endpoint(const endpoint&) = delete;
  endpoint& operator=(const endpoint&) = delete;

  /// Calls shutdown().
  ~endpoint();

  /// Stops the core and every worker; idempotent. Undelivered messages may
  /// be lost. Subscribers and publishers may outlive the endpoint.
  void shutdown();

  bool is_shutdown() const noexcept;

  broker::node_id node_id() const noexcept;

  // -- peering -------------------------------------------------------------

  /// Peers with another endpoint of this process. Messages then pass by
  /// pointer, never serialized. Returns true once both sides know each
  /// other (both emit `peer_added`); false if either side is shut down.
  bool peer(endpoint& other);

  /// Ends an in-process peering: `peer_removed` here, `peer_lost` there.
  /// Returns false (and emits `peer_invalid`) if the two are not peers.
  bool unpeer(endpoint& other);

  /// Accepts peers on `address` ("" = all interfaces) and `port` (0 = any
  /// free port). Returns the bound port, or 0 (plus an error status).
  uint16_t listen(const std::string& address = {}, uint16_t port = 0);

  /// Peers over TCP. Blocks until the handshake completed (true). With
  /// `retry` > 0 a failed attempt is repeated every `retry` (forever, as
  /// upstream); with 0 a failed attempt returns false. Every failed attempt
  /// emits `peer_unavailable`.
  bool peer(const std::string& address, uint16_t port,
            timeout::seconds retry = timeout::seconds{10});

  bool peer(const network_info& where);

  /// Like peer(), but returns at once.
  void peer_nosync(const std::string& address, uint16_t port,
                   timeout::seconds retry = timeout::seconds{10});

  /// Ends a TCP peering: `peer_removed` here, `peer_lost` there. Returns
  /// false (and emits `peer_invalid`) for an unknown address.
  bool unpeer(const std::string& address, uint16_t port);

  void unpeer_nosync(const std::string& address, uint16_t port);

  /// Established peers.
  std::vector<peer_info> peers() const;

  /// Waits until `whom` is an established peer (upstream 2.3+; there, any
  /// endpoint reachable through peers counts, here only direct peers, as
  /// 2.1 routes). Returns false on timeout or after shutdown.
  bool await_peer(broker::node_id whom,
                  timespan timeout = std::chrono::seconds{10});

  /// The union of the peers' filters, sorted and deduplicated.
  std::vector<topic> peer_subscriptions() const;

  /// Advertises (and so relays) these topics without a local subscriber.
  void forward(std::vector<topic> topics);

  // -- publishing ----------------------------------------------------------

  /// Sends to every peer whose filter matches; never to this endpoint's
  /// own subscribers (as upstream).
  void publish(topic t, data d);

  /// Sends directly to one peer, which delivers only to its own
  /// subscribers (no forwarding).
  void publish(const endpoint_info& dst, topic t, data d);

  void publish(data_message msg);

  void publish(std::vector<data_message> msgs);

  publisher make_publisher(topic t);

  /// Pulls messages from a producer until `at_end(state)` holds:
  /// `init(state)`, then repeatedly `get_next(state, downstream, demand)`.
  /// Blocks until the producer is done.
  template <class Init, class GetNext, class AtEnd>
  void publish_all(Init init, GetNext get_next, AtEnd at_end) {
    run_producer(make_producer(std::move(init), std::move(get_next),
                               std::move(at_end)),
                 true);
  }

  /// Like publish_all, but returns at once; the producer runs on a worker
  /// thread that shutdown() joins.
  template <class Init, class GetNext, class AtEnd>
  void publish_all_nosync(Init init, GetNext get_next, AtEnd at_end) {
    run_producer(make_producer(std::move(init), std::move(get_next),
                               std::move(at_end)),
                 false);
  }

  /// The spelling the manual uses.
  template <class Init, class GetNext, class AtEnd>
  void publish_all_no_sync(Init init, GetNext get_next, AtEnd at_end) {
    publish_all_nosync(std::move(init), std::move(get_next),
                       std::move(at_end));
  }

  // -- subscribing ---------------------------------------------------------

  subscriber make_subscriber(std::vector<topic> topics, size_t max_qsize = 20);

  /// One topic, as in the manual's `make_subscriber("/topic/test")`. (A
  /// template so that `make_subscriber({"/a"})` still picks the list form.)
  template <class T, class = std::enable_if_t<
                       std::is_convertible_v<const T&, std::string>
                       || std::is_same_v<T, topic>>>
  subscriber make_subscriber(const T& t, size_t max_qsize = 20) {
    return make_subscriber(std::vector<topic>{topic{t}}, max_qsize);
  }

  /// Errors always; status updates too if `receive_statuses`.
  status_subscriber make_status_subscriber(bool receive_statuses = false);

  // -- data stores ---------------------------------------------------------

  /// Attaches (or reuses) the master of store `name`. Fails with
  /// `master_exists` if a direct peer advertises that master, and with
  /// `backend_failure` if the backend cannot be opened.
  expected<store> attach_master(std::string name, backend type,
                                backend_options opts = backend_options());

  /// Attaches (or reuses) a clone of store `name`; returns at once and finds
  /// the master among the peers (asking again every broker.store.nack-timeout
  /// ticks; `resync_interval` is accepted for compatibility and unused, see
  /// docs/compatibility.md). Fails with `no_such_master` if this endpoint
  /// has a master of that name.
  expected<store> attach_clone(std::string name, double resync_interval = 10.0,
                               double stale_interval = 300.0,
                               double mutation_buffer_interval = 120.0);

  // -- time ----------------------------------------------------------------

  bool use_real_time() const noexcept;

  /// The endpoint's clock: wall clock, or the simulated one.
  timestamp now() const;

  /// Moves the simulated clock forward (no-op in real-time mode), runs
  /// whatever became due and waits until the stores applied it (expiries).
  /// If the core or a store does not keep up within
  /// broker.core-call-timeout, a `request_timeout` error status says so.
  void advance_time(timestamp t);

  // -- checked variants (not in upstream) -----------------------------------

  // listen(), unpeer(), peers() and peer_subscriptions() answer a default
  // (0, false, empty) when the core does not answer within
  // broker.core-call-timeout; these fail with `request_timeout` instead
  // (after shutdown, with `unspecified`). The Python bindings use them.

  expected<uint16_t> checked_listen(const std::string& address,
                                    uint16_t port);

  expected<bool> checked_unpeer(const std::string& address, uint16_t port);

  expected<std::vector<peer_info>> checked_peers() const;

  expected<std::vector<topic>> checked_peer_subscriptions() const;

  /// For tests: the core thread waits for `release` before it runs anything
  /// queued after this, so that calls time out on demand. Release before
  /// shutdown(), which waits for the core.
  void block_core_for_testing(std::shared_future<void> release);

  /// Not in upstream: the port the metrics' HTTP server listens on
  /// (broker.metrics.port, docs/metrics.md), or 0 if it does not.
  uint16_t metrics_port() const noexcept;

  /// Changes the metrics export at run time, as the broker.metrics.export.*
  /// keys do at start-up (docs/metrics.md). Each call takes effect before
  /// it returns and restarts the export's interval from then.
  class metrics_exporter_t {
  public:
    explicit metrics_exporter_t(endpoint* parent) : parent_(parent) {}

    /// Publishes every `interval`; ignored unless positive.
    void set_interval(timespan interval);

    /// Publishes on `target`, which starts the export; ignored if empty.
    void set_target(topic target);

    /// The id the exports carry (default: broker.metrics.endpoint-name,
    /// else the target's last segment).
    void set_id(std::string id);

    /// Exports only the metric families whose prefix (the name up to its
    /// first `_`, e.g. `broker`) is one of `prefixes` (empty: all).
    void set_prefixes(std::vector<std::string> prefixes);

  private:
    endpoint* parent_;
  };

  metrics_exporter_t metrics_exporter() { return metrics_exporter_t{this}; }

  /// Internal: the engine (for the bindings and tests).
  const std::shared_ptr<detail::core>& core() const noexcept { return core_; }

private:
  /// One step of a producer: returns false once the producer is done.
  using producer_step = std::function<bool(downstream<data_message>&, size_t)>;

  template <class Init, class GetNext, class AtEnd>
  static producer_step make_producer(Init init, GetNext get_next,
                                     AtEnd at_end) {
    using state_type = std::decay_t<
      typename detail::first_arg<decltype(&Init::operator())>::type>;
    auto state = std::make_shared<state_type>();
    auto initialized = std::make_shared<bool>(false);
    return [=](downstream<data_message>& out, size_t demand) mutable {
      if (!*initialized) {
        init(*state);
        *initialized = true;
      }
      if (at_end(static_cast<const state_type&>(*state)))
        return false;
      get_next(*state, out, demand);
      return true;
    };
  }

  void run_producer(producer_step step, bool wait);

  /// Applies `change` to the export settings, starting the metrics service
  /// first if nothing was configured (metrics_exporter_t).
  void change_metrics_export(
    std::function<void(detail::metrics::metrics_params&)> change);

  std::shared_ptr<detail::core> core_;
  /// The stores' way into the core (they never see the core itself).
  std::shared_ptr<detail::store_host> store_host_;
  /// The masters and clones attached here, by name; stopped before the
  /// core on shutdown, since they publish through it until they are gone.
  std::unique_ptr<detail::store_registry> stores_;
  /// Serves, exports and imports metrics if configured (else null);
  /// destroyed after the core thread stopped, since it runs there.
  std::unique_ptr<detail::endpoint_metrics> metrics_;
  /// Guards metrics_, which metrics_exporter() may create later.
  mutable std::mutex metrics_mtx_;
};

} // namespace broker
