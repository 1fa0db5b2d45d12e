#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/configuration.hh"
#include "broker/network_info.hh"
#include "broker/topic.hh"

namespace broker::node {

/// What the node does once it is up (see tools/node/README.md).
enum class node_mode {
  relay,     // forwards its topics, prints statuses only
  subscribe, // prints every message received on its topics
  publish,   // publishes each stdin line as a string on its first topic
  pubsub,    // subscribe, and publishes stdin lines "<topic> <text>"
  generate,  // publishes n messages, paced by a sink's acknowledgements
  sink,      // counts n messages, acknowledges them, prints the rate
  ping,      // n round trips with a pong node, prints the RTT percentiles
  pong,      // answers pings (also Zeek `ping` events) until "stop"
  zeek_ping, // sends Zeek `ping(n)` events, prints the `pong` answers
  store_master, // --store-master: a store master driven by stdin commands
  store_clone,  // --store-clone: a store clone driven by stdin commands
};

/// A sink acknowledges every this many messages (and the last one), so a
/// generator's --max-in-flight must be at least twice as large.
constexpr size_t ack_interval = 1024;

struct node_options {
  std::string name = "broker-node";
  node_mode mode = node_mode::relay;
  std::vector<topic> topics;
  std::vector<network_info> peers;
  std::optional<uint16_t> local_port;
  /// Where pong answers go; unset: the topic the ping arrived on.
  std::optional<topic> pong_topic;
  /// Stores attached next to the mode (upstream's --master-stores and
  /// --clone-stores): memory masters and clones with default intervals.
  std::vector<std::string> master_stores;
  std::vector<std::string> clone_stores;
  /// --endpoint-id: the id the endpoint must have (checked after start).
  std::string endpoint_id;
  std::string local_address = "127.0.0.1";
  /// Seconds between connection attempts; 0 = one attempt per peer.
  uint32_t retry_s = 1;
  size_t num_messages = 100;
  /// 0: the small message vector{count, string(10), real}; otherwise a
  /// string of this many bytes.
  size_t payload_size = 0;
  /// Messages a generator may be ahead of the sink's acknowledgements.
  /// Below broker.peer-buffer-size minus one core batch (4096), so that
  /// a slow sink never makes the generator hit the peer buffer bound.
  size_t max_in_flight = 32768;
  /// Round trips a ping node runs before it starts measuring.
  size_t warmup = 0;
  /// Seconds a generator or ping node waits for a matching peer.
  double ready_timeout_s = 30;
  bool verbose = false;
  /// Store modes: the store's name, the master's backend ("memory" or
  /// "sqlite") and SQLite file, and the clone's intervals in seconds.
  /// Resync defaults to 1 s (the library's 10 s) so that a clone whose
  /// master restarted finds it quickly in the tests.
  std::string store_name;
  std::string store_backend = "memory";
  std::string store_path;
  double store_resync_s = 1;
  double store_stale_s = 300;
  double store_mutation_buffer_s = 120;
  configuration config;
};

/// Parses the command line. `--broker.*`, `--caf.*` and `--config-file`
/// go to `config`; everything else to CLI11. Exits the process on --help
/// (status 0) or a usage error (status 2, tools/common/cli.hh).
node_options parse_options(int argc, char** argv);

/// The topic a sink acknowledges on and a generator listens to.
topic ack_topic(const node_options& opts);

} // namespace broker::node
