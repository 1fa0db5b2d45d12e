// Publish mode: each stdin line becomes a string message on the topic.
// Before the first line the pipe waits for a peer subscribed to the topic
// (--ready-timeout), since the library drops what no peer subscribed to.
#include <cstdio>
#include <deque>

#include "broker/publisher.hh"
#include "cli.hh"
#include "peering.hh"
#include "pipe.hh"
#include "wire_size.hh"

namespace broker::pipe {

namespace {

constexpr const char* tool = "broker-pipe";

/// Seconds the pipe waits at the end for queued bytes that do not shrink.
constexpr double send_stall_timeout_s = 10;

/// Lines of stdin, read through the event loop.
class line_source {
public:
  explicit line_source(event_loop& loop) : loop_(loop) {
    loop.watch_stdin(
      [this](std::string_view line) { lines_.emplace_back(line); },
      [this] { eof_ = true; });
  }

  /// The next line; nothing at the end of input, after a signal or once a
  /// dial failed for good.
  std::optional<std::string> next(pipe_context& ctx) {
    ctx.loop.run(
      [&] {
        ctx.mon.tick();
        return !lines_.empty() || eof_ || ctx.dial_failed();
      },
      std::nullopt, tick_interval);
    if (lines_.empty() || ctx.loop.signalled() || ctx.dial_failed())
      return std::nullopt;
    return pop();
  }

  /// A line that was already read, without waiting.
  std::optional<std::string> next_ready() {
    if (lines_.empty())
      return std::nullopt;
    return pop();
  }

private:
  std::string pop() {
    auto result = std::move(lines_.front());
    lines_.pop_front();
    return result;
  }

  event_loop& loop_;
  std::deque<std::string> lines_;
  bool eof_ = false;
};

/// --rate-limit: message n is due n / rate seconds after the first.
class pacer {
public:
  explicit pacer(double rate) : rate_(rate) {}

  bool limited() const noexcept { return rate_ > 0; }

  /// Waits until message `n` is due; false if a signal came first.
  bool wait_turn(pipe_context& ctx, size_t n) {
    if (rate_ <= 0 || !ctx.counters.first)
      return !ctx.loop.signalled();
    auto due = *ctx.counters.first
               + std::chrono::duration_cast<event_loop::clock::duration>(
                 std::chrono::duration<double>{static_cast<double>(n) / rate_});
    ctx.loop.run(
      [&] {
        ctx.mon.tick();
        return event_loop::clock::now() >= due;
      },
      due, tick_interval);
    return !ctx.loop.signalled();
  }

private:
  double rate_;
};

bool cap_reached(const pipe_context& ctx) {
  return ctx.opts.message_cap > 0
         && ctx.counters.messages >= ctx.opts.message_cap;
}

void count(pipe_context& ctx, const std::string& line) {
  if (!ctx.counters.first)
    ctx.counters.first = event_loop::clock::now();
  ++ctx.counters.messages;
  ctx.counters.bytes += tools::wire_size(data{line});
}

/// The next line to publish, capped and paced; nothing at the end.
std::optional<std::string> next_line(pipe_context& ctx, line_source& src,
                                     pacer& pace) {
  if (cap_reached(ctx) || !pace.wait_turn(ctx, ctx.counters.messages))
    return std::nullopt;
  auto line = src.next(ctx);
  if (line)
    count(ctx, *line);
  return line;
}

void publish_blocking(pipe_context& ctx, line_source& src, pacer& pace) {
  while (auto line = next_line(ctx, src, pace))
    ctx.ep.publish(ctx.opts.where, std::move(*line));
}

/// Waits (in the loop) until `pub` has room; false after a signal.
bool await_capacity(pipe_context& ctx, publisher& pub) {
  if (pub.free_capacity() > 0)
    return true;
  ctx.loop.watch_fd(pub.fd(), [] {});
  ctx.loop.run([&] { return pub.free_capacity() > 0; });
  ctx.loop.unwatch_fd(pub.fd());
  return !ctx.loop.signalled();
}

void publish_select(pipe_context& ctx, line_source& src, pacer& pace) {
  auto pub = ctx.ep.make_publisher(ctx.opts.where);
  while (auto line = next_line(ctx, src, pace)) {
    if (!await_capacity(ctx, pub))
      return;
    pub.publish(std::move(*line));
  }
  // Until the core took every message: the fence in run_publish follows.
  ctx.loop.run([&] { return pub.buffered() == 0; },
               tools::deadline_in(10), std::chrono::milliseconds{1});
}

struct stream_state {
  bool done = false;
};

/// publish_all: each step blocks for one line, then takes the lines that
/// were already read (up to the demand; one per step with a rate limit).
void publish_stream(pipe_context& ctx, line_source& src, pacer& pace) {
  auto get_next = [&](stream_state& st, downstream<data_message>& out,
                      size_t demand) {
    auto line = next_line(ctx, src, pace);
    if (!line) {
      st.done = true;
      return;
    }
    out.push(make_data_message(ctx.opts.where, std::move(*line)));
    for (size_t i = 1; i < demand && !pace.limited() && !cap_reached(ctx);
         ++i) {
      auto more = src.next_ready();
      if (!more)
        break;
      count(ctx, *more);
      out.push(make_data_message(ctx.opts.where, std::move(*more)));
    }
  };
  ctx.ep.publish_all([](stream_state&) {}, get_next,
                     [](const stream_state& st) { return st.done; });
}

/// Seconds as `%g` prints them: 30, 0.5.
std::string seconds_text(double secs) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", secs);
  return buf;
}

/// Waits for a subscribed peer; returns an exit code if the run ends here.
std::optional<int> await_subscriber(pipe_context& ctx) {
  const auto& opts = ctx.opts;
  if (opts.ready_timeout_s <= 0)
    return std::nullopt;
  // The answer of the check that ended the wait: asking again could give
  // another one (a peer may be half-way through a handshake by then).
  bool subscribed = false;
  ctx.loop.run(
    [&] {
      ctx.mon.tick();
      subscribed = tools::has_subscriber(ctx.ep, opts.where);
      return subscribed || ctx.dial_failed();
    },
    tools::deadline_in(opts.ready_timeout_s), std::chrono::milliseconds{10});
  if (ctx.loop.signalled())
    return tools::exit_ok;
  if (subscribed)
    return std::nullopt;
  if (!ctx.dial_failed())
    tools::print_error(tool, "no peer subscribed to " + opts.where.string()
                               + " within " + seconds_text(opts.ready_timeout_s)
                               + " s");
  return tools::exit_failure;
}

} // namespace

int run_publish(pipe_context& ctx) {
  if (auto rc = await_subscriber(ctx))
    return *rc;
  line_source src{ctx.loop};
  pacer pace{ctx.opts.rate_limit};
  switch (ctx.opts.impl) {
    case pipe_impl::blocking:
      publish_blocking(ctx, src, pace);
      break;
    case pipe_impl::select:
      publish_select(ctx, src, pace);
      break;
    case pipe_impl::stream:
      publish_stream(ctx, src, pace);
      break;
  }
  // A call into the core runs after the messages queued before it: then
  // every message is in a connection's buffer. The endpoint's shutdown
  // would drop what is not yet in the kernel's, so wait until the peers
  // acknowledged it all (or stopped taking it).
  ctx.ep.peers();
  if (!tools::wait_until_sent(ctx.loop, send_stall_timeout_s)
      && !ctx.loop.signalled())
    tools::print_error(tool, "peers stopped taking messages; some may be "
                             "lost");
  return ctx.dial_failed() ? tools::exit_failure : tools::exit_ok;
}

} // namespace broker::pipe
