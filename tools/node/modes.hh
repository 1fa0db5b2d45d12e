#pragma once

#include <memory>

#include "broker/endpoint.hh"
#include "event_loop.hh"
#include "options.hh"

namespace broker::node {

using tools::event_loop;

/// A mode of the node. Construction subscribes and forwards, so it must
/// happen before the node listens or dials: the hello then already carries
/// the node's filter.
class mode_runner {
public:
  virtual ~mode_runner() = default;

  /// Runs the mode to its end; returns the process's exit status.
  virtual int run(event_loop& loop) = 0;
};

/// A mode that reads messages on its topics.
class subscribing_mode : public mode_runner {
protected:
  subscribing_mode(const node_options& opts, endpoint& ep)
    : opts_(opts), ep_(ep), sub_(ep.make_subscriber(opts.topics)) {}

  const node_options& opts_;
  endpoint& ep_;
  subscriber sub_;
};

/// relay, subscribe, publish, pubsub: run until SIGINT or SIGTERM.
std::unique_ptr<mode_runner> make_interactive_mode(const node_options& opts,
                                                   endpoint& ep);

/// generate, sink, ping, pong: run to the end of their traffic.
std::unique_ptr<mode_runner> make_traffic_mode(const node_options& opts,
                                               endpoint& ep);

/// store-master and store-clone (store_modes.cc): run until SIGINT or
/// SIGTERM.
std::unique_ptr<mode_runner> make_store_mode(const node_options& opts,
                                             endpoint& ep);

/// ping, pong and zeek-ping (ping_pong_modes.cc, zeek_ping_mode.cc).
std::unique_ptr<mode_runner> make_ping_mode(const node_options& opts,
                                            endpoint& ep);

std::unique_ptr<mode_runner> make_pong_mode(const node_options& opts,
                                            endpoint& ep);

std::unique_ptr<mode_runner> make_zeek_ping_mode(const node_options& opts,
                                                 endpoint& ep);

/// Waits until a peer's filter matches `t`; prints `ready` (true) or
/// `not_ready` (false: timeout or signal).
bool wait_for_subscriber(endpoint& ep, event_loop& loop, const topic& t,
                         double timeout_s);

} // namespace broker::node
