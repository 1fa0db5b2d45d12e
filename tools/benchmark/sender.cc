// The sender: publishes batches of events on /benchmark/events at the batch
// rate, reads the receiver's stats_update events to know how many arrived
// (in flight = sent - confirmed), and at the end waits until the receiver
// confirmed every event, then publishes quit_benchmark.
#include <cstdio>

#include "benchmark.hh"
#include "broker/endpoint.hh"
#include "broker/zeek.hh"
#include "cli.hh"
#include "event_loop.hh"
#include "peering.hh"
#include "progress.hh"
#include "status_text.hh"
#include "wire_size.hh"

namespace broker::benchmark {

namespace {

using tools::event_loop;
using clock = event_loop::clock;

constexpr const char* tool = "broker-benchmark";

clock::duration seconds(double secs) {
  return std::chrono::duration_cast<clock::duration>(
    std::chrono::duration<double>{secs});
}

class sender {
public:
  sender(const benchmark_options& opts, endpoint& ep, event_loop& loop)
    : opts_(opts),
      ep_(ep),
      loop_(loop),
      stats_(ep.make_subscriber({stats_topic})),
      batch_size_(opts.batch_size),
      event_bytes_(tools::wire_size(make_event(opts.event_type, 0))) {
    loop.on_status([this](const status_variant& e) { on_status(e); });
  }

  int run() {
    // The answer of the check that ended the wait (asking again may differ).
    bool subscribed = false;
    loop_.run(
      [this, &subscribed] {
        subscribed = tools::has_subscriber(ep_, events_topic);
        return subscribed || lost_;
      },
      tools::deadline_in(opts_.ready_timeout_s),
      std::chrono::milliseconds{10});
    if (!subscribed)
      return fail_or_ok(lost_ ? "lost the receiver"
                              : "the receiver did not subscribe to "
                                  + events_topic.string());
    loop_.watch(stats_, [this](const data_message& m) { on_stats(m); });
    start_ = clock::now();
    next_increase_ = start_ + seconds(opts_.increase_interval_s);
    while (!sending_done()) {
      if (!in_flight_allowed())
        wait_for_stats();
      else
        send_batch();
      pace();
    }
    send_end_ = clock::now();
    return finish();
  }

private:
  /// An exit code after `why`: 0 after a signal, else 1 and the reason.
  int fail_or_ok(const std::string& why) {
    progress_.clear();
    if (loop_.signalled())
      return tools::exit_ok;
    tools::print_error(tool, why);
    return tools::exit_failure;
  }

  void on_status(const status_variant& e) {
    progress_.clear();
    tools::print_status(tool, e, opts_.verbose);
    auto st = get_if<status>(&e);
    if (st && (st->code() == sc::peer_lost || st->code() == sc::peer_removed))
      lost_ = true;
    auto err = get_if<error>(&e);
    if (err && opts_.retry_s == 0 && err->code() == ec::peer_unavailable)
      lost_ = true;
  }

  /// stats_update(record{start, dt, num_events}): num_events arrived
  /// since the previous report.
  void on_stats(const data_message& msg) {
    zeek::Event ev{get_data(msg)};
    if (ev.name() != "stats_update" || ev.args().empty())
      return;
    auto record = get_if<vector>(ev.args()[0]);
    if (!record || record->size() < 3)
      return;
    auto n = get_if<count>((*record)[2]);
    if (!n)
      return;
    confirmed_ += *n;
    if (opts_.verbose) {
      progress_.clear();
      std::fprintf(stderr,
                   "%s: stats: receiver got %llu, total %zu of %zu sent, "
                   "in flight %zu, batch size %zu\n",
                   tool, static_cast<unsigned long long>(*n), confirmed_,
                   sent_, in_flight(), batch_size_);
    }
  }

  size_t in_flight() const {
    return sent_ > confirmed_ ? sent_ - confirmed_ : 0;
  }

  bool in_flight_allowed() const {
    return opts_.max_in_flight == 0 || in_flight() < opts_.max_in_flight;
  }

  bool sending_done() {
    loop_.poll_now();
    for (auto& msg : stats_.poll())
      on_stats(msg);
    progress_.update([this] { return progress_text(); });
    return loop_.signalled() || lost_
           || (opts_.count > 0 && sent_ >= opts_.count)
           || (opts_.duration_s > 0
               && clock::now() - start_ >= seconds(opts_.duration_s))
           || (opts_.max_received > 0 && confirmed_ > opts_.max_received);
  }

  void send_batch() {
    auto n = batch_size_;
    if (opts_.count > 0)
      n = std::min(n, opts_.count - sent_);
    if (opts_.max_in_flight > 0)
      n = std::min(n, opts_.max_in_flight - in_flight());
    std::vector<data_message> batch;
    batch.reserve(n);
    for (size_t i = 0; i < n; ++i)
      batch.push_back(make_data_message(events_topic,
                                        make_event(opts_.event_type,
                                                   sent_ + i)));
    ep_.publish(std::move(batch));
    sent_ += n;
    ++batches_;
    if (opts_.increase_interval_s > 0 && clock::now() >= next_increase_) {
      batch_size_ += opts_.increase_amount;
      next_increase_ += seconds(opts_.increase_interval_s);
    }
  }

  /// Until the next batch is due (nothing to wait for at rate 0).
  void pace() {
    if (opts_.batch_rate <= 0)
      return;
    auto due = start_ + seconds(static_cast<double>(batches_)
                                / opts_.batch_rate);
    loop_.run([this, due] { return clock::now() >= due || lost_; }, due,
              std::chrono::milliseconds{100});
  }

  /// Until a stats report arrives (or a tick passes).
  void wait_for_stats() {
    auto before = confirmed_;
    loop_.run([&] { return confirmed_ != before || lost_; },
              clock::now() + std::chrono::milliseconds{100});
  }

  int finish();

  std::string progress_text() const {
    double secs = tools::seconds_since(start_);
    return std::string{tool} + ": sent " + std::to_string(sent_) + " ("
           + tools::compact(tools::per_second(sent_, secs))
           + " ev/s), confirmed " + std::to_string(confirmed_)
           + ", in flight " + std::to_string(in_flight()) + ", batch size "
           + std::to_string(batch_size_);
  }

  void print_summary(clock::time_point confirmed_at) const;

  const benchmark_options& opts_;
  endpoint& ep_;
  event_loop& loop_;
  subscriber stats_;
  tools::progress_line progress_;
  size_t batch_size_;
  size_t event_bytes_;
  size_t sent_ = 0;
  size_t confirmed_ = 0;
  size_t batches_ = 0;
  bool lost_ = false;
  clock::time_point start_;
  clock::time_point send_end_;
  clock::time_point next_increase_;
};

int sender::finish() {
  auto deadline = tools::deadline_in(opts_.drain_timeout_s);
  loop_.run([this] { return confirmed_ >= sent_ || lost_; }, deadline);
  auto confirmed_at = clock::now();
  // The receiver leaves on quit_benchmark: a loss after it is no failure.
  bool lost = lost_;
  ep_.publish(terminate_topic, zeek::Event{"quit_benchmark", vector{}});
  // A call into the core runs after the publication queued before it;
  // then the socket must drain before the endpoint shuts down
  // (tools/README.md, "Leaving without losing messages").
  ep_.peers();
  tools::wait_until_sent(loop_, 10);
  progress_.clear();
  print_summary(confirmed_at);
  if (loop_.signalled())
    return tools::exit_ok;
  if (lost)
    return fail_or_ok("lost the receiver");
  if (confirmed_ < sent_)
    return fail_or_ok("the receiver confirmed " + std::to_string(confirmed_)
                      + " of " + std::to_string(sent_) + " events");
  return tools::exit_ok;
}

void sender::print_summary(clock::time_point confirmed_at) const {
  auto send_secs = std::chrono::duration<double>(send_end_ - start_).count();
  auto secs = std::chrono::duration<double>(confirmed_at - start_).count();
  auto bytes = sent_ * event_bytes_;
  std::printf("sender type=%d events=%zu confirmed=%zu batches=%zu "
              "batch_size=%zu bytes=%zu send_secs=%.3f secs=%.3f "
              "events_per_s=%.0f bytes_per_s=%.0f\n",
              opts_.event_type, sent_, confirmed_, batches_, batch_size_,
              bytes, send_secs, secs, tools::per_second(confirmed_, secs),
              tools::per_second(confirmed_ * event_bytes_, secs));
  std::fflush(stdout);
}

} // namespace

int run_sender(const benchmark_options& opts) {
  event_loop::block_signals();
  endpoint ep{opts.config};
  auto statuses = ep.make_status_subscriber(true);
  event_loop loop{statuses};
  sender s{opts, ep, loop};
  ep.peer_nosync(opts.peer.address, opts.peer.port, opts.peer.retry);
  auto rc = s.run();
  ep.shutdown();
  return rc;
}

} // namespace broker::benchmark
