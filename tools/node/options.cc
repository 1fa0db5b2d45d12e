#include "options.hh"

#include <map>

#include "broker/node_id.hh"

#include "addresses.hh"
#include "cli.hh"

namespace broker::node {

using namespace broker::tools;

namespace {

constexpr const char* tool = "broker-node";

const std::map<std::string, node_mode> mode_names = {
  {"relay", node_mode::relay},         {"subscribe", node_mode::subscribe},
  {"publish", node_mode::publish},     {"pubsub", node_mode::pubsub},
  {"generate", node_mode::generate},   {"sink", node_mode::sink},
  {"ping", node_mode::ping},           {"pong", node_mode::pong},
  {"zeek-ping", node_mode::zeek_ping},
};

/// The flags that CLI11 cannot store into `opts` directly.
struct raw_flags {
  std::string mode = "relay";
  std::vector<std::string> topics;
  std::vector<std::string> peers;
  std::string port;
  std::string pong_topic;
  std::vector<std::string> master_stores;
  std::vector<std::string> clone_stores;
  std::string store_master;
  std::string store_clone;
  library_flags library;
};

std::vector<std::string> mode_list() {
  std::vector<std::string> result;
  for (auto& [name, value] : mode_names)
    result.push_back(name);
  return result;
}

void add_network_flags(CLI::App& app, node_options& opts, raw_flags& raw) {
  app.add_option("-p,--peers", raw.peers,
                 "peers to dial: host:port, [v6]:port or tcp://host:port "
                 "(repeat, or a comma list)");
  app.add_option("-l,--local-port,--port", raw.port,
                 "listen on this port, e.g. 9999 or 9999/tcp (0: any free "
                 "port)");
  app.add_option("--local-address", opts.local_address,
                 "address to listen on (\"\": all interfaces)");
  app.add_option("-r,--retry", opts.retry_s,
                 "seconds between connection attempts (0: one attempt)");
  app.add_option("--endpoint-id", opts.endpoint_id,
                 "the endpoint's id (a UUID; needs library support, see "
                 "tools/node/README.md)");
}

void add_traffic_flags(CLI::App& app, node_options& opts, raw_flags& raw) {
  app.add_option("-n,--num-messages", opts.num_messages,
                 "messages (generate, sink) or round trips (ping, zeek-ping)");
  app.add_option("-s,--payload-size", opts.payload_size,
                 "0: small vector message, else a string of this size");
  app.add_option("--max-in-flight", opts.max_in_flight,
                 "generate: messages ahead of the sink's acknowledgements");
  app.add_option("--warmup", opts.warmup,
                 "ping: round trips before measuring");
  app.add_option("--ready-timeout", opts.ready_timeout_s,
                 "seconds to wait for a peer subscribed to the topic");
  app.add_option("--pong-topic", raw.pong_topic,
                 "pong: topic of the answers (default: the ping's topic)");
}

void add_store_flags(CLI::App& app, node_options& opts, raw_flags& raw) {
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
  app.add_option("--master-stores", raw.master_stores,
                 "attach memory masters of these stores next to the mode");
  app.add_option("--clone-stores", raw.clone_stores,
                 "attach clones of these stores next to the mode");
}

void add_flags(CLI::App& app, node_options& opts, raw_flags& raw) {
  app.add_option("-t,--topics", raw.topics,
                 "topics: subscribed, forwarded or published on (see -m); "
                 "required except in the store modes");
  app.add_option("-m,--mode", raw.mode, "what the node does (default relay)")
    ->check(CLI::IsMember(mode_list()));
  add_network_flags(app, opts, raw);
  add_traffic_flags(app, opts, raw);
  app.add_option("-N,--name", opts.name, "name printed on the first line");
  app.add_flag("-v,--verbose", opts.verbose,
               "print every message (sink), round trip (ping) or answer "
               "(pong)");
  add_store_flags(app, opts, raw);
  add_library_options(app, raw.library);
  app.footer("Library settings: --broker.<key>=<value> (docs/configuration.md)."
             "\nExit status: 0 success or SIGINT/SIGTERM, 1 the mode failed, "
             "2 usage error.");
}

void check_store_flags(node_options& opts, const raw_flags& raw) {
  if (!raw.store_master.empty() || !raw.store_clone.empty()) {
    bool is_master = !raw.store_master.empty();
    opts.mode = is_master ? node_mode::store_master : node_mode::store_clone;
    opts.store_name = is_master ? raw.store_master : raw.store_clone;
    if (opts.store_backend == "sqlite" && opts.store_path.empty())
      usage_error(tool, "--store-backend sqlite needs --store-path");
  } else if (opts.topics.empty()) {
    usage_error(tool, "--topics is required");
  }
  opts.master_stores = split_lists(raw.master_stores);
  opts.clone_stores = split_lists(raw.clone_stores);
}

void check_network_flags(node_options& opts, const raw_flags& raw) {
  auto net = parse_network_flags(tool, raw.port, raw.peers, opts.retry_s);
  if (net.local_port)
    opts.local_port = net.local_port;
  opts.peers.insert(opts.peers.end(), net.peers.begin(), net.peers.end());
  node_id id;
  if (!opts.endpoint_id.empty() && !convert(opts.endpoint_id, id))
    usage_error(tool, "--endpoint-id is not a UUID: " + opts.endpoint_id);
}

} // namespace

topic ack_topic(const node_options& opts) {
  return topic{opts.topics.front().string() + "/ack"};
}

node_options parse_options(int argc, char** argv) {
  auto args = split_library_arguments(argc, argv);
  node_options opts;
  raw_flags raw;
  CLI::App app{"broker-node: one Broker endpoint for tests and benchmarks"};
  add_flags(app, opts, raw);
  parse_or_exit(app, tool, args.cli);
  opts.mode = mode_names.at(raw.mode);
  for (auto& t : split_lists(raw.topics))
    opts.topics.emplace_back(t);
  check_store_flags(opts, raw);
  if (opts.max_in_flight < 2 * ack_interval)
    usage_error(tool, "--max-in-flight must be at least "
                        + std::to_string(2 * ack_interval));
  check_network_flags(opts, raw);
  if (!raw.pong_topic.empty())
    opts.pong_topic = topic{raw.pong_topic};
  if (!opts.endpoint_id.empty())
    args.library.push_back("--broker.endpoint-id=" + opts.endpoint_id);
  opts.config = make_configuration(tool, args.library, raw.library);
  return opts;
}

} // namespace broker::node
