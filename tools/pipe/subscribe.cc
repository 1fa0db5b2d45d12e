// Subscribe mode: prints every message on the topic (or, with -r, only the
// count per second) until the message cap, SIGINT or SIGTERM.
#include <cstdio>

#include "cli.hh"
#include "pipe.hh"
#include "wire_size.hh"

namespace broker::pipe {

namespace {

void print_message(const pipe_options& opts, const data_message& msg) {
  auto text = to_string(get_data(msg));
  switch (opts.format) {
    case output_format::data:
      break;
    case output_format::topic:
      text = get_topic(msg).string() + ' ' + text;
      break;
    case output_format::tuple:
      text = '(' + get_topic(msg).string() + ", " + text + ')';
      break;
  }
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
}

bool cap_reached(const pipe_context& ctx) {
  return ctx.opts.message_cap > 0
         && ctx.counters.messages >= ctx.opts.message_cap;
}

/// Counts and prints one message, unless the cap was reached before.
void handle(pipe_context& ctx, const data_message& msg) {
  if (cap_reached(ctx))
    return;
  if (!ctx.counters.first)
    ctx.counters.first = event_loop::clock::now();
  ++ctx.counters.messages;
  ctx.counters.bytes += tools::wire_size(get_data(msg));
  if (!ctx.opts.print_rate)
    print_message(ctx.opts, msg);
}

/// Whether the run is over: cap, signal or a failed dial. Also ticks the
/// monitor and flushes what was printed, so readers of a pipe see whole
/// batches at once.
bool finished(pipe_context& ctx) {
  std::fflush(stdout);
  ctx.mon.tick();
  return cap_reached(ctx) || ctx.loop.poll_now() || ctx.dial_failed();
}

/// One get() per message; the checks of finished() once the subscriber
/// ran dry (or every 1024 messages), not for every message.
void subscribe_blocking(pipe_context& ctx, subscriber& sub) {
  constexpr size_t check_every = 1024;
  while (!finished(ctx)) {
    auto msg = sub.get(tick_interval);
    for (size_t n = 1; msg; ++n) {
      handle(ctx, *msg);
      if (cap_reached(ctx) || n == check_every || sub.available() == 0)
        break;
      msg = sub.get();
    }
  }
}

void subscribe_select(pipe_context& ctx, subscriber& sub) {
  ctx.loop.watch(sub, [&ctx](const data_message& msg) { handle(ctx, msg); });
  ctx.loop.run([&ctx] { return finished(ctx); }, std::nullopt,
               tick_interval);
}

void subscribe_stream(pipe_context& ctx, subscriber& sub) {
  constexpr size_t batch = 64;
  while (!finished(ctx))
    for (auto& msg : sub.get(batch, tick_interval))
      handle(ctx, msg);
}

} // namespace

int run_subscribe(pipe_context& ctx, subscriber& sub) {
  switch (ctx.opts.impl) {
    case pipe_impl::blocking:
      subscribe_blocking(ctx, sub);
      break;
    case pipe_impl::select:
      subscribe_select(ctx, sub);
      break;
    case pipe_impl::stream:
      subscribe_stream(ctx, sub);
      break;
  }
  std::fflush(stdout);
  ctx.counters.dropped = sub.dropped();
  return ctx.dial_failed() ? tools::exit_failure : tools::exit_ok;
}

} // namespace broker::pipe
