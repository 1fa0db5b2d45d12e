// The project's demo: grows with every step toward the manual's synopsis.
//  1. a value of every type of the data model, round-tripped through the
//     binary codec;
//  2. the message part of the manual's synopsis between two endpoints of
//     one process (peered in memory: messages pass as pointers).
#include <iostream>

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

int messages_part() {
  std::cout << "== messages: the manual's synopsis, in one process ==\n";
  endpoint ep;     // the synopsis' endpoint
  endpoint remote; // stands in for the remote endpoint at 1.2.3.4:9999
  auto remote_sub = remote.make_subscriber({"/test/t1"});
  auto sub = ep.make_subscriber({"/test/t2"}); // Subscribe to incoming messages.
  auto ss = ep.make_status_subscriber(true);
  if (!ep.peer(remote)) {
    std::cerr << "peering failed\n";
    return 1;
  }
  auto st = ss.get();
  std::cout << "status: " << to_string(get<status>(st)) << '\n';
  ep.publish("/test/t1", set{1, 2, 3}); // Publish data under a given topic.
  auto at_remote = remote_sub.get();
  std::cout << "remote got data for topic " << get_topic(at_remote) << ": "
            << get_data(at_remote) << std::endl;
  remote.publish("/test/t2", vector{true, 7u, "reply"});
  auto msg = sub.get(); // Wait for one incoming message.
  std::cout << "got data for topic " << get_topic(msg) << ": "
            << get_data(msg) << std::endl;
  return 0;
}

} // namespace

int main() {
  if (auto rc = data_model_part(); rc != 0)
    return rc;
  return messages_part();
}
