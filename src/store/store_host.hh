#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/node_id.hh"
#include "broker/time.hh"
#include "broker/topic.hh"
#include "runtime/local_interest.hh"
#include "runtime/publish_request.hh"
#include "runtime/subscriber_queue.hh"
#include "store/channel_settings.hh"

namespace broker::detail {

/// What a store needs from its endpoint's core, and nothing more: the
/// store layer never sees the core itself (docs/architecture.md, "Layers").
/// The API layer implements it over the core (src/api/core_store_host.hh).
/// Every call is safe from any thread.
class store_host {
public:
  virtual ~store_host() = default;

  /// The endpoint's id (publisher ids, the sender of replies).
  virtual const node_id& id() const noexcept = 0;

  // -- traffic ---------------------------------------------------------------

  /// Hands a batch of publications to peers, waiting while the core's
  /// inbox is full; false once the endpoint is shut down.
  virtual bool publish(std::vector<publish_request>& reqs) = 0;

  /// Subscribes a store's queue to `topics`. Unlike a data subscriber's,
  /// it also receives store commands (docs/stores.md, "Replication").
  virtual std::shared_ptr<subscriber_queue>
  add_subscriber(const filter_type& topics, size_t max_qsize) = 0;

  virtual void
  remove_subscriber(const std::shared_ptr<subscriber_queue>& queue) = 0;

  /// Hands messages to the local subscribers only (store events).
  virtual void deliver_local(topic t, std::vector<data> xs) = 0;

  /// Starts tracking whether local subscribers match `t`; the answer is
  /// current when this returns.
  virtual std::shared_ptr<const local_interest> watch_local(topic t) = 0;

  /// True if a local subscriber may receive what `x` watches.
  virtual bool anyone_local(const local_interest& x) const noexcept = 0;

  /// Raises an error on the endpoint's status subscribers.
  virtual void report_error(error err) = 0;

  // -- the endpoint's clock --------------------------------------------------

  virtual timestamp now() const = 0;

  /// Runs `f` at `when` on the endpoint's clock (on the core's thread: `f`
  /// must only post to the store's own thread).
  virtual void schedule_any(timestamp when, std::function<void()> f) = 0;

  /// The replication channel's timing (the broker.store.* settings).
  virtual channel::settings channel_settings() const = 0;

  /// How long an idle thread of this endpoint polls before it sleeps.
  virtual std::chrono::microseconds spin() const noexcept = 0;
};

} // namespace broker::detail
