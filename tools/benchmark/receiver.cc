// The receiver (--server): counts the events on /benchmark/events,
// publishes `stats_update(record{start, dt, num_events})` on
// /benchmark/stats every --stats-interval (the record Zeek's benchmark
// script sends), and ends on `quit_benchmark`, --count, SIGINT or SIGTERM.
#include <array>
#include <cstdio>

#include "benchmark.hh"
#include "broker/endpoint.hh"
#include "broker/zeek.hh"
#include "cli.hh"
#include "event_loop.hh"
#include "peering.hh"
#include "status_text.hh"
#include "progress.hh"
#include "wire_size.hh"

namespace broker::benchmark {

namespace {

using tools::event_loop;
using clock = event_loop::clock;

/// The name of a Zeek event without copying the event (zeek::Event would
/// copy the whole value); empty for anything else.
const std::string& event_name(const data& x) {
  static const std::string none;
  if (zeek::Message::type(x) != zeek::Message::Event)
    return none;
  const auto& xs = get<vector>(x);
  auto content = xs.size() > 2 ? get_if<vector>(xs[2]) : nullptr;
  if (!content || content->empty())
    return none;
  auto name = get_if<std::string>((*content)[0]);
  return name ? *name : none;
}

class receiver {
public:
  receiver(const benchmark_options& opts, endpoint& ep)
    : opts_(opts),
      ep_(ep),
      sub_(ep.make_subscriber({events_topic, terminate_topic}, 65536)) {}

  void on_status(const status_variant& e) {
    progress_.clear();
    tools::print_status("broker-benchmark", e, opts_.verbose);
  }

  int run(event_loop& loop) {
    loop.watch(sub_, [this](const data_message& msg) { handle(msg); });
    auto interval = std::chrono::duration_cast<clock::duration>(
      std::chrono::duration<double>{opts_.stats_interval_s});
    interval_start_ = clock::now();
    auto next_stats = interval_start_ + interval;
    auto tick = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::min<clock::duration>(interval, std::chrono::milliseconds{100}));
    loop.run(
      [&] {
        if (clock::now() >= next_stats) {
          send_stats();
          next_stats = clock::now() + interval;
        }
        progress_.update([this] { return progress_text(); });
        return quit_ || (opts_.count > 0 && total() >= opts_.count);
      },
      std::nullopt, std::max(tick, std::chrono::milliseconds{1}));
    progress_.clear();
    print_summary();
    return tools::exit_ok;
  }

private:
  size_t total() const {
    return counts_[0] + counts_[1] + counts_[2];
  }

  void handle(const data_message& msg) {
    const auto& name = event_name(get_data(msg));
    if (name == "quit_benchmark") {
      quit_ = true;
      return;
    }
    if (name.size() == 7 && name.rfind("event_", 0) == 0 && name[6] >= '1'
        && name[6] <= '3') {
      if (!first_)
        first_ = clock::now();
      last_ = clock::now();
      ++counts_[name[6] - '1'];
      ++interval_events_;
      bytes_ += tools::wire_size(get_data(msg));
    } else {
      ++other_;
    }
  }

  /// `stats_update(record{start: time, dt: interval, num_events: count})`.
  /// Held back (the counts keep adding up) while no peer past its
  /// handshake subscribed to the stats: the library drops what it cannot
  /// route, and a lost report would be lost counts for the sender.
  void send_stats() {
    if (!tools::has_subscriber(ep_, stats_topic))
      return;
    auto now = clock::now();
    auto dt = std::chrono::duration_cast<timespan>(now - interval_start_);
    auto start = std::chrono::time_point_cast<timespan>(
      std::chrono::system_clock::now() - dt);
    vector record{start, dt, count{interval_events_}};
    ep_.publish(stats_topic, zeek::Event{"stats_update", vector{record}});
    if (opts_.verbose) {
      progress_.clear();
      std::fprintf(stderr, "broker-benchmark: received %zu events in %.3f s "
                           "(total %zu)\n",
                   interval_events_,
                   std::chrono::duration<double>(dt).count(), total());
    }
    interval_events_ = 0;
    interval_start_ = now;
  }

  std::string progress_text() const {
    double secs = first_ ? tools::seconds_since(*first_) : 0;
    return "broker-benchmark: received " + std::to_string(total())
           + " events (" + tools::compact(tools::per_second(total(), secs))
           + " ev/s)";
  }

  void print_summary() const {
    double secs = first_ ? std::chrono::duration<double>(*last_ - *first_)
                             .count()
                         : 0.0;
    std::printf("receiver events=%zu event_1=%zu event_2=%zu event_3=%zu "
                "other=%zu dropped=%zu bytes=%zu secs=%.3f events_per_s=%.0f "
                "bytes_per_s=%.0f\n",
                total(), counts_[0], counts_[1], counts_[2], other_,
                sub_.dropped(), bytes_, secs, tools::per_second(total(), secs),
                tools::per_second(bytes_, secs));
    std::fflush(stdout);
  }

  const benchmark_options& opts_;
  endpoint& ep_;
  subscriber sub_;
  tools::progress_line progress_;
  std::array<size_t, 3> counts_{};
  size_t other_ = 0;
  size_t bytes_ = 0;
  size_t interval_events_ = 0;
  clock::time_point interval_start_;
  std::optional<clock::time_point> first_;
  std::optional<clock::time_point> last_;
  bool quit_ = false;
};

} // namespace

int run_receiver(const benchmark_options& opts) {
  event_loop::block_signals();
  endpoint ep{opts.config};
  auto statuses = ep.make_status_subscriber(true);
  event_loop loop{statuses};
  receiver recv{opts, ep};
  loop.on_status([&recv](const status_variant& e) { recv.on_status(e); });
  auto& [address, port] = *opts.server;
  auto bound = ep.listen(address, port);
  if (bound == 0) {
    tools::print_error("broker-benchmark", "cannot listen on " + address + ':'
                                             + std::to_string(port));
    return tools::exit_failure;
  }
  std::printf("listening %u\n", static_cast<unsigned>(bound));
  std::fflush(stdout);
  auto rc = recv.run(loop);
  ep.shutdown();
  return rc;
}

} // namespace broker::benchmark
