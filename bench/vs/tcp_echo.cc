// The floor of bench/compare.py's round-trip rows: a raw TCP echo over
// loopback with blocking sockets and TCP_NODELAY, no framing beyond a fixed
// message size (26 bytes, the size of the packed small message), so a round
// trip costs two sends, two receives and four wake-ups, nothing more.
//
// Usage: vs-tcp-echo server          (prints `listening <port>`)
//        vs-tcp-echo client <n> <port>   (n timed round trips after 100)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr size_t msg_size = 26;

[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::exit(1);
}

void no_delay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// Reads exactly msg_size bytes; false at the end of the stream.
bool read_msg(int fd, char* buf) {
  size_t got = 0;
  while (got < msg_size) {
    auto n = read(fd, buf + got, msg_size - got);
    if (n <= 0)
      return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

void write_msg(int fd, const char* buf) {
  if (write(fd, buf, msg_size) != static_cast<ssize_t>(msg_size))
    fail("write");
}

void run_server() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(0);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 1) != 0)
    fail("bind");
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening %u\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  int conn = accept(fd, nullptr, nullptr);
  no_delay(conn);
  char buf[msg_size];
  while (read_msg(conn, buf))
    write_msg(conn, buf);
  std::printf("result done=1\n");
}

double percentile(std::vector<double>& xs, double p) {
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(xs.size() * p))];
}

void run_client(size_t n, uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  auto addr = loopback(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
    fail("connect");
  no_delay(fd);
  char buf[msg_size];
  std::memset(buf, 'x', msg_size);
  std::vector<double> us;
  using clk = std::chrono::steady_clock;
  for (size_t i = 0; i < n + 100; ++i) {
    auto start = clk::now();
    write_msg(fd, buf);
    if (!read_msg(fd, buf))
      fail("read");
    if (i >= 100)
      us.push_back(std::chrono::duration<double, std::micro>(clk::now() - start)
                     .count());
  }
  close(fd);
  std::printf("result p50_us=%.1f p90_us=%.1f p99_us=%.1f\n",
              percentile(us, 0.5), percentile(us, 0.9), percentile(us, 0.99));
}

} // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "server") == 0)
    run_server();
  else if (argc >= 4 && std::strcmp(argv[1], "client") == 0)
    run_client(std::strtoull(argv[2], nullptr, 10),
               static_cast<uint16_t>(std::atoi(argv[3])));
  else
    fail("usage: vs-tcp-echo server | client <n> <port>");
  return 0;
}
