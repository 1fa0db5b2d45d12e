// The manual's synopsis (chapter 2), runnable: the "remote endpoint on
// 1.2.3.4:9999" is a second endpoint in this process, listening on a free
// port, that answers the first publication with a message on /test/t2.
// Usage: synopsis [HOST PORT]   (peer with a real remote endpoint instead)
#include <cstdlib>
#include <iostream>
#include <string>

#include <broker/broker.hh>

using namespace broker;

int main(int argc, char** argv) {
  endpoint remote; // stands in for the remote endpoint
  auto remote_sub = remote.make_subscriber({"/test/t1"});
  std::string host = "127.0.0.1";
  auto port = remote.listen(host, 0);
  if (argc == 3) {
    host = argv[1];
    port = static_cast<uint16_t>(std::atoi(argv[2]));
  }
  endpoint ep;
  ep.peer(host, port); // Connect to remote endpoint on given address/port.
  // Messages
  auto sub = ep.make_subscriber({"/test/t2"}); // Subscribe to incoming messages for topic.
  ep.publish("/test/t1", set{1, 2, 3}); // Publish data under a given topic.
  if (argc != 3) {
    auto in = remote_sub.get(); // the remote side sees it and answers
    remote.publish("/test/t2", get_data(in));
  }
  auto msg = sub.get(); // Wait for one incoming message.
  std::cout << "got data for topic " << get_topic(msg) << ": "
            << get_data(msg) << std::endl;
  // Data stores
  auto m = ep.attach_master("yoda", backend::memory); // Create data store.
  m->put(4.2, -42); // Write into store.
  m->put("bar", vector{true, 7u, now()});
  if (auto d = m->get(4.2)) // Look up in store.
    std::cout << "value of 4.2 is " << to_string(*d) << std::endl;
  else
    std::cout << "no such key: 4.2" << std::endl;
}
