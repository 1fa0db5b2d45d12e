#pragma once

#include <asio/ip/tcp.hpp>

#include <future>
#include <memory>
#include <optional>
#include <unordered_map>

#include "broker/endpoint_info.hh"
#include "broker/error.hh"
#include "broker/network_info.hh"
#include "core/envelope.hh"
#include "core/settings.hh"
#include "format/peer_extensions.hh"
#include "net/connection.hh"

namespace asio::ssl {
class context;
} // namespace asio::ssl

namespace broker::detail {

class core;
class network;
class peer_table;
class router;

/// The TCP/TLS connections of a core (core thread only): each one's way
/// through the v1 handshake and the extension probe into a peer slot
/// (committing to a peer id, redundant connections, the same-process
/// hand-over, docs/protocol.md §5-§7), the slot each connection speaks
/// for, and connections going away.
class connections {
public:
  connections(core& owner, const core_settings& settings, router& routes,
              peer_table& peers, network& net);

  /// Runs the handshake on a new socket; `dialed` is where we dialled
  /// (nothing for inbound), `tls` null for plain TCP.
  void start(asio::ip::tcp::socket sock, asio::ssl::context* tls,
             std::optional<network_info> dialed,
             std::shared_ptr<std::promise<bool>> done,
             const asio::ip::tcp::endpoint& remote = {});

  /// The connection no longer speaks for its slot (unpeer, overflow).
  void forget(net::connection& conn);

  /// The peering of a connection that is not ready yet moved to memory:
  /// it no longer speaks for its slot, and its end is no failure.
  void moved_to_memory(net::connection& conn);

  /// Closes every connection still in its handshake (shutdown).
  void stop();

  /// Forgets everything (after the core thread is gone).
  void clear();

  /// Bytes and control messages of every connection so far, those that
  /// ended included (docs/metrics.md).
  net::connection_stats totals() const;

  /// Established peerings over TCP.
  size_t established() const;

private:
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

  net::commit_decision on_commit(net::connection& conn, const node_id& peer,
                                 bool originator);
  void on_handshake(net::connection& conn, filter_type&& filter);
  void on_ready(net::connection& conn, const format::peer_extensions& ext);
  bool hand_over(handshake& hs);
  /// Forgets the slot of a connection whose peering never became ready.
  void detach(net::connection& conn);
  void on_data(net::connection& conn, envelope&& env);
  void on_filter(net::connection& conn, filter_type&& filter);
  void on_closed(net::connection& conn, const error& err);
  void on_handshake_closed(net::connection& conn, const error& err);
  /// Why a connection ended, for the log.
  static std::string closing_reason(const net::connection& conn,
                                    const error& err);

  void report_inbound_failure(const endpoint_info& ctx, const error& err);

  /// Keeps the counts of a connection we stop tracking.
  void retire(const net::connection& conn);

  core& owner_;
  const core_settings settings_;
  router& routes_;
  peer_table& peers_;
  network& net_;
  std::unordered_map<net::connection*, handshake> handshakes_;
  std::unordered_map<net::connection*, uint32_t> slots_;
  /// Handshakes that committed to a peer id and have not finished.
  std::unordered_map<node_id, net::connection*> committing_;
  /// The counts of connections no longer tracked.
  net::connection_stats retired_;
};

} // namespace broker::detail
