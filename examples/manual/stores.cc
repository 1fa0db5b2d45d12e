// The manual's data-store chapter (section 2.4) in one program: attaching
// a master, the mutating operations, direct retrieval with its error
// handling, and a clone on a second endpoint that sees the master's data.
#include <iostream>
#include <thread>

#include <broker/broker.hh>

using namespace broker;

namespace {

// Direct retrieval, as the manual checks the result.
void print_foo(store& ds) {
  auto result = ds.get("foo");
  if (result)
    std::cout << *result << std::endl; // Print current value of 'foo'.
  else if (result.error() == ec::no_such_key)
    std::cout << "key 'foo' does not exist" << std::endl;
  else if (result.error() == ec::backend_failure)
    std::cout << "something went wrong with the backend" << std::endl;
  else
    std::cout << "could not retrieve value at key 'foo'" << std::endl;
}

} // namespace

int main() {
  endpoint ep;
  auto ds = ep.attach_master("foo", backend::memory);
  if (!ds) {
    std::cout << to_string(ds.error()) << std::endl;
    return 1;
  }
  print_foo(*ds);
  ds->put("foo", 42);
  ds->increment("foo", 8);
  ds->put("greeting", "hello");
  ds->append("greeting", ", world");
  ds->put("ids", set{1, 2});
  ds->insert_into("ids", 3);
  ds->remove_from("ids", 1);
  ds->put("queue", vector{});
  ds->push("queue", "a");
  ds->push("queue", "b");
  ds->pop("queue");
  print_foo(*ds); // 50
  std::cout << "greeting: " << *ds->get("greeting") << std::endl;
  std::cout << "ids: " << *ds->get("ids") << std::endl;
  std::cout << "3 in ids: " << *ds->get_index_from_value("ids", 3) << std::endl;
  std::cout << "queue: " << *ds->get("queue") << std::endl;
  std::cout << "keys: " << *ds->keys() << std::endl;
  // A clone on a peer receives a full dump of the store.
  endpoint other;
  if (!other.peer(ep))
    return 1;
  auto clone = other.attach_clone("foo");
  // A clone is stale until it synchronised with its master.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  auto synced = [&clone] {
    auto x = clone->exists("foo");
    return x && *x == data{true};
  };
  while (!synced()) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cout << "the clone did not synchronise" << std::endl;
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  std::cout << "clone: foo = " << *clone->get("foo") << std::endl;
  ds->clear();
  std::cout << "after clear: " << *ds->keys() << std::endl;
  return 0;
}
