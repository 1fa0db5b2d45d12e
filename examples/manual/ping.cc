// The manual's ping example (section 2.2.3): sends ping(n) events to Zeek
// (running the manual's ping.zeek, listening on 127.0.0.1:9999) and prints
// the pong replies. `broker-node --mode zeek-pong` stands in for Zeek.
// Usage: ping [PORT]   (default 9999, as in the manual)
//
// Differences from the manual: the port can be given, the program waits for
// a status that is not an error only once, and it prints the replies the way
// Broker 2.1 formats a vector, `pong(0)` (the manual shows `pong[0]`).
#include <assert.h>

#include <cstdlib>
#include <iostream>

#include "broker/broker.hh"
#include "broker/zeek.hh"

using namespace broker;

int main(int argc, char** argv) {
  auto port = static_cast<uint16_t>(argc > 1 ? std::atoi(argv[1]) : 9999);
  // Setup endpoint and connect to Zeek.
  endpoint ep;
  auto sub = ep.make_subscriber({"/topic/test"});
  auto ss = ep.make_status_subscriber(true);
  ep.peer("127.0.0.1", port);
  // Wait until connection is established.
  auto ss_res = ss.get();
  auto st = caf::get_if<status>(&ss_res);
  if (!(st && st->code() == sc::peer_added)) {
    std::cerr << "could not connect" << std::endl;
    return 1;
  }
  for (int n = 0; n < 5; n++) {
    // Send event "ping(n)".
    zeek::Event ping("ping", {n});
    ep.publish("/topic/test", ping);
    // Wait for "pong" reply event.
    auto msg = sub.get();
    zeek::Event pong(move_data(msg));
    std::cout << "received " << pong.name() << pong.args() << std::endl;
  }
  return 0;
}
