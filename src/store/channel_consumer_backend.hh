#pragma once

#include "store/channel_messages.hh"

namespace broker::detail::channel {

/// Why a consumer gave up; it needs a fresh attach (and, for a clone, a
/// fresh snapshot) afterwards.
enum class failure {
  /// The producer no longer had an event we missed.
  retransmit_failed,
  /// Nothing from the producer for the connection timeout.
  connection_timeout,
};

/// Where a `consumer` puts its output.
template <class Handle, class Payload>
class consumer_backend {
public:
  virtual ~consumer_backend() = default;

  /// Unicast to the producer: cumulative_ack, nack.
  virtual void send(const Handle& producer, const consumer_message& msg) = 0;

  /// To whoever produces on the topic: the attach request `nack{[0]}`.
  virtual void broadcast(const consumer_message& msg) = 0;

  /// The next event in order; called exactly once per sequence number.
  virtual void deliver(Payload content) = 0;

  /// The channel is broken for good; the consumer ignores all further input.
  virtual void on_failure(failure reason) = 0;
};

} // namespace broker::detail::channel
