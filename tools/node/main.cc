// broker-node: one endpoint, configured from the command line, that prints
// one machine-readable line per event (see tools/node/README.md).
#include "broker/endpoint.hh"
#include "broker/store.hh"
#include "cli.hh"
#include "event_loop.hh"
#include "modes.hh"
#include "options.hh"
#include "output.hh"

using namespace broker;
using namespace broker::node;

namespace {

std::unique_ptr<mode_runner> make_mode(const node_options& opts,
                                       endpoint& ep) {
  switch (opts.mode) {
    case node_mode::relay:
    case node_mode::subscribe:
    case node_mode::publish:
    case node_mode::pubsub:
      return make_interactive_mode(opts, ep);
    case node_mode::store_master:
    case node_mode::store_clone:
      return make_store_mode(opts, ep);
    case node_mode::zeek_ping:
      return make_zeek_ping_mode(opts, ep);
    default:
      return make_traffic_mode(opts, ep);
  }
}

/// --master-stores and --clone-stores: prints `attached master|clone NAME`
/// for each, or `attach_failed ...` and returns false.
bool attach_listed_stores(const node_options& opts, endpoint& ep,
                          std::vector<store>& stores) {
  auto attach = [&](const std::string& name, bool master) {
    auto st = master ? ep.attach_master(name, backend::memory)
                     : ep.attach_clone(name);
    if (!st) {
      print_line(std::string{"attach_failed "} + to_string(st.error().code())
                 + ' ' + st.error().message());
      return false;
    }
    stores.push_back(std::move(*st));
    print_line(std::string{"attached "} + (master ? "master " : "clone ")
               + name);
    return true;
  };
  for (auto& name : opts.master_stores)
    if (!attach(name, true))
      return false;
  for (auto& name : opts.clone_stores)
    if (!attach(name, false))
      return false;
  return true;
}

/// --endpoint-id goes to the library as broker.endpoint-id; a node whose id
/// still differs (a library without the setting) says so and fails.
bool check_endpoint_id(const node_options& opts, const endpoint& ep) {
  if (opts.endpoint_id.empty() || to_string(ep.node_id()) == opts.endpoint_id)
    return true;
  tools::print_error("broker-node", "--endpoint-id " + opts.endpoint_id
                                      + " not applied: the library chose "
                                      + to_string(ep.node_id()));
  return false;
}

int run_node(const node_options& opts, endpoint& ep, event_loop& loop) {
  if (!check_endpoint_id(opts, ep))
    return tools::exit_failure;
  std::vector<store> stores;
  if (!attach_listed_stores(opts, ep, stores))
    return tools::exit_failure;
  auto mode = make_mode(opts, ep);
  if (opts.local_port) {
    auto port = ep.listen(opts.local_address, *opts.local_port);
    if (port == 0) {
      print_line("listen_failed " + opts.local_address + ':'
                 + std::to_string(*opts.local_port));
      return tools::exit_failure;
    }
    print_line("listening " + std::to_string(port));
  }
  for (auto& where : opts.peers)
    ep.peer_nosync(where.address, where.port, where.retry);
  return mode->run(loop);
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse_options(argc, argv);
  event_loop::block_signals();
  endpoint ep{opts.config};
  auto statuses = ep.make_status_subscriber(true);
  event_loop loop{statuses};
  loop.set_printer(print_event);
  print_line("node " + opts.name + ' ' + to_string(ep.node_id()));
  // broker.metrics.port=0 picks a free port: say which.
  if (auto port = ep.metrics_port(); port != 0)
    print_line("metrics " + std::to_string(port));
  auto rc = run_node(opts, ep, loop);
  print_line("peak_rss_kib " + std::to_string(peak_rss_kib()));
  print_line(cpu_seconds_line());
  ep.shutdown();
  print_line("exit " + std::to_string(rc));
  return rc;
}
