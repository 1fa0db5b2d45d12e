// The manual's "Status and Error Messages" (section 2.2.1): a status
// subscriber that returns errors only, and one that also returns statuses.
// An unreachable peer produces the error, a peering the status.
#include <iostream>

#include <broker/broker.hh>

using namespace broker;

int main() {
  endpoint ep;
  endpoint other;
  // Errors only (the default).
  auto errors = ep.make_status_subscriber();
  // Port 1 on loopback has no listener: the attempt fails with an error.
  ep.peer("127.0.0.1", 1, timeout::seconds{0});
  auto& ss = errors;
  auto ss_res = ss.get();
  auto err = caf::get<error>(ss_res);
  std::cerr << "Broker error:" << err.code() << ", " << to_string(err)
            << std::endl;
  // Statuses and errors.
  auto all = ep.make_status_subscriber(true); // Get status updates and errors.
  auto port = other.listen("127.0.0.1", 0);
  ep.peer("127.0.0.1", port);
  auto s = all.get();
  if (auto err = caf::get_if<error>(&s))
    std::cerr << "Broker error:" << err->code() << ", " << to_string(*err)
              << std::endl;
  if (auto st = caf::get_if<status>(&s)) {
    if (auto ctx = st->context<endpoint_info>()) // Get the peer this is about if available.
      std::cerr << "Broker status update regarding " << ctx->network->address
                << ":" << to_string(*st) << std::endl;
    else
      std::cerr << "Broker status update:" << to_string(*st) << std::endl;
  }
  return 0;
}
