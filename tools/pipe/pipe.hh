#pragma once

// broker-pipe (tools/pipe/README.md): stdin lines to a topic, or a topic's
// messages to stdout.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/configuration.hh"
#include "broker/endpoint.hh"
#include "broker/network_info.hh"
#include "broker/subscriber.hh"
#include "broker/topic.hh"
#include "event_loop.hh"
#include "progress.hh"

namespace broker::pipe {

using tools::event_loop;

enum class pipe_mode { publish, subscribe };

/// How messages are handed to or taken from the library (upstream's -i).
enum class pipe_impl {
  blocking, // endpoint::publish per line; subscriber::get per message
  select,   // a publisher / the subscriber, driven by poll(2) on their fds
  stream,   // endpoint::publish_all; subscriber::get(n, timeout) batches
};

/// How a received message is printed.
enum class output_format {
  data,  // the value in to_string form (a published line comes back as is)
  topic, // `<topic> <value>`
  tuple, // `(<topic>, <value>)`
};

struct pipe_options {
  pipe_mode mode = pipe_mode::subscribe;
  pipe_impl impl = pipe_impl::blocking;
  output_format format = output_format::data;
  topic where;
  std::vector<network_info> peers;
  std::optional<uint16_t> local_port;
  std::string local_address;
  uint32_t retry_s = 1;
  /// Messages to publish or receive before exiting; 0: no cap.
  size_t message_cap = 0;
  /// Publish: messages per second at most; 0: no limit.
  double rate_limit = 0;
  /// -r: print the message count once per second instead of the content.
  bool print_rate = false;
  /// Publish: seconds to wait for a peer subscribed to the topic; 0: do
  /// not wait (what nobody subscribed to is dropped).
  double ready_timeout_s = 30;
  bool verbose = false;
  bool quiet = false;
  configuration config;
};

/// Parses the command line; exits on --help (0) or a usage error (2).
pipe_options parse_options(int argc, char** argv);

/// Counts for the summary, the rate lines and the progress line.
struct pipe_counters {
  size_t messages = 0;
  size_t bytes = 0;
  /// Subscribe: messages the subscriber's overflow policy dropped.
  size_t dropped = 0;
  /// When the first message was published or received.
  std::optional<event_loop::clock::time_point> first;
};

/// Called often by the modes: prints the per-second count (-r) and
/// redraws the progress line.
class monitor {
public:
  monitor(const pipe_options& opts, const pipe_counters& counters);

  void tick();

  /// Erases the progress line (before other stderr output and at the end).
  void clear() { progress_.clear(); }

private:
  const pipe_options& opts_;
  const pipe_counters& counters_;
  tools::progress_line progress_;
  event_loop::clock::time_point next_rate_;
  size_t last_count_ = 0;
};

/// What the modes share.
struct pipe_context {
  const pipe_options& opts;
  endpoint& ep;
  event_loop& loop;
  pipe_counters& counters;
  monitor& mon;
  /// True once a dial failed for good (--retry 0).
  std::function<bool()> dial_failed;
};

/// How often the modes call monitor::tick at least.
constexpr std::chrono::milliseconds tick_interval{100};

/// Publish mode (publish.cc); returns the exit code.
int run_publish(pipe_context& ctx);

/// Subscribe mode (subscribe.cc) on `sub`; returns the exit code.
int run_subscribe(pipe_context& ctx, subscriber& sub);

} // namespace broker::pipe
