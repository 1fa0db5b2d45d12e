// The manual's proxy retrieval (section 2.4.2): an asynchronous lookup whose
// answer arrives in a mailbox that an event loop can poll.
#include <assert.h>
#include <poll.h>

#include <exception>
#include <iostream>

#include <broker/broker.hh>

using namespace broker;

int main() {
  endpoint ep;
  auto ds = ep.attach_master("foo", backend::memory);
  // Add a value to a data store (master or clone).
  ds->put("foo", 42);
  // Create a proxy.
  auto proxy = store::proxy{*ds};
  // Perform an asynchronous request to look up a value.
  auto id = proxy.get("foo");
  // Get a file descriptor for event loops.
  auto fd = proxy.mailbox().descriptor();
  // Wait for result.
  ::pollfd p = {fd, POLLIN, 0};
  auto n = ::poll(&p, 1, -1);
  if (n < 0)
    std::terminate(); // poll failed
  if (n == 1 && p.revents & POLLIN) {
    auto response = proxy.receive(); // Retrieve result, won't block now.
    assert(response.id == id);
    // Check whether we got data or an error.
    if (response.answer)
      std::cout << *response.answer << std::endl; // may print 42
    else if (response.answer.error() == ec::no_such_key)
      std::cout << "no such key: 'foo'" << std::endl;
    else
      std::cout << "failed to retrieve value at key 'foo'" << std::endl;
  }
  return 0;
}
