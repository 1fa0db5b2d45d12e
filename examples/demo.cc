// The project's demo: grows with every step toward the manual's synopsis.
//  1. a value of every type of the data model, round-tripped through the
//     binary codec;
//  2. the message part of the manual's synopsis between two processes over
//     loopback TCP: the program starts itself again as the "remote"
//     endpoint, peers with it, and they exchange the synopsis' messages.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <thread>
#include <utility>

#include "broker/broker.hh"
#include "format/data_reader.hh"
#include "format/data_writer.hh"

using namespace broker;

namespace {

vector sample_values() {
  auto v4 = *from_string<address>("192.168.1.10");
  auto v6 = *from_string<address>("2001:db8::1");
  return {
    nil,
    true,
    count{42},
    integer{-7},
    real{4.2},
    std::string{"hello"},
    v4,
    subnet{v4, 24},
    port{443, port::protocol::tcp},
    timestamp{timespan{1'600'000'000'000'000'000}},
    timespan{std::chrono::milliseconds{1500}},
    enum_value{"Conn::LOG"},
    set{1, 2, 3},
    table{{"a", v6}, {"b", port{53, port::protocol::udp}}},
    vector{true, 7u, "x", vector{}},
  };
}

int data_model_part() {
  std::cout << "== data model: every type through the codec ==\n";
  for (const data& x : sample_values()) {
    std::vector<uint8_t> bytes;
    format::encode(x, bytes);
    auto back = format::decode(bytes);
    if (!back || *back != x) {
      std::cout << "round trip FAILED for " << x << '\n';
      return 1;
    }
    std::cout << "  " << x.get_type_name() << ": " << *back << " ("
              << bytes.size() << " bytes)\n";
  }
  return 0;
}

// The synopsis' remote endpoint, in a second process (this program run
// again with the role "remote"): listens, tells the parent its port through
// `port_fd`, answers the first message, and leaves once the parent did.
int remote_role(int port_fd) {
  const char* me = "  [remote process] ";
  endpoint remote;
  auto sub = remote.make_subscriber({"/test/t1"});
  auto ss = remote.make_status_subscriber(true);
  auto port = remote.listen("127.0.0.1", 0);
  auto text = std::to_string(port) + "\n";
  if (port == 0 || write(port_fd, text.data(), text.size()) < 0)
    return 1;
  close(port_fd);
  std::cout << me << "pid " << getpid() << ", listening on 127.0.0.1:" << port
            << std::endl;
  auto msg = sub.get(std::chrono::seconds{10});
  if (!msg) {
    std::cout << me << "no message within 10 s" << std::endl;
    return 1;
  }
  std::cout << me << "got data for topic " << get_topic(*msg) << ": "
            << get_data(*msg) << std::endl;
  remote.publish("/test/t2", vector{true, 7u, "reply"});
  // Leaving before the peer read the reply could lose it.
  for (;;) {
    auto x = ss.get(std::chrono::seconds{10});
    auto st = get_if<status>(&x);
    if (!st && !get_if<error>(&x))
      return 1;
    if (st && st->code() == sc::peer_lost) {
      std::cout << me << "status: " << to_string(*st) << std::endl;
      return 0;
    }
  }
}

/// Starts this program again as the remote role; returns its pid and the
/// read end of the pipe that carries its port.
std::pair<pid_t, int> spawn_remote(const char* self) {
  int fds[2];
  if (pipe(fds) != 0)
    return {-1, -1};
  auto pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto fd = std::to_string(fds[1]);
    execl("/proc/self/exe", self, "remote", fd.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

/// The port the remote process listens on, or 0.
uint16_t read_port(int fd) {
  std::string text;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n')
    text += c;
  close(fd);
  return static_cast<uint16_t>(std::strtoul(text.c_str(), nullptr, 10));
}

/// Waits (at most 10 s) for the child and returns its exit status.
int reap(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return 128;
}

int messages_part(const char* self) {
  std::cout << "== messages: the manual's synopsis, two processes over TCP ==\n"
            << std::flush;
  auto [pid, port_fd] = spawn_remote(self);
  if (pid < 0)
    return 1;
  auto port = read_port(port_fd);
  int rc = 1;
  {
    endpoint ep;
    // Subscribe to incoming messages: before peering, so that the remote
    // knows our filter by the time it answers.
    auto sub = ep.make_subscriber({"/test/t2"});
    auto ss = ep.make_status_subscriber(true);
    if (port != 0 && ep.peer("127.0.0.1", port, timeout::seconds{0})) {
      std::cout << "status: " << to_string(get<status>(ss.get())) << std::endl;
      ep.publish("/test/t1", set{1, 2, 3}); // Publish data under a given topic.
      // Wait for one incoming message.
      if (auto msg = sub.get(std::chrono::seconds{10})) {
        std::cout << "got data for topic " << get_topic(*msg) << ": "
                  << get_data(*msg) << std::endl;
        rc = 0;
      }
    } else {
      std::cerr << "peering with the remote process failed\n";
    }
  } // The endpoint says goodbye: the remote sees peer_lost and exits.
  auto child = reap(pid);
  std::cout << "remote process " << pid << " exited with status " << child
            << std::endl;
  return rc != 0 ? rc : child;
}

/// The synopsis' data-store part, plus a clone on a second endpoint that
/// sees the master's writes.
int data_store_part() {
  std::cout << "== data stores: the manual's synopsis ==\n";
  endpoint ep;
  auto m = ep.attach_master("yoda", backend::memory); // Create data store.
  if (!m) {
    std::cerr << "attach_master failed: " << to_string(m.error()) << '\n';
    return 1;
  }
  m->put(4.2, -42); // Write into store.
  m->put("bar", vector{true, 7u, now()});
  if (auto d = m->get(4.2)) // Look up in store.
    std::cout << "value of 4.2 is " << to_string(*d) << std::endl;
  else
    std::cout << "no such key: 4.2" << std::endl;
  endpoint other;
  other.peer(ep);
  auto c = other.attach_clone("yoda");
  for (int i = 0; i < 1000 && !c->get(4.2); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  auto at_clone = c->get(4.2);
  std::cout << "the clone on a second endpoint reads 4.2 as "
            << (at_clone ? to_string(*at_clone) : to_string(at_clone.error()))
            << std::endl;
  return at_clone ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view{argv[1]} == "remote")
    return remote_role(std::atoi(argv[2]));
  if (auto rc = data_model_part(); rc != 0)
    return rc;
  if (auto rc = messages_part(argv[0]); rc != 0)
    return rc;
  return data_store_part();
}
