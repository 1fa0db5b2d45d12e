// broker-pipe: publishes stdin lines as strings on a topic, or prints what
// arrives on a topic (tools/pipe/README.md). Messages (with -r: the counts
// per second) go to stdout; the listening port, statuses, errors, the
// progress line and the summary go to stderr.
#include <cstdio>

#include "broker/error.hh"
#include "cli.hh"
#include "pipe.hh"
#include "status_text.hh"

using namespace broker;
using namespace broker::pipe;

namespace {

constexpr const char* tool = "broker-pipe";

/// Errors always, statuses with -v; with --retry 0 a failed dial is fatal.
class status_printer {
public:
  status_printer(const pipe_options& opts, monitor& mon)
    : opts_(opts), mon_(mon) {}

  void operator()(const status_variant& event) {
    mon_.clear();
    tools::print_status(tool, event, opts_.verbose);
    auto err = get_if<error>(&event);
    if (err && opts_.retry_s == 0 && err->code() == ec::peer_unavailable)
      failed_ = true;
  }

  bool failed() const noexcept { return failed_; }

private:
  const pipe_options& opts_;
  monitor& mon_;
  bool failed_ = false;
};

void print_summary(const pipe_options& opts, const pipe_counters& c) {
  if (opts.quiet)
    return;
  double secs = c.first ? tools::seconds_since(*c.first) : 0.0;
  std::string dropped;
  if (opts.mode == pipe_mode::subscribe)
    dropped = ", " + std::to_string(c.dropped) + " dropped";
  std::fprintf(stderr,
               "%s: %s %zu messages, %zu bytes in %.3f s (%s msgs/s, "
               "%s bytes/s)%s\n",
               tool, opts.mode == pipe_mode::publish ? "published" : "received",
               c.messages, c.bytes, secs,
               tools::compact(tools::per_second(c.messages, secs)).c_str(),
               tools::compact(tools::per_second(c.bytes, secs)).c_str(),
               dropped.c_str());
}

bool start_network(const pipe_options& opts, endpoint& ep) {
  if (opts.local_port) {
    auto port = ep.listen(opts.local_address, *opts.local_port);
    if (port == 0) {
      tools::print_error(tool, "cannot listen on " + opts.local_address + ':'
                                 + std::to_string(*opts.local_port));
      return false;
    }
    if (!opts.quiet)
      std::fprintf(stderr, "%s: listening on %s:%u\n", tool,
                   opts.local_address.c_str(), static_cast<unsigned>(port));
  }
  for (auto& where : opts.peers)
    ep.peer_nosync(where.address, where.port, where.retry);
  return true;
}

} // namespace

namespace broker::pipe {

monitor::monitor(const pipe_options& opts, const pipe_counters& counters)
  : opts_(opts),
    counters_(counters),
    next_rate_(event_loop::clock::now() + std::chrono::seconds{1}) {}

void monitor::tick() {
  auto now = event_loop::clock::now();
  if (opts_.print_rate && now >= next_rate_) {
    // Upstream prints the count of the last second on stdout.
    std::printf("%zu\n", counters_.messages - last_count_);
    std::fflush(stdout);
    last_count_ = counters_.messages;
    next_rate_ += std::chrono::seconds{1};
  }
  progress_.update([this] {
    auto verb = opts_.mode == pipe_mode::publish ? "published" : "received";
    double secs = counters_.first ? tools::seconds_since(*counters_.first) : 0;
    return std::string{tool} + ": " + verb + ' '
           + std::to_string(counters_.messages) + " messages ("
           + tools::compact(tools::per_second(counters_.messages, secs))
           + " msgs/s)";
  });
}

} // namespace broker::pipe

int main(int argc, char** argv) {
  auto opts = parse_options(argc, argv);
  event_loop::block_signals();
  endpoint ep{opts.config};
  auto statuses = ep.make_status_subscriber(true);
  event_loop loop{statuses};
  pipe_counters counters;
  monitor mon{opts, counters};
  status_printer printer{opts, mon};
  loop.set_printer([&printer](const status_variant& e) { printer(e); });
  pipe_context ctx{opts, ep, loop, counters, mon,
                   [&printer] { return printer.failed(); }};
  // The subscription exists before any peering, so that the handshake
  // already carries it.
  std::optional<subscriber> sub;
  if (opts.mode == pipe_mode::subscribe)
    sub.emplace(ep.make_subscriber({opts.where}));
  int rc = tools::exit_failure;
  if (start_network(opts, ep))
    rc = sub ? run_subscribe(ctx, *sub) : run_publish(ctx);
  mon.clear();
  print_summary(opts, counters);
  ep.shutdown();
  return rc;
}
