#include "peering.hh"

#include <dirent.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

namespace broker::tools {

bool has_subscriber(endpoint& ep, const topic& t) {
  // peer_subscriptions() includes the filters of peers whose handshake is
  // done but whose extension probe is not; the core routes nothing to
  // them yet (peer_status::connecting), so wait for those as well.
  auto peers = ep.peers();
  if (peers.empty()
      || std::any_of(peers.begin(), peers.end(), [](const peer_info& p) {
           return p.status != peer_status::peered;
         }))
    return false;
  auto filters = ep.peer_subscriptions();
  return std::any_of(filters.begin(), filters.end(),
                     [&](const topic& f) { return f.prefix_of(t); });
}

bool wait_for_subscriber(endpoint& ep, event_loop& loop, const topic& t,
                         double timeout_s) {
  auto outcome = loop.run([&] { return has_subscriber(ep, t); },
                          deadline_in(timeout_s),
                          std::chrono::milliseconds{10});
  return outcome == event_loop::outcome::done;
}

namespace {

bool is_tcp_socket(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
    return false;
  int type = 0;
  int domain = 0;
  socklen_t len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return false;
  len = sizeof(domain);
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
    return false;
  return type == SOCK_STREAM && (domain == AF_INET || domain == AF_INET6);
}

} // namespace

size_t unacknowledged_bytes() {
  size_t result = 0;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir)
    return 0;
  while (auto entry = readdir(dir)) {
    char* end = nullptr;
    auto fd = static_cast<int>(std::strtol(entry->d_name, &end, 10));
    if (*end != '\0' || end == entry->d_name || fd == dirfd(dir)
        || !is_tcp_socket(fd))
      continue;
    int queued = 0;
    // Fails (EINVAL) for listening sockets, which hold nothing to send.
    if (ioctl(fd, SIOCOUTQ, &queued) == 0 && queued > 0)
      result += static_cast<size_t>(queued);
  }
  closedir(dir);
  return result;
}

bool wait_until_sent(event_loop& loop, double stall_timeout_s) {
  using clock = event_loop::clock;
  constexpr auto quiet_period = std::chrono::milliseconds{5};
  auto stall = std::chrono::duration_cast<clock::duration>(
    std::chrono::duration<double>{stall_timeout_s});
  std::optional<clock::time_point> quiet_since;
  auto least = unacknowledged_bytes();
  auto progress_at = clock::now();
  auto outcome = loop.run(
    [&] {
      auto now = clock::now();
      auto queued = unacknowledged_bytes();
      if (queued < least) {
        least = queued;
        progress_at = now;
      }
      if (queued > 0) {
        quiet_since.reset();
        return now - progress_at >= stall;
      }
      if (!quiet_since)
        quiet_since = now;
      return now - *quiet_since >= quiet_period;
    },
    std::nullopt, quiet_period);
  return outcome == event_loop::outcome::done && unacknowledged_bytes() == 0;
}

std::optional<event_loop::clock::time_point> deadline_in(double secs) {
  if (secs < 0)
    return std::nullopt;
  return event_loop::clock::now()
         + std::chrono::duration_cast<event_loop::clock::duration>(
           std::chrono::duration<double>{secs});
}

} // namespace broker::tools
