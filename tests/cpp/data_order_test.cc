// The total order on data: variant index first, then the value.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"

using namespace broker;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

// Checks that xs is strictly increasing and that the comparison operators
// agree with each other for every pair.
void expect_strictly_increasing(const vector& xs) {
  for (size_t i = 0; i < xs.size(); ++i) {
    for (size_t j = 0; j < xs.size(); ++j) {
      SCOPED_TRACE(to_string(xs[i]) + " vs " + to_string(xs[j]));
      EXPECT_EQ(xs[i] < xs[j], i < j);
      EXPECT_EQ(xs[i] > xs[j], i > j);
      EXPECT_EQ(xs[i] <= xs[j], i <= j);
      EXPECT_EQ(xs[i] >= xs[j], i >= j);
      EXPECT_EQ(xs[i] == xs[j], i == j);
      EXPECT_EQ(xs[i] != xs[j], i != j);
    }
  }
}

TEST(DataOrder, AcrossTypesFollowsVariantIndex) {
  // Deliberately pick "large" values for early types and "small" values for
  // later ones: the type must dominate the value.
  expect_strictly_increasing(vector{
    nil,
    true,
    count{1000},
    integer{-1000},
    real{-1e9},
    std::string{"zzz"},
    address{},
    subnet{},
    port{},
    timestamp{},
    timespan{-100},
    enum_value{""},
    set{},
    table{},
    vector{},
  });
}

TEST(DataOrder, CountSortsBeforeInteger) {
  EXPECT_LT(data{count{100}}, data{integer{-5}});
  EXPECT_LT(data{true}, data{count{0}});
  EXPECT_LT(data{nil}, data{false});
}

TEST(DataOrder, WithinScalars) {
  expect_strictly_increasing(vector{false, true});
  expect_strictly_increasing(vector{count{0}, count{1}, count{UINT64_MAX}});
  expect_strictly_increasing(vector{integer{INT64_MIN}, integer{-1},
                                    integer{0}, integer{1}});
  expect_strictly_increasing(vector{real{-1.5}, real{0}, real{2.5}});
  expect_strictly_increasing(vector{"", "a", "ab", "b"});
  expect_strictly_increasing(vector{timespan{-1}, timespan{0}, timespan{1}});
  expect_strictly_increasing(
    vector{timestamp{timespan{0}}, timestamp{timespan{5}}});
  expect_strictly_increasing(
    vector{enum_value{"a"}, enum_value{"b"}, enum_value{"ba"}});
}

TEST(DataOrder, NetworkTypes) {
  // v6 addresses with leading zero bytes sort before v4-mapped ones.
  expect_strictly_increasing(
    vector{addr("::"), addr("::1"), addr("1.2.3.4"), addr("1.2.3.5"),
           addr("2001:db8::1"), addr("fc00::")});
  expect_strictly_increasing(
    vector{port{80, port::protocol::unknown}, port{80, port::protocol::tcp},
           port{80, port::protocol::udp}, port{80, port::protocol::icmp},
           port{81, port::protocol::unknown}});
}

TEST(DataOrder, SubnetComparesNetworkThenLength) {
  auto net = addr("10.0.0.0");
  subnet wide{net, 8};
  subnet narrow{net, 16};
  subnet other{addr("10.1.0.0"), 16};
  expect_strictly_increasing(vector{wide, narrow, other});
  // Unlike upstream, equal networks with different lengths are distinct keys.
  set xs{wide, narrow};
  EXPECT_EQ(xs.size(), 2u);
}

TEST(DataOrder, ContainersAreLexicographic) {
  expect_strictly_increasing(
    vector{vector{}, vector{1}, vector{1, 2}, vector{1, 3}, vector{2}});
  expect_strictly_increasing(vector{set{}, set{1}, set{1, 2}, set{2}});
  expect_strictly_increasing(
    vector{table{}, table{{1, 1}}, table{{1, 2}}, table{{2, 0}}});
}

TEST(DataOrder, MixedElementTypesInContainers) {
  // Elements compare with the same cross-type rule.
  EXPECT_LT(data{vector{count{9}}}, data{vector{integer{0}}});
  set xs{"a", 1, 1u, nil, true, 2.0};
  vector sorted(xs.begin(), xs.end());
  EXPECT_EQ(sorted, (vector{nil, true, 1u, 1, 2.0, "a"}));
}

TEST(DataOrder, UsableAsMapKey) {
  std::map<data, int> m;
  m[1] = 1;
  m[1u] = 2;
  m["1"] = 3;
  m[vector{1}] = 4;
  m[1] = 5;
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m[data{1}], 5);
  EXPECT_EQ(m[data{1u}], 2);
}

} // namespace
