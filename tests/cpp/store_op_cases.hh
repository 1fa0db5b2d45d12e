#pragma once

// The type rules of store add/subtract (docs/stores.md, "add and subtract
// by type") as a table, so that the value-level tests and every backend
// check the same rules.

#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/expected.hh"

namespace broker::test {

struct op_case {
  const char* what;
  data initial;
  data operand;
  data result;             // Expected value on success.
  ec code = ec::none;      // Expected error; the value stays `initial`.
};

inline timestamp ts(int64_t ns) {
  return timestamp{timespan{ns}};
}

inline address loopback() {
  return address{std::array<uint8_t, 16>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
                                         0xff, 127, 0, 0, 1}};
}

/// The value, or an enum_value describing the error (it never equals a
/// value the tests expect, and gtest prints it on a mismatch).
template <class T>
data or_error(const T& x) {
  if (x)
    return *x;
  return enum_value{"error: " + to_string(x.error())};
}

/// The error code, or `ec::none` on success (for results whose value type
/// cannot be printed).
template <class T>
ec code_of(const T& x) {
  return x ? ec::none : x.error().code();
}

/// Values of the types that support neither add nor subtract.
inline std::vector<data> inert_values() {
  return {true, nil, loopback(), subnet{loopback(), 8},
          port{80, port::protocol::tcp}, enum_value{"e"}};
}

inline std::vector<op_case> add_cases() {
  using namespace std::string_literals;
  std::vector<op_case> xs{
    {"count", count{1}, count{2}, count{3}},
    {"integer", integer{-1}, integer{5}, integer{4}},
    {"real", real{1.5}, real{2.25}, real{3.75}},
    {"timespan", timespan{10}, timespan{5}, timespan{15}},
    {"timestamp+timespan", ts(10), timespan{5}, ts(15)},
    {"string", "foo"s, "bar"s, "foobar"s},
    {"vector push_back", vector{1}, "x"s, vector{1, "x"s}},
    {"vector of vector", vector{}, vector{1}, vector{vector{1}}},
    {"set insert", set{1}, 2, set{1, 2}},
    {"set insert existing", set{1}, 1, set{1}},
    {"table insert", table{}, vector{"k"s, "v"s}, table{{"k"s, "v"s}}},
    {"table overwrite", table{{"k"s, "v"s}}, vector{"k"s, "w"s},
     table{{"k"s, "w"s}}},
    {"table non-vector", table{}, "k"s, {}, ec::type_clash},
    {"table 3-vector", table{}, vector{1, 2, 3}, {}, ec::invalid_data},
    {"table empty vector", table{}, vector{}, {}, ec::invalid_data},
    {"count+integer", count{1}, integer{1}, {}, ec::type_clash},
    {"integer+count", integer{1}, count{1}, {}, ec::type_clash},
    {"real+count", real{1}, count{1}, {}, ec::type_clash},
    {"timespan+count", timespan{1}, count{1}, {}, ec::type_clash},
    {"timestamp+timestamp", ts(1), ts(1), {}, ec::type_clash},
    {"string+count", "a"s, count{1}, {}, ec::type_clash},
  };
  for (auto& x : inert_values())
    xs.push_back({"inert", x, x, {}, ec::type_clash});
  return xs;
}

inline std::vector<op_case> subtract_cases() {
  using namespace std::string_literals;
  std::vector<op_case> xs{
    {"count", count{5}, count{2}, count{3}},
    {"integer", integer{1}, integer{5}, integer{-4}},
    {"real", real{3.75}, real{1.5}, real{2.25}},
    {"timespan", timespan{10}, timespan{4}, timespan{6}},
    {"timestamp-timespan", ts(10), timespan{4}, ts(6)},
    {"vector pops, ignoring the operand", vector{1, 2}, "ignored"s,
     vector{1}},
    {"empty vector", vector{}, 1, vector{}},
    {"set erase", set{1, 2}, 1, set{2}},
    {"set erase missing", set{1}, 5, set{1}},
    {"table erase", table{{"k"s, "v"s}}, "k"s, table{}},
    {"table erase missing", table{{"k"s, "v"s}}, "x"s, table{{"k"s, "v"s}}},
    {"string", "ab"s, "b"s, {}, ec::type_clash},
    {"count-integer", count{1}, integer{1}, {}, ec::type_clash},
    {"real-integer", real{1}, integer{1}, {}, ec::type_clash},
    {"timestamp-timestamp", ts(5), ts(1), {}, ec::type_clash},
    {"timespan-timestamp", timespan{5}, ts(1), {}, ec::type_clash},
  };
  for (auto& x : inert_values())
    xs.push_back({"inert", x, x, {}, ec::type_clash});
  return xs;
}

} // namespace broker::test
