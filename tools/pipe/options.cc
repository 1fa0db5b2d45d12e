#include <map>

#include "addresses.hh"
#include "cli.hh"
#include "pipe.hh"

namespace broker::pipe {

using namespace broker::tools;

namespace {

constexpr const char* tool = "broker-pipe";

const std::map<std::string, pipe_mode> modes = {
  {"publish", pipe_mode::publish},
  {"subscribe", pipe_mode::subscribe},
};

const std::map<std::string, pipe_impl> impls = {
  {"blocking", pipe_impl::blocking},
  {"select", pipe_impl::select},
  {"stream", pipe_impl::stream},
};

const std::map<std::string, output_format> formats = {
  {"data", output_format::data},
  {"topic", output_format::topic},
  {"tuple", output_format::tuple},
};

struct raw_flags {
  std::string mode;
  std::string impl = "blocking";
  std::string format = "data";
  std::string topic;
  std::vector<std::string> peers;
  std::string port;
  library_flags library;
};

template <class T>
CLI::IsMember names_of(const std::map<std::string, T>& xs) {
  std::vector<std::string> names;
  for (auto& [name, value] : xs)
    names.push_back(name);
  return CLI::IsMember(names);
}

void add_flags(CLI::App& app, pipe_options& opts, raw_flags& raw) {
  app.add_option("-m,--mode", raw.mode, "publish or subscribe")
    ->required()
    ->check(names_of(modes));
  app.add_option("-t,--topic", raw.topic, "topic to publish on or subscribe to")
    ->required();
  app.add_option("-p,--peers", raw.peers,
                 "peers to dial: host:port, [v6]:port or tcp://host:port "
                 "(repeat, or a comma list)");
  app.add_option("-l,--local-port", raw.port,
                 "listen on this port, e.g. 9999 or 9999/tcp (0: any free "
                 "port; the port is printed on stderr)");
  app.add_option("--local-address", opts.local_address,
                 "address to listen on (default \"\": all interfaces)");
  app.add_option("--retry", opts.retry_s,
                 "seconds between connection attempts (0: one attempt, and "
                 "a failed one ends the run)");
  app.add_option("-i,--impl", raw.impl,
                 "how messages pass the library: blocking, select or stream")
    ->check(names_of(impls));
  app.add_option("-c,--message-cap", opts.message_cap,
                 "stop after this many messages (0: no cap)");
  app.add_flag("-r,--rate", opts.print_rate,
               "print the message count once per second instead of the "
               "messages");
  app.add_option("--rate-limit", opts.rate_limit,
                 "publish: at most this many messages per second (0: no "
                 "limit)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("--ready-timeout", opts.ready_timeout_s,
                 "publish: seconds to wait for a subscribed peer (0: do not "
                 "wait)")
    ->check(CLI::NonNegativeNumber);
  app.add_option("-f,--format", raw.format,
                 "subscribe: data (the value), topic (<topic> <value>) or "
                 "tuple ((<topic>, <value>))")
    ->check(names_of(formats));
  app.add_flag("-v,--verbose", opts.verbose, "print statuses on stderr");
  app.add_flag("-q,--quiet", opts.quiet,
               "no summary and no listening line on stderr");
  add_library_options(app, raw.library);
  app.footer("Library settings: --broker.<key>=<value> (docs/configuration.md)."
             "\nExit status: 0 success, end of input, cap reached or "
             "SIGINT/SIGTERM; 1 failure (listen, peering, no subscriber); "
             "2 usage error.");
}

void check_network_flags(pipe_options& opts, const raw_flags& raw) {
  auto net = parse_network_flags(tool, raw.port, raw.peers, opts.retry_s);
  if (net.local_port)
    opts.local_port = net.local_port;
  opts.peers.insert(opts.peers.end(), net.peers.begin(), net.peers.end());
}

} // namespace

pipe_options parse_options(int argc, char** argv) {
  auto args = split_library_arguments(argc, argv);
  pipe_options opts;
  raw_flags raw;
  CLI::App app{"broker-pipe: publishes stdin lines to a topic, or prints "
               "the messages of a topic"};
  add_flags(app, opts, raw);
  parse_or_exit(app, tool, args.cli);
  opts.mode = modes.at(raw.mode);
  opts.impl = impls.at(raw.impl);
  opts.format = formats.at(raw.format);
  if (raw.topic.empty())
    usage_error(tool, "the topic must not be empty");
  opts.where = topic{raw.topic};
  check_network_flags(opts, raw);
  opts.config = make_configuration(tool, args.library, raw.library);
  return opts;
}

} // namespace broker::pipe
