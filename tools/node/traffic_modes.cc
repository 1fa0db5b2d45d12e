// The throughput modes: generate and sink, paced by the sink's
// acknowledgements so that no buffer overflows. Each prints one
// `<mode>_stats key=value ...` line at its end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "modes.hh"
#include "output.hh"

namespace broker::node {

namespace {

using clock = event_loop::clock;
using namespace std::chrono_literals;

/// How long a generator or sink waits without progress before giving up.
constexpr auto stall_timeout = 30s;

double seconds_since(clock::time_point start) {
  return std::chrono::duration<double>(clock::now() - start).count();
}

std::string rate_fields(size_t n, double secs) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "n=%zu secs=%.3f msgs_per_s=%.0f", n, secs,
                secs > 0 ? static_cast<double>(n) / secs : 0.0);
  return buf;
}

bool is_peer_gone(const status_variant& event) {
  auto st = get_if<status>(&event);
  return st && (st->code() == sc::peer_lost || st->code() == sc::peer_removed);
}

/// Publishes n messages, at most max_in_flight ahead of the sink's
/// acknowledgements; the time runs from the first publish to the last ack.
class generate_mode : public mode_runner {
public:
  generate_mode(const node_options& opts, endpoint& ep)
    : opts_(opts), ep_(ep), acks_(ep.make_subscriber({ack_topic(opts)})),
      text_(opts.payload_size, 'x') {}

  int run(event_loop& loop) override {
    loop.watch(acks_, [this](const data_message& msg) { on_ack(msg); });
    loop.on_status(
      [this](const status_variant& e) { gone_ |= is_peer_gone(e); });
    if (!wait_for_subscriber(ep_, loop, opts_.topics.front(),
                             opts_.ready_timeout_s))
      return 1;
    // Fan-out: every dialled sink must be routed to (its peering complete,
    // its filter here) before the clock starts, or the first messages would
    // miss the late ones. peers() also lists peerings still in handshake.
    if (loop.run([this] { return established_peers() >= opts_.peers.size(); },
                 clock::now() + stall_timeout)
        != event_loop::outcome::done) {
      print_line("generate_failed peers=" + std::to_string(established_peers()));
      return 1;
    }
    auto start = clock::now();
    while (acked_ < opts_.num_messages) {
      publish_window();
      size_t before = acked_;
      auto progress = [&] {
        return gone_ || acked_ >= opts_.num_messages
               || (acked_ > before && sent_ < opts_.num_messages);
      };
      if (loop.run(progress, clock::now() + stall_timeout)
            != event_loop::outcome::done
          || gone_) {
        print_line("generate_failed sent=" + std::to_string(sent_)
                   + " acked=" + std::to_string(acked_));
        return 1;
      }
    }
    print_line("generate_stats " + rate_fields(sent_, seconds_since(start)));
    return 0;
  }

private:
  size_t established_peers() {
    auto all = ep_.peers();
    return std::count_if(all.begin(), all.end(), [](const peer_info& p) {
      return p.status == peer_status::peered;
    });
  }

  /// A sink acknowledges with vector{count, its endpoint id} (a bare count
  /// from older sinks); the window follows the slowest of the sinks dialled.
  void on_ack(const data_message& msg) {
    const auto& x = get_data(msg);
    if (auto n = get_if<count>(x)) {
      acked_by_[""] = std::max(acked_by_[""], static_cast<size_t>(*n));
    } else if (auto v = get_if<vector>(x); v && v->size() == 2) {
      auto n = get_if<count>((*v)[0]);
      auto id = get_if<std::string>((*v)[1]);
      if (n && id)
        acked_by_[*id] = std::max(acked_by_[*id], static_cast<size_t>(*n));
    }
    if (acked_by_.size() < std::max<size_t>(1, opts_.peers.size()))
      return;
    size_t slowest = SIZE_MAX;
    for (auto& [_, n] : acked_by_)
      slowest = std::min(slowest, n);
    acked_ = slowest;
  }

  void publish_window() {
    while (sent_ < opts_.num_messages && sent_ - acked_ < opts_.max_in_flight)
      ep_.publish(opts_.topics.front(), payload(sent_++));
  }

  data payload(size_t i) const {
    if (opts_.payload_size == 0)
      return vector{count{i}, std::string{"0123456789"}, real{1.5}};
    return text_;
  }

  const node_options& opts_;
  endpoint& ep_;
  subscriber acks_;
  std::string text_;
  std::map<std::string, size_t> acked_by_;
  size_t sent_ = 0;
  size_t acked_ = 0;
  bool gone_ = false;
};

/// Counts n messages from the first one on and acknowledges them; then
/// stays until its peer leaves, so that the last ack is not lost.
class sink_mode : public subscribing_mode {
public:
  sink_mode(const node_options& opts, endpoint& ep) : subscribing_mode(opts, ep) {}

  int run(event_loop& loop) override {
    clock::time_point start;
    const auto acks = ack_topic(opts_);
    const auto id = to_string(ep_.node_id());
    loop.watch(sub_, [&](const data_message& msg) {
      // With several sinks on one generator, the others' acks pass by.
      if (get_topic(msg) == acks)
        return;
      if (received_++ == 0)
        start = clock::now();
      if (opts_.verbose)
        print_message(msg);
      if (received_ % ack_interval == 0 || received_ == opts_.num_messages)
        ep_.publish(acks, vector{count{received_}, id});
    });
    loop.on_status(
      [this](const status_variant& e) { gone_ |= is_peer_gone(e); });
    size_t before = 0;
    while (received_ < opts_.num_messages) {
      before = received_;
      auto progress = [&] { return received_ != before || gone_; };
      // The first message may take long: the generator has to find us.
      auto limit = received_ == 0 ? 10 * stall_timeout : stall_timeout;
      if (loop.run(progress, clock::now() + limit)
            != event_loop::outcome::done
          || (gone_ && received_ < opts_.num_messages)) {
        print_line("sink_failed received=" + std::to_string(received_));
        return 1;
      }
    }
    print_line("sink_stats " + rate_fields(received_, seconds_since(start)));
    loop.run([this] { return gone_; });
    return 0;
  }

private:
  size_t received_ = 0;
  bool gone_ = false;
};

} // namespace

std::unique_ptr<mode_runner> make_traffic_mode(const node_options& opts,
                                               endpoint& ep) {
  switch (opts.mode) {
    case node_mode::generate:
      return std::make_unique<generate_mode>(opts, ep);
    case node_mode::sink:
      return std::make_unique<sink_mode>(opts, ep);
    case node_mode::ping:
      return make_ping_mode(opts, ep);
    default:
      return make_pong_mode(opts, ep);
  }
}

} // namespace broker::node
