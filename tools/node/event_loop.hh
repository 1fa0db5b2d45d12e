#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/message.hh"
#include "broker/status_subscriber.hh"
#include "broker/subscriber.hh"

namespace broker::node {

/// The node's single-threaded loop: poll(2) over the status subscriber,
/// the data subscribers, stdin and a signalfd for SIGINT/SIGTERM. Every
/// status and error is printed before the mode's own handler sees it.
class event_loop {
public:
  using clock = std::chrono::steady_clock;
  using message_handler = std::function<void(const data_message&)>;
  using line_handler = std::function<void(std::string_view)>;
  using status_handler = std::function<void(const status_variant&)>;

  enum class outcome { done, signalled, timed_out };

  /// Blocks SIGINT and SIGTERM in the calling thread and in every thread it
  /// creates afterwards (the endpoint's), so that only the signalfd sees
  /// them. Call before creating the endpoint.
  static void block_signals();

  explicit event_loop(status_subscriber& statuses);
  ~event_loop();

  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  void on_status(status_handler f) { on_status_ = std::move(f); }

  void watch(subscriber& sub, message_handler f);

  /// Calls `f` for every line of stdin; prints `stdin_eof` at its end.
  void watch_stdin(line_handler f);

  /// Runs until `done()` holds (checked after every event and every
  /// `tick`), a signal arrives (then every later run returns at once), or
  /// the deadline passes.
  outcome run(const std::function<bool()>& done,
              std::optional<clock::time_point> deadline = std::nullopt,
              std::optional<std::chrono::milliseconds> tick = std::nullopt);

  bool signalled() const noexcept { return signalled_; }

private:
  struct watched {
    subscriber* sub;
    message_handler handler;
  };

  void drain_statuses();
  void read_stdin();
  int poll_timeout(std::optional<clock::time_point> deadline,
                   std::optional<std::chrono::milliseconds> tick) const;

  status_subscriber& statuses_;
  status_handler on_status_;
  std::vector<watched> subs_;
  line_handler on_line_;
  bool stdin_open_ = false;
  std::string partial_line_;
  int signal_fd_ = -1;
  bool signalled_ = false;
};

} // namespace broker::node
