// broker-node: one endpoint, configured from the command line, that prints
// one machine-readable line per event (see tools/node/README.md).
#include "broker/endpoint.hh"
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
    default:
      return make_traffic_mode(opts, ep);
  }
}

} // namespace

int main(int argc, char** argv) {
  auto opts = parse_options(argc, argv);
  event_loop::block_signals();
  endpoint ep{opts.config};
  auto statuses = ep.make_status_subscriber(true);
  event_loop loop{statuses};
  print_line("node " + opts.name + ' ' + to_string(ep.node_id()));
  auto mode = make_mode(opts, ep);
  if (opts.local_port) {
    auto port = ep.listen(opts.local_address, *opts.local_port);
    if (port == 0) {
      print_line("listen_failed " + opts.local_address + ':'
                 + std::to_string(*opts.local_port));
      return 1;
    }
    print_line("listening " + std::to_string(port));
  }
  for (auto& where : opts.peers)
    ep.peer_nosync(where.address, where.port, where.retry);
  auto rc = mode->run(loop);
  print_line("peak_rss_kib " + std::to_string(peak_rss_kib()));
  print_line(cpu_seconds_line());
  ep.shutdown();
  print_line("exit " + std::to_string(rc));
  return rc;
}
