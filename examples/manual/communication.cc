// The manual's section 2.2.1 (Exchanging Broker Messages) in one program:
// peering, publishing directly and through a publisher, and receiving with
// get(), available()/poll() and the subscriber's file descriptor.
#include <poll.h>

#include <exception>
#include <iostream>

#include <broker/broker.hh>

using namespace broker;

int main() {
  // Peerings: ep0 listens, ep1 peers with it (the manual uses port 9999;
  // port 0 picks a free one so that the example never collides).
  endpoint ep1;
  auto sub1 = ep1.make_subscriber({"/topic/test"});
  endpoint ep0;
  auto sub0 = ep0.make_subscriber({"/topic/test"});
  auto port = ep0.listen("127.0.0.1", 0);
  if (!ep1.peer("127.0.0.1", port)) {
    std::cerr << "peering failed" << std::endl;
    return 1;
  }
  // Sending data.
  auto& ep = ep1;
  ep.publish("/topic/test", "42"); // Message is a single number.
  ep.publish("/topic/test", vector{1, 2, 3}); // Message is a vector of values.
  auto pub = ep.make_publisher("/topic/test");
  pub.publish("42"); // Message is a single number.
  // The manual says "Message is a vector", but a broker::vector is a
  // std::vector<data>, which selects publish()'s batch overload (in
  // upstream 2.1 as here): this publishes three messages, 1, 2 and 3.
  pub.publish(vector{1, 2, 3});
  // Synchronous API: get blocks until a message is available.
  auto& sub = sub0;
  auto msg = sub.get();
  auto topic = get_topic(msg);
  auto data_ = get_data(msg);
  std::cout << "topic: " << topic << " data: " << data_ << std::endl;
  // The file descriptor signals whether messages are available.
  auto fd = sub.fd();
  ::pollfd p = {fd, POLLIN, 0};
  auto n = ::poll(&p, 1, -1);
  if (n < 0)
    std::terminate(); // poll failed
  if (n == 1 && p.revents & POLLIN) {
    auto msg = sub.get(); // Won't block now.
    std::cout << "topic: " << get_topic(msg) << " data: " << get_data(msg)
              << std::endl;
  }
  // available() and poll(): the rest, once all four have arrived.
  while (sub.available() < 4)
    ::poll(&p, 1, 1000);
  for (auto m : sub.poll()) // Iterate over all available messages
    std::cout << "topic: " << get_topic(m) << " data: " << get_data(m)
              << std::endl;
  return 0;
}
