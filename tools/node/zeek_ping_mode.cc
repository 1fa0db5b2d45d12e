// zeek-ping: the client half of the manual's ping example ("Exchanging
// Zeek Events"). It publishes the Zeek event `ping(n)` for n = 0 .. N-1 on
// the first topic, waits for each `pong` event, and prints it as the
// manual's program does: `received pong[0]`. A pong node (or Zeek running
// the manual's ping.zeek) answers.
#include <chrono>

#include "broker/zeek.hh"
#include "modes.hh"
#include "output.hh"

namespace broker::node {

namespace {

using clock = event_loop::clock;
using namespace std::chrono_literals;

constexpr auto reply_timeout = 10s;
constexpr auto rendezvous_retry = 250ms;

/// `name[arg1, arg2]`, the form the manual's example prints.
std::string event_text(const zeek::Event& ev) {
  std::string result = ev.name() + '[';
  bool first = true;
  for (auto& arg : ev.args()) {
    if (!first)
      result += ", ";
    first = false;
    result += to_string(arg);
  }
  return result + ']';
}

class zeek_ping_mode : public subscribing_mode {
public:
  zeek_ping_mode(const node_options& opts, endpoint& ep)
    : subscribing_mode(opts, ep) {}

  int run(event_loop& loop) override {
    if (!wait_for_subscriber(ep_, loop, opts_.topics.front(),
                             opts_.ready_timeout_s))
      return 1;
    // Wakes the loop for await_pong, which reads the subscriber itself.
    loop.watch_fd(sub_.fd(), [] {});
    for (size_t n = 0; n < opts_.num_messages; ++n) {
      auto args = vector{integer{static_cast<integer>(n)}};
      // The first ping is repeated until answered: the other side routes
      // nothing back to us until its end of the handshake is done, which
      // may be after ours (upstream's broker-node repeats it likewise).
      auto resend = n == 0 ? rendezvous_retry : reply_timeout;
      auto pong = round_trip(loop, args, resend);
      if (!pong) {
        print_line("zeek_ping_failed n=" + std::to_string(n));
        return 1;
      }
      print_line("received " + event_text(*pong));
    }
    return 0;
  }

private:
  /// Publishes `ping(args)` (again every `resend`) and returns the first
  /// `pong` event with `args`; nothing after the reply timeout or a signal.
  /// Other messages on the topics are skipped.
  std::optional<zeek::Event> round_trip(event_loop& loop, const vector& args,
                                        clock::duration resend) {
    auto deadline = clock::now() + reply_timeout;
    while (clock::now() < deadline && !loop.signalled()) {
      ep_.publish(opts_.topics.front(), zeek::Event{"ping", args});
      if (auto pong = await_pong(loop, args, clock::now() + resend))
        return pong;
    }
    return std::nullopt;
  }

  std::optional<zeek::Event> await_pong(event_loop& loop, const vector& args,
                                        clock::time_point until) {
    for (;;) {
      loop.run([this] { return sub_.available() > 0; }, until);
      if (sub_.available() == 0)
        return std::nullopt;
      for (auto& msg : sub_.poll()) {
        zeek::Event ev{get_data(msg)};
        if (ev.valid() && ev.name() == "pong" && ev.args() == args)
          return ev;
      }
    }
  }
};

} // namespace

std::unique_ptr<mode_runner> make_zeek_ping_mode(const node_options& opts,
                                                 endpoint& ep) {
  return std::make_unique<zeek_ping_mode>(opts, ep);
}

} // namespace broker::node
