#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/status.hh"
#include "broker/topic.hh"
#include "core/core_stats.hh"
#include "core/dedup_window.hh"
#include "core/envelope.hh"
#include "core/frame_cache.hh"
#include "core/prefix_index.hh"
#include "core/settings.hh"
#include "runtime/local_interest.hh"
#include "runtime/subscriber_queue.hh"

namespace broker::detail {

class peer_table;

/// Where messages go (core thread only): the two prefix indexes (local
/// subscribers' topics, peers' filters) with their route caches, the
/// subscriber slots, duplicate suppression, and the per-destination batches
/// that `flush` hands to subscriber queues, connections and in-process
/// peers. Also delivers the endpoint's statuses and errors.
class router {
public:
  /// What `update_subscriber` did.
  enum class change { unknown_subscriber, unchanged, added, removed };

  router(const core_settings& settings, peer_table& peers);

  // -- the hot path ----------------------------------------------------------

  /// A local publication: stamped and sent to matching peers.
  void route_local(publish_request& req);

  /// A batch from an in-process peer.
  void route_remote(peer_batch& batch);

  /// A message from the peer in slot `from`: local delivery and relay.
  void route_incoming(envelope& env, uint32_t from);

  /// Hands every batch built since the last flush to its destination.
  void flush();

  // -- subscribers -----------------------------------------------------------

  /// Adds a subscriber; returns its topics without duplicates.
  const filter_type& add_subscriber(std::shared_ptr<subscriber_queue> queue,
                                    const filter_type& topics,
                                    bool commands = false);

  void remove_subscriber(subscriber_queue* queue);

  change update_subscriber(subscriber_queue* queue, const topic& t, bool add);

  /// Starts keeping `x` current.
  void watch(const std::shared_ptr<local_interest>& x);

  /// Closes every subscriber queue (shutdown).
  void close_subscribers();

  // -- peers' filters --------------------------------------------------------

  void set_peer_routes(uint32_t slot, const filter_type& filter);

  void remove_peer_routes(uint32_t slot);

  // -- local delivery --------------------------------------------------------

  /// Hands one message to the local subscribers at once.
  void deliver_now(topic t, data d);

  template <sc Code>
  void emit(const endpoint_info& ctx, std::string msg);

  /// Raises an error on the status subscribers.
  void emit(error err);

  // -- metrics ---------------------------------------------------------------

  /// Data messages and store commands routed so far (published here or
  /// received from peers).
  const message_counts& processed() const noexcept { return processed_; }

  /// The local subscribers and their queues.
  std::vector<detail::subscriber_stats> subscribers() const;

private:
  struct subscriber_slot {
    std::shared_ptr<subscriber_queue> queue;
    filter_type topics;
    std::vector<data_message> pending;
    uint64_t epoch = 0;
    /// A store's queue: takes store commands (data subscribers never do).
    bool commands = false;
  };

  /// The destinations of the most recent topic: consecutive messages mostly
  /// share their topic, so this skips most trie walks.
  struct route_cache {
    std::string topic;
    std::vector<uint32_t> slots;
    uint64_t version = 0;
  };

  void deliver_to_subscribers(const data_message& msg);
  void forward_to_peers(envelope&& env, uint32_t except);
  template <class F>
  void for_each_route(route_cache& cache, const prefix_index<uint32_t>& routes,
                      const std::string& topic, F&& f);
  dedup_window& window_of(const node_id& origin);
  void flush_peers();
  void send_to_connection(uint32_t slot, bool shared);
  void report_overflows();
  /// The debug log's line per flush: what goes where.
  void log_batches() const;
  /// Bumps the route version and refreshes the watched local interests.
  void local_routes_changed();

  const core_settings settings_;
  peer_table& peers_;

  std::vector<subscriber_slot> subs_;
  std::vector<uint32_t> free_subs_;
  std::unordered_map<subscriber_queue*, uint32_t> sub_index_;
  prefix_index<uint32_t> local_routes_;
  prefix_index<uint32_t> peer_routes_;
  std::unordered_map<node_id, dedup_window> seen_;
  std::vector<uint32_t> touched_subs_;
  std::vector<uint32_t> touched_peers_;
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
  message_counts processed_{};
};

} // namespace broker::detail
