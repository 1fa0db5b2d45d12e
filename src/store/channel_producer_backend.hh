#pragma once

#include "store/channel_messages.hh"

namespace broker::detail::channel {

/// Where a `producer` puts its output. The owner maps each message to an
/// internal_command and publishes it (unicast: receiver = that consumer's
/// entity; broadcast: receiver nil).
template <class Handle, class Payload>
class producer_backend {
public:
  using message = producer_message<Payload>;

  virtual ~producer_backend() = default;

  /// Unicast: handshakes, retransmitted events, retransmit_failed.
  virtual void send(const Handle& consumer, const message& msg) = 0;

  /// To every consumer: new events and keepalives.
  virtual void broadcast(const message& msg) = 0;

  /// `consumer` is gone: silent or stuck for the connection timeout, or
  /// told that an event it asked for is lost (it will re-attach).
  virtual void on_drop(const Handle& consumer) = 0;
};

} // namespace broker::detail::channel
