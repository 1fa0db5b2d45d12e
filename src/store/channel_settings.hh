#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace broker::detail::channel {

/// Timing of the replication channel (docs/stores.md). All intervals
/// count ticks, so the state machines never read a clock: the owner calls
/// `tick()` once per `tick_interval`. The defaults are upstream's, so that a
/// peer running upstream's channel sees the cadence it expects.
struct settings {
  /// Configuration keys, as upstream names them.
  static constexpr std::string_view tick_interval_key =
    "broker.store.tick-interval";
  static constexpr std::string_view heartbeat_interval_key =
    "broker.store.heartbeat-interval";
  static constexpr std::string_view nack_timeout_key =
    "broker.store.nack-timeout";
  static constexpr std::string_view connection_timeout_key =
    "broker.store.connection-timeout";

  static constexpr std::chrono::milliseconds default_tick_interval{100};
  static constexpr uint16_t default_heartbeat_interval = 5;
  static constexpr uint16_t default_nack_timeout = 2;
  static constexpr uint16_t default_connection_timeout_factor = 100;

  /// Our own cap on the sequence numbers in one NACK: a keepalive may
  /// announce an arbitrary number, and the list must not grow with it. The
  /// rest of a gap is requested by the next NACK.
  static constexpr size_t max_nack_size = 1024;

  /// Wall-clock length of one tick; only the owner's timer uses it.
  std::chrono::milliseconds tick_interval = default_tick_interval;
  /// Producer: keepalive after this many idle ticks. Consumer: cumulative
  /// ACK every this many ticks. Travels in the handshake (u16 on the wire).
  uint16_t heartbeat_interval = default_heartbeat_interval;
  /// Ticks a gap may last before the consumer asks for the missing events;
  /// also the pace of an attaching consumer's NACK 0.
  uint16_t nack_timeout = default_nack_timeout;
  /// A peer silent for factor × heartbeat interval ticks is given up.
  uint16_t connection_timeout_factor = default_connection_timeout_factor;

  /// In ticks (50 s with the defaults: upstream's comment says 10 s, its
  /// arithmetic gives this).
  uint64_t connection_timeout() const noexcept {
    return uint64_t{connection_timeout_factor} * heartbeat_interval;
  }

  /// Zero would disable heartbeats or NACKs and so stall the channel for
  /// good; we treat it as 1.
  settings sanitized() const noexcept {
    auto result = *this;
    result.heartbeat_interval = at_least_one(heartbeat_interval);
    result.nack_timeout = at_least_one(nack_timeout);
    result.connection_timeout_factor = at_least_one(connection_timeout_factor);
    return result;
  }

private:
  static uint16_t at_least_one(uint16_t x) noexcept {
    return x == 0 ? 1 : x;
  }
};

} // namespace broker::detail::channel
