// broker-benchmark: Zeek events from a sender to a receiver, with rates and
// a summary (tools/benchmark/README.md).
#include "benchmark.hh"

int main(int argc, char** argv) {
  using namespace broker::benchmark;
  auto opts = parse_options(argc, argv);
  return opts.server ? run_receiver(opts) : run_sender(opts);
}
