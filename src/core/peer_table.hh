#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/endpoint_info.hh"
#include "broker/network_info.hh"
#include "broker/peer_info.hh"
#include "broker/topic.hh"
#include "core/core_stats.hh"
#include "core/envelope.hh"
#include "core/settings.hh"

namespace broker::net {
class connection;
} // namespace broker::net

namespace broker::detail {

class connections;
class core;
class router;

/// One peer, in memory (`remote`) or over TCP (`conn`).
struct peer_slot {
  std::shared_ptr<core> remote;
  endpoint_info info;
  filter_type filter;
  /// Envelopes routed to this peer since the last flush.
  std::vector<envelope> pending;
  uint64_t epoch = 0;
  bool established = false;
  bool outbound = false;
  /// Set for a TCP peer (then `remote` is null).
  std::shared_ptr<net::connection> conn;
  peer_traffic traffic;
};

/// The peers of one core (core thread only, except `count`): their slots
/// and the index by node id, the filter this endpoint advertises to them,
/// the in-memory peering between cores of one process, unpeering, the
/// overflow policy toward a peer, and the peers()/peer_subscriptions()
/// queries. TCP connections get their slot from `connections`.
class peer_table {
public:
  static constexpr uint32_t npos = UINT32_MAX;

  peer_table(core& owner, const core_settings& settings, router& routes,
             connections& conns);

  // -- slots -----------------------------------------------------------------

  peer_slot& operator[](uint32_t slot) noexcept { return slots_[slot]; }

  /// The slot of peer `id`, or npos.
  uint32_t find(const node_id& id) const noexcept {
    auto i = index_.find(id);
    return i != index_.end() ? i->second : npos;
  }

  /// Peers, connected or connecting (any thread).
  size_t count() const noexcept { return count_.load(); }

  /// A fresh slot; the caller fills it in and indexes it.
  uint32_t alloc();

  void index(const node_id& id, uint32_t slot) { index_[id] = slot; }

  void drop(uint32_t slot);

  /// Replaces the peer's filter and its routes.
  void set_filter(uint32_t slot, filter_type filter);

  // -- our filter ------------------------------------------------------------

  const filter_type& filter() const noexcept { return filter_; }

  /// Adds topics to the advertised filter and tells every peer.
  void extend_filter(const filter_type& topics);

  // -- in-memory peering (docs/protocol.md §7.3) -----------------------------

  void request_peering(const std::shared_ptr<core>& other,
                       std::shared_ptr<std::promise<bool>> done,
                       std::optional<network_info> dialed = std::nullopt,
                       std::optional<network_info> seen_as = std::nullopt);
  void on_peer_request(std::shared_ptr<core> from, filter_type filter,
                       std::shared_ptr<std::promise<bool>> done,
                       std::optional<network_info> seen_as);
  void on_peer_accepted(node_id from, filter_type filter,
                        std::shared_ptr<std::promise<bool>> done);
  /// Returns where to redial, for a peering that began as a dial with
  /// retries.
  std::optional<network_info> on_peer_gone(node_id from);
  void on_filter_update(node_id from, filter_type filter);

  // -- unpeering -------------------------------------------------------------

  /// False (and `peer_invalid`) if there is no such peer.
  bool unpeer(const node_id& id);
  bool unpeer(const std::string& address, uint16_t port);

  // -- overflow --------------------------------------------------------------

  /// Applies the peer overflow policy if the slot's pending batch does not
  /// fit behind the `queued` messages waiting toward that peer;
  /// `drop_queued(n)` removes up to n of the oldest waiting ones. False if
  /// nothing is left to send (or the peer was dropped).
  bool make_room(uint32_t slot, size_t queued,
                 const std::function<size_t(size_t)>& drop_queued);

  /// Applies the peer overflow policy when more than
  /// broker.peer-buffer-bytes of data wait toward TCP peer `slot` behind the
  /// write in progress (a slow reader); may drop the peer.
  void limit_queued_bytes(uint32_t slot);

  // -- queries and shutdown --------------------------------------------------

  std::vector<peer_info> infos() const;

  std::vector<topic> subscriptions() const;

  /// Every peer, connected or connecting, for the metrics.
  std::vector<peer_stats> stats() const;

  /// Orderly end of every established TCP peering (shutdown): what is
  /// queued goes out, then a BYE. Returns the connections that are leaving;
  /// their end reports no status.
  std::vector<std::shared_ptr<net::connection>> say_goodbye_all();

  /// Closes the connections and tells in-memory peers (core thread).
  void stop();

  /// Drops every slot (after the core thread is gone).
  void clear();

private:
  uint32_t add_slot(const std::shared_ptr<core>& remote, bool outbound);
  void establish(uint32_t slot);
  /// Turns a TCP slot that is not ready yet into an in-memory peering
  /// with `from` (same-process hand-over).
  void adopt_in_memory(uint32_t slot, const std::shared_ptr<core>& from,
                       std::optional<network_info> seen_as);
  void unpeer_slot(uint32_t slot);
  /// Drops the pending batch, and with `disconnect` the peer.
  void handle_overflow(uint32_t slot, size_t count);

  void report_drops(const endpoint_info& info, size_t count);
  void broadcast_filter();

  core& owner_;
  const core_settings settings_;
  router& routes_;
  connections& conns_;
  std::vector<peer_slot> slots_;
  std::vector<uint32_t> free_;
  std::unordered_map<node_id, uint32_t> index_;
  std::atomic<size_t> count_{0};
  filter_type filter_;
};

} // namespace broker::detail
