// Round trips: ping publishes `["ping", id, "x" * size]` and waits for
// `["pong", id]` before the next one (as upstream's broker-node); "stop"
// ends the pong node. The pong node also answers Zeek `ping` events with
// `pong` events carrying the same arguments, as `zeek ping.zeek` from the
// manual's example does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "broker/zeek.hh"
#include "modes.hh"
#include "output.hh"

namespace broker::node {

namespace {

using clock = event_loop::clock;
using namespace std::chrono_literals;

constexpr auto reply_timeout = 10s;

/// The id of a `[tag, id, ...]` message, if it has that tag.
std::optional<count> tagged_id(const data& x, std::string_view tag) {
  auto xs = get_if<vector>(x);
  if (!xs || xs->size() < 2)
    return std::nullopt;
  auto name = get_if<std::string>((*xs)[0]);
  auto id = get_if<count>((*xs)[1]);
  if (!name || *name != tag || !id)
    return std::nullopt;
  return *id;
}

/// `p50_us=... p99_us=... mean_us=... max_us=...` of the samples (ns).
std::string percentile_fields(std::vector<int64_t> ns) {
  std::sort(ns.begin(), ns.end());
  auto pct = [&](double p) {
    auto idx = static_cast<size_t>(p * static_cast<double>(ns.size()));
    return static_cast<double>(ns[std::min(idx, ns.size() - 1)]) / 1e3;
  };
  auto mean = std::accumulate(ns.begin(), ns.end(), 0.0)
              / static_cast<double>(ns.size()) / 1e3;
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                "n=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f mean_us=%.1f "
                "max_us=%.1f",
                ns.size(), pct(0.50), pct(0.90), pct(0.99), mean,
                static_cast<double>(ns.back()) / 1e3);
  return buf;
}

class ping_mode : public subscribing_mode {
public:
  ping_mode(const node_options& opts, endpoint& ep) : subscribing_mode(opts, ep) {}

  int run(event_loop& loop) override {
    bool gone = false;
    loop.on_status([&](const status_variant& e) {
      auto st = get_if<status>(&e);
      gone |= st && st->code() == sc::peer_lost;
    });
    if (!wait_for_subscriber(ep_, loop, opts_.topics.front(),
                             opts_.ready_timeout_s))
      return 1;
    std::vector<int64_t> samples;
    samples.reserve(opts_.num_messages);
    const std::string text(opts_.payload_size, 'x');
    for (count id = 0; id < opts_.warmup + opts_.num_messages; ++id) {
      auto rtt = round_trip(id, text);
      if (!rtt) {
        print_line("ping_failed id=" + std::to_string(id));
        return 1;
      }
      if (id < opts_.warmup)
        continue;
      samples.push_back(*rtt);
      if (opts_.verbose)
        print_line("rtt " + std::to_string(id) + ' ' + std::to_string(*rtt));
    }
    if (!samples.empty())
      print_line("ping_stats " + percentile_fields(std::move(samples)));
    ep_.publish(opts_.topics.front(), std::string{"stop"});
    // The pong node leaves on "stop"; leaving first could lose the "stop".
    loop.run([&] { return gone; }, clock::now() + reply_timeout);
    return 0;
  }

private:
  /// Nanoseconds until the matching pong, or nothing on timeout.
  std::optional<int64_t> round_trip(count id, const std::string& text) {
    auto start = clock::now();
    auto deadline = start + reply_timeout;
    ep_.publish(opts_.topics.front(), vector{std::string{"ping"}, id, text});
    for (;;) {
      auto msg = sub_.get(deadline);
      if (!msg)
        return std::nullopt;
      if (tagged_id(get_data(*msg), "pong") == id)
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                 clock::now() - start)
          .count();
    }
  }
};

class pong_mode : public subscribing_mode {
public:
  pong_mode(const node_options& opts, endpoint& ep) : subscribing_mode(opts, ep) {}

  int run(event_loop& loop) override {
    loop.watch(sub_, [this](const data_message& msg) { answer(msg); });
    loop.run([this] { return stopped_; });
    print_line("pong_stats answered=" + std::to_string(answered_)
               + " events=" + std::to_string(events_));
    return 0;
  }

private:
  void answer(const data_message& msg) {
    const auto& x = get_data(msg);
    auto where = opts_.pong_topic ? *opts_.pong_topic : get_topic(msg);
    if (auto id = tagged_id(x, "ping")) {
      reply(where, vector{std::string{"pong"}, *id});
    } else if (zeek::Message::type(x) == zeek::Message::Event) {
      zeek::Event ev{x};
      if (ev.valid() && ev.name() == "ping") {
        reply(where, zeek::Event{"pong", ev.args()});
        ++events_;
      }
    } else if (x == data{std::string{"stop"}}) {
      stopped_ = true;
    }
  }

  void reply(const topic& where, data x) {
    if (opts_.verbose)
      print_line("answered " + where.string() + ' ' + to_string(x));
    ep_.publish(where, std::move(x));
    ++answered_;
  }

  bool stopped_ = false;
  size_t answered_ = 0;
  size_t events_ = 0;
};

} // namespace

std::unique_ptr<mode_runner> make_ping_mode(const node_options& opts,
                                            endpoint& ep) {
  return std::make_unique<ping_mode>(opts, ep);
}

std::unique_ptr<mode_runner> make_pong_mode(const node_options& opts,
                                            endpoint& ep) {
  return std::make_unique<pong_mode>(opts, ep);
}

} // namespace broker::node
