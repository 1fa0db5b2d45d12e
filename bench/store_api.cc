// Store throughput and latency through the public API (no Google Benchmark:
// each figure needs its own set-up).
// Usage: bench-store-api [keys] [--only=memory|sqlite|clone|latency]
//                        [--broker.key=value ...]
// (--only runs one part, with `keys` operations; bench/compare.py uses it)
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.hh"

using namespace broker;
using clk = std::chrono::steady_clock;

namespace {

/// Settings from the command line (`--broker.key=value`), for every endpoint.
int g_argc = 0;
char** g_argv = nullptr;

configuration config() {
  return configuration{g_argc, g_argv};
}

double seconds_since(clk::time_point start) {
  return std::chrono::duration<double>(clk::now() - start).count();
}

void report(const char* what, size_t ops, double secs) {
  std::printf("%-40s %10zu ops %8.3f s %12.0f ops/s\n", what, ops, secs,
              ops / secs);
}

void bench_master(backend type, const backend_options& opts, size_t n,
                  const char* label) {
  endpoint ep{config()};
  auto m = *ep.attach_master(std::string{"bench-"} + label, type, opts);
  auto start = clk::now();
  for (size_t i = 0; i < n; ++i)
    m.put(count{i}, count{i});
  m.get(count{n - 1}); // answered after every put before it
  report((std::string{label} + ": put (applied)").c_str(), n,
         seconds_since(start));
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    m.get(count{i});
  report((std::string{label} + ": get (blocking)").c_str(), n,
         seconds_since(start));
  store::proxy p{m};
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    p.get(count{i});
  p.receive(n);
  report((std::string{label} + ": get (proxy, pipelined)").c_str(), n,
         seconds_since(start));
  // A mix: each put followed by a pipelined get of the same key.
  start = clk::now();
  for (size_t i = 0; i < n; ++i) {
    m.put(count{i}, count{i + 1});
    p.get(count{i});
  }
  p.receive(n);
  report((std::string{label} + ": put + proxy get, interleaved").c_str(),
         2 * n, seconds_since(start));
  // Blocking put_unique of fresh keys: a round trip to the master each.
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    m.put_unique(count{n + i}, count{i});
  report((std::string{label} + ": put_unique (blocking)").c_str(), n,
         seconds_since(start));
}

void bench_clone_sync(size_t n) {
  endpoint a{config()};
  endpoint b{config()};
  auto m = *a.attach_master("sync", backend::memory);
  for (size_t i = 0; i < n; ++i)
    m.put(count{i}, std::string(16, 'x'));
  m.get(count{0});
  b.peer(a);
  auto start = clk::now();
  auto c = *b.attach_clone("sync");
  while (!c.get(count{n - 1}))
    std::this_thread::sleep_for(std::chrono::microseconds{100});
  std::printf("%-40s %10zu keys %8.3f s\n", "new clone in sync", n,
              seconds_since(start));
}

void bench_clone_latency(size_t rounds) {
  endpoint a{config()};
  endpoint b{config()};
  b.peer(a);
  auto m = *a.attach_master("lat", backend::memory);
  auto events = b.make_subscriber({topic::store_events() / "lat"});
  auto c = *b.attach_clone("lat");
  m.put("warm", 0);
  while (!c.get("warm"))
    std::this_thread::sleep_for(std::chrono::microseconds{100});
  events.poll();
  std::vector<double> us;
  for (size_t i = 0; i < rounds; ++i) {
    auto start = clk::now();
    m.put("k", count{i});
    events.get();
    us.push_back(seconds_since(start) * 1e6);
  }
  std::sort(us.begin(), us.end());
  std::printf("%-40s p50 %.1f us  p99 %.1f us (%zu updates)\n",
              "master -> clone update latency", us[us.size() / 2],
              us[us.size() * 99 / 100], rounds);
}

/// Runs one part of the benchmark with n operations (or keys).
int run_only(const std::string& part, size_t n) {
  if (part == "memory") {
    bench_master(backend::memory, {}, n, "memory");
  } else if (part == "sqlite") {
    char tmpl[] = "/tmp/bench-store-XXXXXX";
    if (!mkdtemp(tmpl))
      return 1;
    bench_master(backend::sqlite, {{"path", std::string{tmpl} + "/b.db"}}, n,
                 "sqlite");
    std::system(("rm -rf " + std::string{tmpl}).c_str());
  } else if (part == "clone") {
    bench_clone_sync(n);
  } else if (part == "latency") {
    bench_clone_latency(n);
  } else {
    std::fprintf(stderr, "bench-store-api: unknown part %s\n", part.c_str());
    return 2;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // --only=<part> is ours; everything else goes to the configuration.
  std::string only;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i)
    if (std::strncmp(argv[i], "--only=", 7) == 0)
      only = argv[i] + 7;
    else
      rest.push_back(argv[i]);
  g_argc = static_cast<int>(rest.size());
  g_argv = rest.data();
  size_t n = 200'000;
  if (argc > 1 && std::isdigit(static_cast<unsigned char>(argv[1][0])))
    n = std::max<size_t>(std::strtoull(argv[1], nullptr, 10), 1);
  if (!only.empty())
    return run_only(only, n);
  bench_master(backend::memory, {}, n, "memory");
  char tmpl[] = "/tmp/bench-store-XXXXXX";
  if (mkdtemp(tmpl)) {
    bench_master(backend::sqlite, {{"path", std::string{tmpl} + "/b.db"}},
                 n / 4, "sqlite");
    std::system(("rm -rf " + std::string{tmpl}).c_str());
  }
  bench_clone_sync(100'000);
  bench_clone_latency(10'000);
}
