// The modes the system tests drive by hand: they run until SIGINT/SIGTERM.
#include <algorithm>

#include "modes.hh"
#include "output.hh"
#include "peering.hh"

namespace broker::node {

namespace {

class interactive_mode : public mode_runner {
public:
  interactive_mode(const node_options& opts, endpoint& ep)
    : opts_(opts), ep_(ep) {
    switch (opts.mode) {
      case node_mode::relay:
        ep.forward(opts.topics);
        break;
      case node_mode::subscribe:
      case node_mode::pubsub:
        sub_.emplace(ep.make_subscriber(opts.topics));
        break;
      default:
        break;
    }
  }

  int run(event_loop& loop) override {
    if (sub_)
      loop.watch(*sub_, [](const data_message& msg) { print_message(msg); });
    if (opts_.mode == node_mode::publish)
      loop.watch_stdin(
        [this](std::string_view line) {
          ep_.publish(opts_.topics.front(), std::string{line});
        },
        print_stdin_eof);
    else if (opts_.mode == node_mode::pubsub)
      loop.watch_stdin([this](std::string_view line) { publish_line(line); },
                       print_stdin_eof);
    loop.run(nullptr);
    return 0;
  }

private:
  /// `<topic> <text>`: publishes the text as a string on the topic.
  void publish_line(std::string_view line) {
    auto space = line.find(' ');
    if (space == std::string_view::npos || space == 0) {
      print_line("bad_input " + std::string{line});
      return;
    }
    ep_.publish(topic{std::string{line.substr(0, space)}},
                std::string{line.substr(space + 1)});
  }

  const node_options& opts_;
  endpoint& ep_;
  std::optional<subscriber> sub_;
};

} // namespace

std::unique_ptr<mode_runner> make_interactive_mode(const node_options& opts,
                                                   endpoint& ep) {
  return std::make_unique<interactive_mode>(opts, ep);
}

bool wait_for_subscriber(endpoint& ep, event_loop& loop, const topic& t,
                         double timeout_s) {
  bool ok = tools::wait_for_subscriber(ep, loop, t, timeout_s);
  print_line(ok ? "ready" : "not_ready");
  return ok;
}

} // namespace broker::node
