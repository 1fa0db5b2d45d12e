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

namespace broker::tools {

/// A tool's single-threaded loop: poll(2) over the status subscriber, data
/// subscribers, other descriptors, stdin and a signalfd for SIGINT/SIGTERM.
/// Every status and error goes to the printer (if any) before the handler
/// that on_status installed sees it.
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

  void set_printer(status_handler f) { printer_ = std::move(f); }

  void on_status(status_handler f) { on_status_ = std::move(f); }

  void watch(subscriber& sub, message_handler f);

  /// Calls `f` whenever `fd` is readable, until unwatch_fd(fd).
  void watch_fd(int fd, std::function<void()> f);

  void unwatch_fd(int fd);

  /// Calls `f` for every line of stdin (without its newline), then
  /// `at_eof` once stdin is closed.
  void watch_stdin(line_handler f, std::function<void()> at_eof = nullptr);

  /// Whether stdin is still watched and open.
  bool stdin_open() const noexcept { return stdin_open_; }

  /// Runs until `done()` holds (checked after every event and every
  /// `tick`), a signal arrives (then every later run returns at once), or
  /// the deadline passes.
  outcome run(const std::function<bool()>& done,
              std::optional<clock::time_point> deadline = std::nullopt,
              std::optional<std::chrono::milliseconds> tick = std::nullopt);

  /// Handles pending statuses and signals without waiting; true once a
  /// signal arrived. For loops that block elsewhere (subscriber::get).
  bool poll_now();

  bool signalled() const noexcept { return signalled_; }

private:
  struct watched {
    subscriber* sub;
    message_handler handler;
  };

  struct watched_fd {
    int fd;
    std::function<void()> handler;
  };

  void drain_statuses();
  void read_stdin();
  int poll_timeout(std::optional<clock::time_point> deadline,
                   std::optional<std::chrono::milliseconds> tick) const;

  status_subscriber& statuses_;
  status_handler printer_;
  status_handler on_status_;
  std::vector<watched> subs_;
  std::vector<watched_fd> fds_;
  line_handler on_line_;
  std::function<void()> at_eof_;
  bool stdin_open_ = false;
  std::string partial_line_;
  int signal_fd_ = -1;
  bool signalled_ = false;
};

} // namespace broker::tools
