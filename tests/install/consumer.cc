// A program built against an installed copy of the library.
#include <iostream>

#include "broker/broker.hh"

int main() {
  broker::data x = broker::vector{broker::set{1, 2, 3}, "ok", 42u};
  std::cout << broker::to_string(x) << ' ' << broker::version::string()
            << '\n';
  return broker::to_string(x) == "({1, 2, 3}, ok, 42)" ? 0 : 1;
}
