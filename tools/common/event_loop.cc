#include "event_loop.hh"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace broker::tools {

namespace {

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

} // namespace

void event_loop::block_signals() {
  auto set = termination_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

event_loop::event_loop(status_subscriber& statuses) : statuses_(statuses) {
  auto set = termination_signals();
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0)
    std::perror("signalfd");
}

event_loop::~event_loop() {
  if (signal_fd_ >= 0)
    close(signal_fd_);
}

void event_loop::watch(subscriber& sub, message_handler f) {
  subs_.push_back(watched{&sub, std::move(f)});
}

void event_loop::watch_fd(int fd, std::function<void()> f) {
  unwatch_fd(fd);
  fds_.push_back(watched_fd{fd, std::move(f)});
}

void event_loop::unwatch_fd(int fd) {
  fds_.erase(std::remove_if(fds_.begin(), fds_.end(),
                            [fd](const watched_fd& w) { return w.fd == fd; }),
             fds_.end());
}

void event_loop::watch_stdin(line_handler f, std::function<void()> at_eof) {
  on_line_ = std::move(f);
  at_eof_ = std::move(at_eof);
  stdin_open_ = true;
}

void event_loop::drain_statuses() {
  for (auto& event : statuses_.poll()) {
    if (printer_)
      printer_(event);
    if (on_status_)
      on_status_(event);
  }
}

bool event_loop::poll_now() {
  drain_statuses();
  signalfd_siginfo info;
  if (signal_fd_ >= 0 && read(signal_fd_, &info, sizeof(info)) > 0)
    signalled_ = true;
  return signalled_;
}

void event_loop::read_stdin() {
  char buf[65536];
  auto n = read(STDIN_FILENO, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0) {
    stdin_open_ = false;
    if (!partial_line_.empty())
      on_line_(partial_line_);
    partial_line_.clear();
    if (at_eof_)
      at_eof_();
    return;
  }
  partial_line_.append(buf, static_cast<size_t>(n));
  size_t start = 0;
  for (auto nl = partial_line_.find('\n'); nl != std::string::npos;
       nl = partial_line_.find('\n', start)) {
    on_line_(std::string_view{partial_line_}.substr(start, nl - start));
    start = nl + 1;
  }
  partial_line_.erase(0, start);
}

int event_loop::poll_timeout(
  std::optional<clock::time_point> deadline,
  std::optional<std::chrono::milliseconds> tick) const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  long result = -1;
  if (deadline) {
    auto left = duration_cast<milliseconds>(*deadline - clock::now()).count();
    result = std::max(0L, left + 1);
  }
  if (tick && (result < 0 || tick->count() < result))
    result = tick->count();
  return static_cast<int>(result);
}

event_loop::outcome
event_loop::run(const std::function<bool()>& done,
                std::optional<clock::time_point> deadline,
                std::optional<std::chrono::milliseconds> tick) {
  for (;;) {
    if (poll_now())
      return outcome::signalled;
    if (done && done())
      return outcome::done;
    if (deadline && clock::now() >= *deadline)
      return outcome::timed_out;
    std::vector<pollfd> fds;
    fds.push_back({signal_fd_, POLLIN, 0});
    fds.push_back({statuses_.fd(), POLLIN, 0});
    for (auto& w : subs_)
      fds.push_back({w.sub->fd(), POLLIN, 0});
    for (auto& w : fds_)
      fds.push_back({w.fd, POLLIN, 0});
    if (stdin_open_)
      fds.push_back({STDIN_FILENO, POLLIN, 0});
    if (poll(fds.data(), fds.size(), poll_timeout(deadline, tick)) < 0
        && errno != EINTR) {
      std::perror("poll");
      return outcome::signalled;
    }
    size_t next = 2;
    for (auto& w : subs_)
      if (fds[next++].revents != 0)
        for (auto& msg : w.sub->poll())
          w.handler(msg);
    // Handlers may watch or unwatch descriptors: look each one up again.
    std::vector<int> ready;
    for (size_t i = 0; i < fds_.size(); ++i)
      if (fds[next + i].revents != 0)
        ready.push_back(fds[next + i].fd);
    for (int fd : ready) {
      auto i = std::find_if(fds_.begin(), fds_.end(),
                            [fd](const watched_fd& w) { return w.fd == fd; });
      if (i != fds_.end()) {
        auto handler = i->handler;
        handler();
      }
    }
    if (stdin_open_ && fds.back().fd == STDIN_FILENO && fds.back().revents != 0)
      read_stdin();
  }
}

} // namespace broker::tools
