#include "addresses.hh"
#include "benchmark.hh"
#include "cli.hh"

namespace broker::benchmark {

using namespace broker::tools;

namespace {

constexpr const char* tool = "broker-benchmark";

/// Upstream's default port when HOST has none.
constexpr uint16_t default_port = 9999;

struct raw_flags {
  std::string server;
  std::string host;
  library_flags library;
};

void add_load_flags(CLI::App& app, benchmark_options& opts) {
  app.add_option("-t,--event-type", opts.event_type,
                 "1: event_1(int, string), 2: a conn.log record's fields, "
                 "3: event_3(time, table[string] of set[string])")
    ->check(CLI::Range(1, 3));
  app.add_option("-r,--batch-rate", opts.batch_rate,
                 "batches per second (0: as fast as possible; default 1)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("-s,--batch-size", opts.batch_size,
                 "events per batch (default 1)")
    ->check(CLI::PositiveNumber);
  app.add_option("-i,--batch-size-increase-interval",
                 opts.increase_interval_s,
                 "seconds between batch size increases (0: never)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("-a,--batch-size-increase-amount", opts.increase_amount,
                 "events added to the batch size at each increase");
}

void add_limit_flags(CLI::App& app, benchmark_options& opts) {
  app.add_option("-n,--count", opts.count,
                 "events to send (receiver: to receive, then exit); 0: no "
                 "limit");
  app.add_option("-d,--duration", opts.duration_s,
                 "seconds to send (0: no limit)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("-m,--max-received", opts.max_received,
                 "stop once the receiver reported more events than this");
  app.add_option("-f,--max-in-flight", opts.max_in_flight,
                 "wait while more events than this are unconfirmed by the "
                 "receiver (0: no limit)");
  app.add_option("--drain-timeout", opts.drain_timeout_s,
                 "seconds to wait for the receiver to confirm every event "
                 "(default 30)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--ready-timeout", opts.ready_timeout_s,
                 "seconds to wait for the receiver's subscription (default "
                 "30)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--stats-interval", opts.stats_interval_s,
                 "receiver: seconds between stats_update events (default 1)")
    ->check(CLI::PositiveNumber);
}

void add_flags(CLI::App& app, benchmark_options& opts, raw_flags& raw) {
  app.add_option("host", raw.host,
                 "sender: the receiver's HOST[:PORT] (port default 9999)");
  app.add_option("--server", raw.server,
                 "run the receiver, listening on ADDR:PORT (ADDR empty: all "
                 "interfaces; PORT 0: any free port)");
  add_load_flags(app, opts);
  add_limit_flags(app, opts);
  app.add_option("--retry", opts.retry_s,
                 "sender: seconds between connection attempts (0: one)");
  app.add_flag("-v,--verbose", opts.verbose,
               "print every statistics report on stderr");
  add_library_options(app, raw.library);
  app.footer("Library settings: --broker.<key>=<value> (docs/configuration.md)."
             "\nExit status: 0 success or SIGINT/SIGTERM; 1 failure (listen, "
             "peering, receiver lost, events unconfirmed); 2 usage error.");
}

network_info parse_host(const std::string& host, uint32_t retry_s) {
  auto spec = host;
  if (spec.find(':') == std::string::npos || spec.back() == ']')
    spec += ':' + std::to_string(default_port);
  auto where = parse_peer(spec, retry_s);
  if (!where)
    usage_error(tool, "bad receiver address: " + host);
  return *where;
}

} // namespace

benchmark_options parse_options(int argc, char** argv) {
  auto args = split_library_arguments(argc, argv);
  benchmark_options opts;
  raw_flags raw;
  CLI::App app{"broker-benchmark: Zeek events from a sender to a receiver, "
               "with rates and a summary"};
  add_flags(app, opts, raw);
  parse_or_exit(app, tool, args.cli);
  if (raw.server.empty() == raw.host.empty())
    usage_error(tool, "give either HOST[:PORT] (sender) or --server "
                      "ADDR:PORT (receiver)");
  if (!raw.server.empty()) {
    opts.server = parse_listen_point(raw.server);
    if (!opts.server)
      usage_error(tool, "bad --server address: " + raw.server);
  } else {
    opts.peer = parse_host(raw.host, opts.retry_s);
  }
  opts.config = make_configuration(tool, args.library, raw.library);
  return opts;
}

} // namespace broker::benchmark
