#pragma once

// broker-benchmark (tools/benchmark/README.md): a sender publishes Zeek
// events of one of three shapes to a receiver, which reports what it got.
// The topics and event names are those of upstream's tool and of the Zeek
// script it pairs with, so either side can also be Zeek.

#include <cstddef>
#include <optional>
#include <string>

#include "broker/configuration.hh"
#include "broker/data.hh"
#include "broker/network_info.hh"
#include "broker/topic.hh"

namespace broker::benchmark {

/// Events go here (sender to receiver).
inline const topic events_topic{"/benchmark/events"};
/// `stats_update` events go here (receiver to sender).
inline const topic stats_topic{"/benchmark/stats"};
/// `quit_benchmark` goes here (sender to receiver): the run is over.
inline const topic terminate_topic{"/benchmark/terminate"};

struct benchmark_options {
  /// Receiver: listen here (--server ADDR:PORT); else the sender dials
  /// `peer`.
  std::optional<std::pair<std::string, uint16_t>> server;
  network_info peer;
  /// 1: event_1(int, string); 2: event_2, a Zeek conn.log record's 18
  /// fields; 3: event_3(time, table[string] of set[string]).
  int event_type = 1;
  /// Batches per second; 0: as fast as possible.
  double batch_rate = 1;
  size_t batch_size = 1;
  /// Every this many seconds the batch size grows by the amount; 0: never.
  double increase_interval_s = 0;
  size_t increase_amount = 1;
  /// Sender: stop once the receiver reported more than this; 0: no limit.
  size_t max_received = 0;
  /// Sender: wait while more events than this are unconfirmed; 0: no limit.
  size_t max_in_flight = 0;
  /// Sender: events to send (receiver: to receive); 0: no limit.
  size_t count = 0;
  /// Sender: seconds to send; 0: no limit.
  double duration_s = 0;
  /// Sender: seconds to wait for the receiver to confirm every event.
  double drain_timeout_s = 30;
  /// Sender: seconds to wait for the receiver's subscription.
  double ready_timeout_s = 30;
  /// Receiver: seconds between stats_update events.
  double stats_interval_s = 1;
  uint32_t retry_s = 1;
  bool verbose = false;
  configuration config;
};

/// Parses the command line; exits on --help (0) or a usage error (2).
benchmark_options parse_options(int argc, char** argv);

/// The `n`-th event of `type` (1, 2 or 3) as a Zeek event message.
data make_event(int type, size_t n);

/// Sender and receiver; each returns the exit code.
int run_sender(const benchmark_options& opts);
int run_receiver(const benchmark_options& opts);

} // namespace broker::benchmark
