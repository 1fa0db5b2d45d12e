// The ZeroMQ side of bench/compare.py: PUB/SUB for throughput and REQ/REP
// for round trips, with the same message shapes and pacing as our rows, so
// the ratios compare transports rather than harness tricks. Every mode prints
// one `result key=value ...` line; peak RSS and CPU come from the driver.
//
// Usage: vs-zmq <mode> [args]
//   inproc <n> <subscribers>    PUB -> SUB threads over inproc://
//   sink <n> <payload>          binds data (SUB) and control (PUB) sockets
//   generate <n> <payload> <data-port>:<ctl-port>...   PUB to every sink
//   rep                         binds REP, echoes until "quit"
//   req <n> <port>              n timed round trips after 100 warm-ups
// A payload of 0 is the small message (count, 10-byte string, real: 26 bytes
// packed), else that many bytes. Lossless like our rows: high-water marks are
// off and the generator stays at most `window` messages ahead of the slowest
// sink's acknowledgements (every `ack_every` messages).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <zmq.hpp>

using clk = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr size_t window = 32768;
constexpr size_t ack_every = 1024;
constexpr char data_tag = 'D';
constexpr char probe_tag = 'P';

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "vs-zmq: %s\n", what);
  std::exit(1);
}

double seconds_since(clk::time_point start) {
  return std::chrono::duration<double>(clk::now() - start).count();
}

/// Tag byte, then the payload: the small message packed, or `size` bytes.
std::string make_message(char tag, uint64_t i, size_t size) {
  std::string msg(1, tag);
  if (size == 0) {
    double r = 1.5;
    msg.append(reinterpret_cast<const char*>(&i), sizeof(i));
    msg.append("0123456789");
    msg.append(reinterpret_cast<const char*>(&r), sizeof(r));
  } else {
    msg.append(size, 'x');
  }
  return msg;
}

void unlimited(zmq::socket_t& s) {
  s.set(zmq::sockopt::sndhwm, 0);
  s.set(zmq::sockopt::rcvhwm, 0);
}

uint16_t bound_port(zmq::socket_t& s) {
  auto ep = s.get(zmq::sockopt::last_endpoint);
  return static_cast<uint16_t>(std::atoi(ep.substr(ep.rfind(':') + 1).c_str()));
}

void run_inproc(size_t n, size_t num_subs) {
  zmq::context_t ctx;
  zmq::socket_t pub{ctx, zmq::socket_type::pub};
  unlimited(pub);
  pub.bind("inproc://bench");
  std::vector<std::atomic<size_t>> received(num_subs);
  std::atomic<size_t> joined{0};
  std::vector<std::thread> readers;
  for (size_t i = 0; i < num_subs; ++i) {
    zmq::socket_t sub{ctx, zmq::socket_type::sub};
    unlimited(sub);
    sub.set(zmq::sockopt::subscribe, "/bench");
    sub.connect("inproc://bench");
    readers.emplace_back([&, i, s = std::move(sub)]() mutable {
      zmq::message_t msg;
      size_t got = 0;
      bool first = true;
      while (got < n) {
        (void) s.recv(msg);
        if (std::exchange(first, false))
          ++joined;
        if (static_cast<const char*>(msg.data())[6] == data_tag)
          received[i].store(++got, std::memory_order_relaxed);
      }
    });
  }
  // Slow joiners: probe until every subscriber has seen a message.
  auto probe = "/bench" + make_message(probe_tag, 0, 0);
  while (joined.load() < num_subs) {
    pub.send(zmq::buffer(probe), zmq::send_flags::none);
    std::this_thread::sleep_for(1ms);
  }
  auto slowest = [&] {
    size_t result = n;
    for (auto& x : received)
      result = std::min(result, x.load(std::memory_order_relaxed));
    return result;
  };
  auto start = clk::now();
  for (size_t i = 0; i < n; ++i) {
    if (i % 1024 == 0)
      while (i > slowest() + window)
        std::this_thread::sleep_for(50us);
    auto msg = "/bench" + make_message(data_tag, i, 0);
    pub.send(zmq::buffer(msg), zmq::send_flags::none);
  }
  for (auto& t : readers)
    t.join();
  auto secs = seconds_since(start);
  std::printf("result msgs_per_s=%.0f secs=%.4f\n", n / secs, secs);
}

/// Sink: binds a SUB for data and a PUB for control; says "hello" on the
/// control socket until the generator's first probe arrives, answers probes
/// with "ready", acknowledges every ack_every data messages, ends with "done".
void run_sink(size_t n) {
  zmq::context_t ctx;
  zmq::socket_t sub{ctx, zmq::socket_type::sub};
  zmq::socket_t ctl{ctx, zmq::socket_type::pub};
  unlimited(sub);
  unlimited(ctl);
  sub.set(zmq::sockopt::subscribe, "");
  sub.bind("tcp://127.0.0.1:*");
  ctl.bind("tcp://127.0.0.1:*");
  auto id = std::to_string(bound_port(sub));
  std::printf("listening %s:%u\n", id.c_str(), bound_port(ctl));
  std::fflush(stdout);
  auto say = [&](const std::string& what, size_t k) {
    auto text = what + " " + id + " " + std::to_string(k);
    ctl.send(zmq::buffer(text), zmq::send_flags::none);
  };
  zmq::message_t msg;
  size_t got = 0;
  clk::time_point first;
  sub.set(zmq::sockopt::rcvtimeo, 20);
  while (got < n) {
    if (!sub.recv(msg)) {
      say("hello", 0);
      continue;
    }
    if (static_cast<const char*>(msg.data())[0] == probe_tag) {
      say("ready", 0);
      continue;
    }
    if (got++ == 0)
      first = clk::now();
    if (got % ack_every == 0 || got == n)
      say(got == n ? "done" : "ack", got);
  }
  auto secs = seconds_since(first);
  // Repeat "done" a few times: the generator may still be reading acks.
  for (int k = 0; k < 3; ++k, std::this_thread::sleep_for(20ms))
    say("done", n);
  std::printf("result msgs_per_s=%.0f secs=%.4f\n", n / secs, secs);
}

struct sinks_state {
  std::map<std::string, size_t> acked;
  std::map<std::string, bool> ready;
  size_t done = 0;

  size_t slowest() const {
    size_t result = SIZE_MAX;
    for (auto& [_, k] : acked)
      result = std::min(result, k);
    return acked.empty() ? 0 : result;
  }
};

/// Reads control messages until `pred` holds or the timeout passes.
template <class Pred>
void pump(zmq::socket_t& ctl, sinks_state& st, Pred pred) {
  zmq::message_t msg;
  auto deadline = clk::now() + 60s;
  while (!pred()) {
    if (clk::now() > deadline)
      fail("control timeout");
    if (!ctl.recv(msg))
      continue;
    char what[16];
    char id[32];
    size_t k = 0;
    std::string text{static_cast<const char*>(msg.data()), msg.size()};
    if (std::sscanf(text.c_str(), "%15s %31s %zu", what, id, &k) != 3)
      continue;
    if (std::strcmp(what, "ready") == 0)
      st.ready[id] = true;
    else if (std::strcmp(what, "ack") == 0 || std::strcmp(what, "done") == 0)
      st.acked[id] = std::max(st.acked[id], k);
  }
}

void run_generate(size_t n, size_t payload, const std::vector<std::string>& sinks) {
  zmq::context_t ctx;
  zmq::socket_t pub{ctx, zmq::socket_type::pub};
  zmq::socket_t ctl{ctx, zmq::socket_type::sub};
  unlimited(pub);
  unlimited(ctl);
  ctl.set(zmq::sockopt::subscribe, "");
  ctl.set(zmq::sockopt::rcvtimeo, 10);
  for (auto& s : sinks) {
    auto colon = s.find(':');
    pub.connect("tcp://127.0.0.1:" + s.substr(0, colon));
    ctl.connect("tcp://127.0.0.1:" + s.substr(colon + 1));
  }
  sinks_state st;
  auto probe = make_message(probe_tag, 0, 0);
  pump(ctl, st, [&] {
    pub.send(zmq::buffer(probe), zmq::send_flags::none);
    return st.ready.size() == sinks.size();
  });
  for (auto& [id, _] : st.ready)
    st.acked[id] = 0;
  ctl.set(zmq::sockopt::rcvtimeo, 0);
  auto start = clk::now();
  for (size_t i = 0; i < n; ++i) {
    if (i >= st.slowest() + window)
      pump(ctl, st, [&] { return i < st.slowest() + window / 2; });
    auto msg = make_message(data_tag, i, payload);
    pub.send(zmq::buffer(msg), zmq::send_flags::none);
  }
  ctl.set(zmq::sockopt::rcvtimeo, 10);
  pump(ctl, st, [&] { return st.slowest() >= n; });
  auto secs = seconds_since(start);
  std::printf("result msgs_per_s=%.0f secs=%.4f\n", n / secs, secs);
}

void run_rep() {
  zmq::context_t ctx;
  zmq::socket_t rep{ctx, zmq::socket_type::rep};
  rep.bind("tcp://127.0.0.1:*");
  std::printf("listening %u\n", bound_port(rep));
  std::fflush(stdout);
  zmq::message_t msg;
  for (;;) {
    (void) rep.recv(msg);
    bool quit = msg.size() == 4 && std::memcmp(msg.data(), "quit", 4) == 0;
    rep.send(msg, zmq::send_flags::none);
    if (quit)
      break;
  }
  std::printf("result done=1\n");
}

double percentile(std::vector<double>& xs, double p) {
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(xs.size() * p))];
}

void run_req(size_t n, const char* port) {
  zmq::context_t ctx;
  zmq::socket_t req{ctx, zmq::socket_type::req};
  req.connect(std::string{"tcp://127.0.0.1:"} + port);
  zmq::message_t reply;
  std::vector<double> us;
  for (size_t i = 0; i < n + 100; ++i) {
    auto msg = make_message(data_tag, i, 0);
    auto start = clk::now();
    req.send(zmq::buffer(msg), zmq::send_flags::none);
    (void) req.recv(reply);
    if (i >= 100)
      us.push_back(seconds_since(start) * 1e6);
  }
  req.send(zmq::str_buffer("quit"), zmq::send_flags::none);
  (void) req.recv(reply);
  std::printf("result p50_us=%.1f p90_us=%.1f p99_us=%.1f\n",
              percentile(us, 0.5), percentile(us, 0.9), percentile(us, 0.99));
}

size_t arg(int argc, char** argv, int i) {
  if (i >= argc)
    fail("missing argument");
  return std::strtoull(argv[i], nullptr, 10);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    fail("usage: vs-zmq <mode> [args]");
  std::string mode = argv[1];
  if (mode == "inproc") {
    run_inproc(arg(argc, argv, 2), arg(argc, argv, 3));
  } else if (mode == "sink") {
    run_sink(arg(argc, argv, 2));
  } else if (mode == "generate") {
    run_generate(arg(argc, argv, 2), arg(argc, argv, 3),
                 std::vector<std::string>(argv + 4, argv + argc));
  } else if (mode == "rep") {
    run_rep();
  } else if (mode == "req") {
    if (argc < 4)
      fail("missing port");
    run_req(arg(argc, argv, 2), argv[3]);
  } else {
    fail("unknown mode");
  }
  return 0;
}
