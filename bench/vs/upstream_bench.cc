// The comparison scenarios of bench/compare.py, written against upstream
// Broker 1.4's public API (Debian's libbroker-dev, extracted by
// bench/fetch_upstream.sh and compiled by bench/vs/build_upstream.sh; never
// against our headers). Each mode prints one `result key=value ...` line that
// the driver parses; peak RSS and CPU time come from the driver (wait4).
//
// Usage: upstream-bench <mode> [args] [--plain]
//   inproc <n> <subscribers>     one endpoint, local publish -> subscribers
//   sink <n> <payload>           listen, count n messages, answer "done"
//   generate <n> <payload> <port>...   peer with every sink, publish n
//   pong                         listen, echo /bench/ping on /bench/pong
//   ping <n> <port>              n timed round trips after 100 warm-ups
//   store <n> <memory|sqlite> [path]   put / get / proxy get / put_unique
//   clone <n>                    time for a new clone of n keys to be in sync
// --plain disables TLS (broker.disable_ssl); payload 0 means the small
// message vector{count, string(10), real}, else a string of that many bytes.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <broker/broker.hh>

using namespace broker;
using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

bool g_plain = false;

configuration make_config() {
  broker_options opts;
  opts.disable_ssl = g_plain;
  opts.ignore_broker_conf = true;
  return configuration{opts};
}

double seconds_since(clk::time_point start) {
  return std::chrono::duration<double>(clk::now() - start).count();
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "upstream-bench: %s\n", what);
  std::exit(1);
}

data make_payload(size_t i, size_t size) {
  if (size == 0)
    return vector{count{i}, std::string(10, 'x'), real{1.5}};
  return std::string(size, 'x');
}

/// Everything available, waiting up to `wait` for the first message. (1.4's
/// get(n, timeout) returns nothing when its timeout passes before n messages
/// arrived, even with some of them queued, so it cannot drain a stream.)
std::vector<data_message> drain(subscriber& sub, timespan wait) {
  auto first = sub.get(1, wait);
  if (first.empty())
    return first;
  auto rest = sub.poll();
  first.insert(first.end(), std::make_move_iterator(rest.begin()),
               std::make_move_iterator(rest.end()));
  return first;
}

/// Publisher stays at most this many messages ahead of the slowest reader,
/// as in our bench-endpoint, so every in-process run is lossless.
constexpr size_t max_in_flight = 20000;

/// Upstream 1.4 does not deliver an endpoint's own publications to its local
/// subscribers, and it has no in-memory peering: endpoint A publishes, B
/// (peered with A over loopback TCP, without TLS) holds the subscribers.
void run_inproc(size_t n, size_t num_subs) {
  g_plain = true;
  endpoint ep{make_config()};
  endpoint b{make_config()};
  std::vector<subscriber> subs;
  for (size_t i = 0; i < num_subs; ++i)
    subs.emplace_back(b.make_subscriber({"/bench"}, max_in_flight * 2));
  if (!ep.peer("127.0.0.1", b.listen("127.0.0.1", 0), timeout::seconds(1)))
    fail("peering failed");
  auto deadline = clk::now() + 30s;
  while (ep.peer_subscriptions().empty())
    if (clk::now() > deadline)
      fail("no subscription from the peer");
    else
      std::this_thread::sleep_for(1ms);
  std::vector<std::atomic<size_t>> received(num_subs);
  std::vector<std::thread> readers;
  auto start = clk::now();
  for (size_t i = 0; i < num_subs; ++i)
    readers.emplace_back([&, i] {
      size_t got = 0;
      auto last = clk::now();
      while (got < n) {
        auto xs = drain(subs[i], 10ms);
        if (!xs.empty()) {
          got += xs.size();
          received[i].store(got, std::memory_order_relaxed);
          last = clk::now();
        } else if (clk::now() - last > 10s) {
          std::fprintf(stderr, "got %zu of %zu\n", got, n);
          fail("in-process subscriber stalled");
        }
      }
    });
  auto slowest = [&] {
    size_t result = n;
    for (auto& x : received)
      result = std::min(result, x.load(std::memory_order_relaxed));
    return result;
  };
  for (size_t i = 0; i < n; ++i) {
    if (i % 1024 == 0)
      while (i > slowest() + max_in_flight)
        std::this_thread::sleep_for(50us);
    ep.publish("/bench/events", make_payload(i, 0));
  }
  for (auto& t : readers)
    t.join();
  std::printf("result msgs_per_s=%.0f secs=%.4f\n", n / seconds_since(start),
              seconds_since(start));
}

/// Sink: listens, prints the port, counts n data messages on /bench/data,
/// then answers "done" on /bench/ctl. Until the first data message arrives
/// it announces itself ("hello") so the generator knows the path works both
/// ways before its clock starts.
void run_sink(size_t n) {
  endpoint ep{make_config()};
  auto sub = ep.make_subscriber({"/bench/data"}, 1000);
  auto port = ep.listen("127.0.0.1", 0);
  std::printf("listening %u\n", port);
  std::fflush(stdout);
  size_t got = 0;
  auto last = clk::now();
  while (got < n) {
    auto xs = drain(sub, 100ms);
    if (got == 0 && xs.empty())
      ep.publish("/bench/ctl/hello", data{port});
    got += xs.size();
    if (!xs.empty())
      last = clk::now();
    else if (got > 0 && clk::now() - last > 30s) {
      std::fprintf(stderr, "sink: %zu of %zu\n", got, n);
      fail("sink stalled");
    }
  }
  ep.publish("/bench/ctl/done", data{port});
  // Stay until the generator has the answer and leaves.
  auto deadline = clk::now() + 10s;
  while (clk::now() < deadline && !ep.peers().empty())
    std::this_thread::sleep_for(10ms);
  std::printf("result received=%zu\n", got);
}

/// Waits for one message from each of k sinks on /bench/ctl/<what>.
void await_all(subscriber& ctl, const std::string& what, size_t k) {
  std::set<data> seen;
  auto deadline = clk::now() + 60s;
  while (seen.size() < k) {
    if (clk::now() > deadline)
      fail(("timeout waiting for " + what).c_str());
    for (auto& x : drain(ctl, 100ms))
      if (get_topic(x).string() == "/bench/ctl/" + what)
        seen.insert(get_data(x));
  }
}

void run_generate(size_t n, size_t payload, const std::vector<uint16_t>& ports) {
  endpoint ep{make_config()};
  auto ctl = ep.make_subscriber({"/bench/ctl"}, 1000);
  for (auto port : ports)
    if (!ep.peer("127.0.0.1", port, timeout::seconds(1)))
      fail("peering failed");
  await_all(ctl, "hello", ports.size());
  auto start = clk::now();
  std::vector<data_message> batch;
  for (size_t i = 0; i < n;) {
    batch.clear();
    for (size_t j = 0; j < 100 && i < n; ++j, ++i)
      batch.emplace_back(make_data_message("/bench/data", make_payload(i, payload)));
    ep.publish(std::move(batch));
  }
  await_all(ctl, "done", ports.size());
  auto secs = seconds_since(start);
  std::printf("result msgs_per_s=%.0f secs=%.4f\n", n / secs, secs);
}

void run_pong() {
  endpoint ep{make_config()};
  auto sub = ep.make_subscriber({"/bench/ping"}, 1000);
  auto port = ep.listen("127.0.0.1", 0);
  std::printf("listening %u\n", port);
  std::fflush(stdout);
  for (;;) {
    auto x = sub.get();
    if (get_data(x) == data{"quit"})
      break;
    ep.publish("/bench/pong", get_data(x));
  }
  std::this_thread::sleep_for(50ms);
  std::printf("result done=1\n");
}

double percentile(std::vector<double>& xs, double p) {
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(xs.size() * p))];
}

void run_ping(size_t n, uint16_t port) {
  endpoint ep{make_config()};
  auto sub = ep.make_subscriber({"/bench/pong"}, 1000);
  if (!ep.peer("127.0.0.1", port, timeout::seconds(1)))
    fail("peering failed");
  // Until the pong's subscription has arrived a ping goes nowhere: retry.
  auto deadline = clk::now() + 30s;
  for (;;) {
    ep.publish("/bench/ping", data{count{0}});
    if (sub.get(200ms))
      break;
    if (clk::now() > deadline)
      fail("no pong");
  }
  std::this_thread::sleep_for(200ms);
  sub.poll(); // drops duplicate answers of the retries
  std::vector<double> us;
  for (size_t i = 1; i <= n + 100; ++i) {
    auto start = clk::now();
    ep.publish("/bench/ping", data{count{i}});
    auto x = sub.get();
    if (get_data(x) != data{count{i}})
      fail("unexpected pong");
    if (i > 100)
      us.push_back(seconds_since(start) * 1e6);
  }
  ep.publish("/bench/ping", data{"quit"});
  std::printf("result p50_us=%.1f p90_us=%.1f p99_us=%.1f\n",
              percentile(us, 0.5), percentile(us, 0.9), percentile(us, 0.99));
  std::this_thread::sleep_for(100ms);
}

void report(const std::string& what, size_t ops, double secs) {
  std::printf("result op=%s ops_per_s=%.0f secs=%.4f\n", what.c_str(),
              ops / secs, secs);
}

void run_store(size_t n, backend type, backend_options opts) {
  endpoint ep{make_config()};
  auto m = ep.attach_master("bench", type, std::move(opts));
  if (!m)
    fail("attach_master failed");
  auto start = clk::now();
  for (size_t i = 0; i < n; ++i)
    m->put(count{i}, count{i});
  // Answered after every put before it; a blocking get gives up after 1.4's
  // request timeout, so SQLite's slow commits need the loop.
  auto deadline = clk::now() + 300s;
  while (!m->get(count{n - 1}))
    if (clk::now() > deadline)
      fail("puts never applied");
  report("put", n, seconds_since(start));
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    if (!m->get(count{i}))
      fail("get failed");
  report("get", n, seconds_since(start));
  store::proxy p{*m};
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    p.get(count{i});
  p.receive(n);
  report("proxy_get", n, seconds_since(start));
  start = clk::now();
  for (size_t i = 0; i < n; ++i)
    m->put_unique(count{n + i}, count{i});
  report("put_unique", n, seconds_since(start));
}

void run_clone(size_t n) {
  endpoint a{make_config()};
  endpoint b{make_config()};
  auto m = a.attach_master("sync", backend::memory);
  if (!m)
    fail("attach_master failed");
  for (size_t i = 0; i < n; ++i)
    m->put(count{i}, std::string(16, 'x'));
  m->get(count{n - 1});
  auto port = a.listen("127.0.0.1", 0);
  if (!b.peer("127.0.0.1", port, timeout::seconds(1)))
    fail("peering failed");
  auto start = clk::now();
  auto c = b.attach_clone("sync");
  if (!c)
    fail("attach_clone failed");
  auto deadline = clk::now() + 120s;
  while (!c->get(count{n - 1})) {
    if (clk::now() > deadline)
      fail("clone never in sync");
    std::this_thread::sleep_for(100us);
  }
  std::printf("result secs=%.4f\n", seconds_since(start));
}

size_t arg(int argc, char** argv, int i) {
  if (i >= argc)
    fail("missing argument");
  return std::strtoull(argv[i], nullptr, 10);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--plain") == 0)
      g_plain = true;
    else
      args.push_back(argv[i]);
  }
  argc = static_cast<int>(args.size());
  argv = args.data();
  if (argc < 2)
    fail("usage: upstream-bench <mode> [args] [--plain]");
  std::string mode = argv[1];
  if (mode == "inproc") {
    run_inproc(arg(argc, argv, 2), arg(argc, argv, 3));
  } else if (mode == "sink") {
    run_sink(arg(argc, argv, 2));
  } else if (mode == "generate") {
    std::vector<uint16_t> ports;
    for (int i = 4; i < argc; ++i)
      ports.push_back(static_cast<uint16_t>(arg(argc, argv, i)));
    run_generate(arg(argc, argv, 2), arg(argc, argv, 3), ports);
  } else if (mode == "pong") {
    run_pong();
  } else if (mode == "ping") {
    run_ping(arg(argc, argv, 2), static_cast<uint16_t>(arg(argc, argv, 3)));
  } else if (mode == "store") {
    std::string kind = argc > 3 ? argv[3] : "memory";
    if (kind == "sqlite")
      run_store(arg(argc, argv, 2), backend::sqlite,
                {{"path", std::string{argc > 4 ? argv[4] : "/tmp/ub.db"}}});
    else
      run_store(arg(argc, argv, 2), backend::memory, {});
  } else if (mode == "clone") {
    run_clone(arg(argc, argv, 2));
  } else {
    fail("unknown mode");
  }
  return 0;
}
