// Throughput of the in-process engine: one publisher thread publishes small
// messages (vector{count, string(10), real}) on endpoint A; endpoint B (peered
// in memory) delivers them to 1 or 4 subscribers, each drained by its own
// thread. Prints msgs/s per configuration and the process's peak RSS.
//
// Usage: bench-endpoint [messages]   (default 2,000,000)
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double run(size_t num_subscribers, size_t messages) {
  endpoint a;
  endpoint b;
  std::vector<subscriber> subs;
  for (size_t i = 0; i < num_subscribers; ++i)
    subs.emplace_back(b.make_subscriber({"/bench"}));
  if (!a.peer(b)) {
    std::fprintf(stderr, "peering failed\n");
    std::exit(1);
  }
  std::vector<std::thread> readers;
  std::atomic<size_t> lost{0};
  auto start = std::chrono::steady_clock::now();
  for (auto& sub : subs)
    readers.emplace_back([&sub, &lost, messages] {
      size_t got = 0;
      while (got < messages) {
        auto xs = sub.get(4096, 2s);
        if (xs.empty())
          break; // Stalled: count the rest as lost.
        got += xs.size();
      }
      lost += messages - got + sub.dropped();
    });
  const std::string payload(10, 'x');
  for (size_t i = 0; i < messages; ++i)
    a.publish("/bench/events", vector{count{i}, payload, real{1.5}});
  for (auto& t : readers)
    t.join();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                            - start)
                .count();
  if (lost > 0)
    std::printf("  WARNING: %zu messages lost\n", lost.load());
  return static_cast<double>(messages) / secs;
}

} // namespace

int main(int argc, char** argv) {
  // Flags meant for Google Benchmark executables (bench/run.sh passes them
  // to every driver) are ignored here.
  size_t messages = 2'000'000;
  if (argc > 1 && argv[1][0] != '-')
    messages = std::strtoull(argv[1], nullptr, 10);
  for (size_t n : {size_t{1}, size_t{4}}) {
    auto rate = run(n, messages);
    std::printf("endpoint: 1 publisher -> %zu subscriber(s): %.0f msgs/s "
                "(%zu messages)\n",
                n, rate, messages);
  }
  std::printf("endpoint: peak RSS %ld KiB\n", peak_rss_kib());
  return 0;
}
