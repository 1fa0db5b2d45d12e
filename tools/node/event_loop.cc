#include "event_loop.hh"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "output.hh"

namespace broker::node {

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
    std::perror("broker-node: signalfd");
}

event_loop::~event_loop() {
  if (signal_fd_ >= 0)
    close(signal_fd_);
}

void event_loop::watch(subscriber& sub, message_handler f) {
  subs_.push_back(watched{&sub, std::move(f)});
}

void event_loop::watch_stdin(line_handler f) {
  on_line_ = std::move(f);
  stdin_open_ = true;
}

void event_loop::drain_statuses() {
  for (auto& event : statuses_.poll()) {
    print_event(event);
    if (on_status_)
      on_status_(event);
  }
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
    print_line("stdin_eof");
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
    drain_statuses();
    if (signalled_)
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
    if (stdin_open_)
      fds.push_back({STDIN_FILENO, POLLIN, 0});
    if (poll(fds.data(), fds.size(), poll_timeout(deadline, tick)) < 0
        && errno != EINTR) {
      std::perror("broker-node: poll");
      return outcome::signalled;
    }
    if (fds[0].revents != 0)
      signalled_ = true;
    for (size_t i = 0; i < subs_.size(); ++i)
      if (fds[2 + i].revents != 0)
        for (auto& msg : subs_[i].sub->poll())
          subs_[i].handler(msg);
    if (stdin_open_ && fds.back().revents != 0)
      read_stdin();
  }
}

} // namespace broker::node
