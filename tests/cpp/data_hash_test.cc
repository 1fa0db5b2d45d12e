#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "broker/convert.hh"
#include "broker/data.hh"

using namespace broker;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

// Builds the same logical values twice, independently, to catch hashes that
// depend on object identity or capacity.
vector samples() {
  return {
    nil,
    true,
    false,
    count{42},
    integer{42},
    integer{-1},
    real{4.2},
    std::string{"hello"},
    std::string{},
    addr("10.0.0.1"),
    addr("2001:db8::1"),
    subnet{addr("10.1.2.3"), 8},
    port{80, port::protocol::tcp},
    timestamp{timespan{123}},
    timespan{123},
    enum_value{"Conn::LOG"},
    set{1, 2, 3},
    table{{"a", 1}, {"b", vector{1}}},
    vector{1, "x", set{}, table{}},
    vector{vector{vector{}}},
  };
}

TEST(DataHash, EqualValuesHashEqual) {
  auto xs = samples();
  auto ys = samples();
  std::hash<data> h;
  for (size_t i = 0; i < xs.size(); ++i) {
    ASSERT_EQ(xs[i], ys[i]);
    EXPECT_EQ(h(xs[i]), h(ys[i])) << to_string(xs[i]);
  }
}

TEST(DataHash, NormalisedValuesHashEqual) {
  std::hash<data> h;
  EXPECT_EQ(h(subnet{addr("10.1.2.3"), 8}), h(subnet{addr("10.9.9.9"), 8}));
  EXPECT_EQ(h(addr("::ffff:1.2.3.4")), h(addr("1.2.3.4")));
  EXPECT_EQ(h(real{0.0}), h(real{-0.0}));
  set a{3, 1, 2};
  set b{1, 2, 3};
  EXPECT_EQ(h(a), h(b));
}

TEST(DataHash, SampleHashesAreDistinct) {
  auto xs = samples();
  std::unordered_set<size_t> hashes;
  for (const auto& x : xs)
    hashes.insert(std::hash<data>{}(x));
  EXPECT_EQ(hashes.size(), xs.size());
}

TEST(DataHash, TypeIsPartOfTheHash) {
  std::hash<data> h;
  EXPECT_NE(h(data{1}), h(data{1u}));
  EXPECT_NE(h(data{vector{}}), h(data{set{}}));
  EXPECT_NE(h(data{set{}}), h(data{table{}}));
  EXPECT_NE(h(data{"x"}), h(data{enum_value{"x"}}));
  EXPECT_NE(h(data{timespan{5}}), h(data{timestamp{timespan{5}}}));
}

TEST(DataHash, SequencesAreOrderDependent) {
  std::hash<vector> hv;
  EXPECT_NE(hv(vector{1, 2}), hv(vector{2, 1}));
  EXPECT_NE(hv(vector{1}), hv(vector{1, nil}));
  EXPECT_NE(hv(vector{}), hv(vector{nil}));
  std::hash<table> ht;
  EXPECT_NE(ht(table{{1, 2}}), ht(table{{2, 1}}));
  EXPECT_NE((ht(table{{1, 2}, {3, 4}})), (ht(table{{1, 4}, {3, 2}})));
}

TEST(DataHash, FewCollisionsForSmallIntegers) {
  std::unordered_set<size_t> hashes;
  for (count i = 0; i < 10000; ++i)
    hashes.insert(std::hash<data>{}(data{i}));
  for (integer i = 0; i < 10000; ++i)
    hashes.insert(std::hash<data>{}(data{i}));
  EXPECT_EQ(hashes.size(), 20000u);
}

TEST(DataHash, ContainerHashersAgreeAcrossCopies) {
  table t{{"k", set{1, 2}}};
  table copy = t;
  EXPECT_EQ(std::hash<table>{}(t), std::hash<table>{}(copy));
  vector v{1, 2, 3};
  vector w;
  w.reserve(100);
  w = {1, 2, 3};
  EXPECT_EQ(std::hash<vector>{}(v), std::hash<vector>{}(w));
  EXPECT_EQ(std::hash<set>{}(set{1}), std::hash<set>{}(set{1}));
}

TEST(DataHash, DataAsUnorderedMapKey) {
  std::unordered_map<data, std::string> m;
  for (const auto& x : samples())
    m[x] = to_string(x);
  auto xs = samples();
  EXPECT_EQ(m.size(), xs.size());
  for (const auto& x : xs) {
    auto i = m.find(x);
    ASSERT_NE(i, m.end()) << to_string(x);
    EXPECT_EQ(i->second, to_string(x));
  }
  EXPECT_EQ(m.count(data{43u}), 0u);
  m[data{1}] = "int";
  m[data{1u}] = "count";
  EXPECT_EQ(m[data{1}], "int");
  EXPECT_EQ(m[data{1u}], "count");
}

} // namespace
