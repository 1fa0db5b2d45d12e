// Throughput of the in-process engine: one publisher thread publishes small
// messages (vector{count, string(10), real}) on endpoint A; endpoint B (peered
// in memory) delivers them to 1 or 4 subscribers, each drained by its own
// thread. Prints msgs/s per configuration and the process's peak RSS.
//
// Usage: bench-endpoint [messages] [--subscribers=N] [--broker.key=value ...]
//        (default 2,000,000 messages; 1 and 4 subscribers unless N is given)
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

/// Messages a publisher may be ahead of the slowest reader. Like
/// broker-benchmark's max-in-flight, this keeps the run lossless, so the rate
/// is what the engine sustains rather than how fast it can drop.
constexpr size_t max_in_flight = 20000;

struct result {
  double rate;
  size_t dropped;
  /// CPU time of the publishing thread per message.
  double publisher_ns;
};

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/// Settings from the command line (`--broker.key=value`), for both endpoints.
int g_argc = 0;
char** g_argv = nullptr;

result run(size_t num_subscribers, size_t messages) {
  endpoint a{configuration{g_argc, g_argv}};
  endpoint b{configuration{g_argc, g_argv}};
  std::vector<subscriber> subs;
  for (size_t i = 0; i < num_subscribers; ++i)
    subs.emplace_back(b.make_subscriber({"/bench"}));
  if (!a.peer(b)) {
    std::fprintf(stderr, "peering failed\n");
    std::exit(1);
  }
  std::vector<std::atomic<size_t>> received(num_subscribers);
  std::vector<std::thread> readers;
  std::atomic<size_t> dropped{0};
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < num_subscribers; ++i)
    readers.emplace_back([&, i] {
      pthread_setname_np(pthread_self(), "bench-reader");
      auto& sub = subs[i];
      size_t got = 0;
      auto last_progress = std::chrono::steady_clock::now();
      while (got + sub.dropped() < messages) {
        auto xs = sub.get(4096, 1ms);
        auto now = std::chrono::steady_clock::now();
        if (!xs.empty()) {
          got += xs.size();
          received[i].store(got, std::memory_order_relaxed);
          last_progress = now;
        } else if (now - last_progress > 2s) {
          break; // Stalled.
        }
      }
      dropped += sub.dropped();
    });
  auto slowest = [&] {
    size_t result = messages;
    for (auto& n : received)
      result = std::min(result, n.load(std::memory_order_relaxed));
    return result;
  };
  const std::string payload(10, 'x');
  auto cpu_start = thread_cpu_ns();
  for (size_t i = 0; i < messages; ++i) {
    if (i % 1024 == 0)
      while (i > slowest() + max_in_flight)
        std::this_thread::sleep_for(std::chrono::microseconds{50});
    a.publish("/bench/events", vector{count{i}, payload, real{1.5}});
  }
  auto publisher_ns = (thread_cpu_ns() - cpu_start) / messages;
  for (auto& t : readers)
    t.join();
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                            - start)
                .count();
  return {static_cast<double>(messages) / secs, dropped.load(), publisher_ns};
}

} // namespace

int main(int argc, char** argv) {
  // --subscribers=N is ours; the rest goes to the configuration.
  std::vector<size_t> configs{1, 4};
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i)
    if (std::strncmp(argv[i], "--subscribers=", 14) == 0)
      configs = {std::strtoull(argv[i] + 14, nullptr, 10)};
    else
      rest.push_back(argv[i]);
  g_argc = static_cast<int>(rest.size());
  g_argv = rest.data();
  // Flags meant for Google Benchmark executables (bench/run.sh passes them
  // to every driver) are ignored here.
  size_t messages = 2'000'000;
  if (argc > 1 && argv[1][0] != '-')
    messages = std::strtoull(argv[1], nullptr, 10);
  for (size_t n : configs) {
    auto res = run(n, messages);
    std::printf("endpoint: 1 publisher -> %zu subscriber(s): %.0f msgs/s "
                "(%zu messages, %zu dropped; publisher thread %.0f ns CPU/msg)\n",
                n, res.rate, messages, res.dropped, res.publisher_ns);
  }
  std::printf("endpoint: peak RSS %ld KiB\n", peak_rss_kib());
  return 0;
}
