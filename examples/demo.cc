// The project's demo: grows with every step toward the manual's synopsis.
// Step 1 prints a value of every type of the data model.
#include <iostream>

#include "broker/broker.hh"

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

} // namespace

int main() {
  std::cout << "values of every type:\n";
  for (const data& x : sample_values())
    std::cout << "  " << x.get_type_name() << ": " << x << '\n';
  return 0;
}
