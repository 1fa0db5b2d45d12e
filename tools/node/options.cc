#include "options.hh"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>

namespace broker::node {

namespace {

const std::map<std::string, node_mode> mode_names = {
  {"relay", node_mode::relay},         {"subscribe", node_mode::subscribe},
  {"publish", node_mode::publish},     {"pubsub", node_mode::pubsub},
  {"generate", node_mode::generate},   {"sink", node_mode::sink},
  {"ping", node_mode::ping},           {"pong", node_mode::pong},
};

/// Library settings are open-ended, so CLI11 never sees them: it would
/// reject every key it does not know.
bool is_library_setting(std::string_view arg) {
  return arg.rfind("--broker.", 0) == 0;
}

/// The flags that CLI11 cannot store into `opts` directly.
struct raw_flags {
  std::string mode = "relay";
  std::vector<std::string> topics;
  std::vector<std::string> peers;
  std::string store_master;
  std::string store_clone;
};

std::vector<std::string> mode_list() {
  std::vector<std::string> result;
  for (auto& [name, value] : mode_names)
    result.push_back(name);
  return result;
}

void add_flags(CLI::App& app, node_options& opts, raw_flags& raw) {
  app.add_option("-t,--topics", raw.topics,
                 "topics: subscribed, forwarded or published on (see -m); "
                 "required except in the store modes");
  app.add_option("-m,--mode", raw.mode, "what the node does (default relay)")
    ->check(CLI::IsMember(mode_list()));
  app.add_option("-p,--peers", raw.peers, "peers to dial: host:port");
  app.add_option("-l,--local-port", opts.local_port,
                 "listen on this port (0: any free port)");
  app.add_option("--local-address", opts.local_address,
                 "address to listen on (\"\": all interfaces)");
  app.add_option("-r,--retry", opts.retry_s,
                 "seconds between connection attempts (0: one attempt)");
  app.add_option("-n,--num-messages", opts.num_messages,
                 "messages (generate, sink) or round trips (ping)");
  app.add_option("-s,--payload-size", opts.payload_size,
                 "0: small vector message, else a string of this size");
  app.add_option("--max-in-flight", opts.max_in_flight,
                 "generate: messages ahead of the sink's acknowledgements");
  app.add_option("--warmup", opts.warmup,
                 "ping: round trips before measuring");
  app.add_option("--ready-timeout", opts.ready_timeout_s,
                 "seconds to wait for a peer subscribed to the topic");
  app.add_option("-N,--name", opts.name, "name printed on the first line");
  app.add_flag("-v,--verbose", opts.verbose,
               "print every message (sink) or round trip (ping)");
  auto master = app.add_option("--store-master", raw.store_master,
                               "store mode: attach the master of this store");
  auto clone = app.add_option("--store-clone", raw.store_clone,
                              "store mode: attach a clone of this store");
  master->excludes(clone);
  app.add_option("--store-backend", opts.store_backend,
                 "master: memory (default) or sqlite")
    ->check(CLI::IsMember({"memory", "sqlite"}));
  app.add_option("--store-path", opts.store_path, "master: the SQLite file");
  app.add_option("--store-resync", opts.store_resync_s,
                 "clone: seconds between searches for the master (default 1)");
  app.add_option("--store-stale", opts.store_stale_s,
                 "clone: seconds without master until stale (default 300)");
  app.add_option("--store-mutation-buffer", opts.store_mutation_buffer_s,
                 "clone: seconds mutations wait for a master (default 120)");
  app.footer("Library settings: --broker.<key>=<value> "
             "(see docs/configuration.md).");
}

} // namespace

std::optional<network_info> parse_peer(std::string str, uint32_t retry_s) {
  constexpr std::string_view scheme = "tcp://";
  if (str.rfind(scheme, 0) == 0)
    str.erase(0, scheme.size());
  auto colon = str.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == str.size())
    return std::nullopt;
  auto host = str.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  auto port = std::strtoul(str.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port == 0 || port > 65535)
    return std::nullopt;
  return network_info{host, static_cast<uint16_t>(port),
                      timeout::seconds{retry_s}};
}

topic ack_topic(const node_options& opts) {
  return topic{opts.topics.front().string() + "/ack"};
}

node_options parse_options(int argc, char** argv) {
  std::vector<char*> cli_args{argv[0]};
  std::vector<char*> settings{argv[0]};
  for (int i = 1; i < argc; ++i)
    (is_library_setting(argv[i]) ? settings : cli_args).push_back(argv[i]);
  node_options opts;
  raw_flags raw;
  CLI::App app{"broker-node: one Broker endpoint for tests and benchmarks"};
  add_flags(app, opts, raw);
  try {
    app.parse(static_cast<int>(cli_args.size()), cli_args.data());
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e) == 0 ? 0 : 2);
  }
  opts.mode = mode_names.at(raw.mode);
  if (!raw.store_master.empty() || !raw.store_clone.empty()) {
    bool is_master = !raw.store_master.empty();
    opts.mode = is_master ? node_mode::store_master : node_mode::store_clone;
    opts.store_name = is_master ? raw.store_master : raw.store_clone;
    if (opts.store_backend == "sqlite" && opts.store_path.empty()) {
      std::fprintf(stderr, "broker-node: --store-backend sqlite needs "
                           "--store-path\n");
      std::exit(2);
    }
  } else if (raw.topics.empty()) {
    std::fprintf(stderr, "broker-node: --topics is required\n");
    std::exit(2);
  }
  if (opts.max_in_flight < 2 * ack_interval) {
    std::fprintf(stderr, "broker-node: --max-in-flight must be at least %zu\n",
                 2 * ack_interval);
    std::exit(2);
  }
  for (auto& t : raw.topics)
    opts.topics.emplace_back(t);
  for (auto& p : raw.peers) {
    auto where = parse_peer(p, opts.retry_s);
    if (!where) {
      std::fprintf(stderr, "broker-node: bad peer address: %s\n", p.c_str());
      std::exit(2);
    }
    opts.peers.push_back(std::move(*where));
  }
  opts.config = configuration{static_cast<int>(settings.size()),
                              settings.data()};
  return opts;
}

} // namespace broker::node
