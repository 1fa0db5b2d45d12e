#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/filter.hh"

using namespace broker;

namespace {

filter_type make(std::vector<std::string> xs) {
  return filter_type(xs.begin(), xs.end());
}

// Sorted and no entry is a prefix of another.
bool is_minimal(const filter_type& f) {
  if (!std::is_sorted(f.begin(), f.end()))
    return false;
  for (size_t i = 0; i < f.size(); ++i)
    for (size_t j = 0; j < f.size(); ++j)
      if (i != j && f[i].prefix_of(f[j]))
        return false;
  return true;
}

TEST(Filter, ExtendEmpty) {
  filter_type f;
  EXPECT_TRUE(filter_extend(f, "/a"));
  EXPECT_EQ(f, make({"/a"}));
}

TEST(Filter, ExtendKeepsSorted) {
  filter_type f;
  EXPECT_TRUE(filter_extend(f, "/c"));
  EXPECT_TRUE(filter_extend(f, "/a"));
  EXPECT_TRUE(filter_extend(f, "/b"));
  EXPECT_EQ(f, make({"/a", "/b", "/c"}));
}

TEST(Filter, CoveredTopicIsNoOp) {
  auto f = make({"/a", "/b"});
  EXPECT_FALSE(filter_extend(f, "/a"));
  EXPECT_FALSE(filter_extend(f, "/a/b"));
  EXPECT_FALSE(filter_extend(f, "/apple")); // raw string prefix
  EXPECT_EQ(f, make({"/a", "/b"}));
}

TEST(Filter, ShorterPrefixReplacesCovered) {
  auto f = make({"/a/b", "/a/c", "/ab", "/b"});
  EXPECT_TRUE(filter_extend(f, "/a"));
  EXPECT_EQ(f, make({"/a", "/b"}));
  EXPECT_TRUE(filter_extend(f, ""));
  EXPECT_EQ(f, make({""}));
  EXPECT_FALSE(filter_extend(f, "/anything"));
}

TEST(Filter, ExtendWithFilter) {
  auto f = make({"/a"});
  EXPECT_FALSE(filter_extend(f, make({"/a/x", "/a"})));
  EXPECT_TRUE(filter_extend(f, make({"/a/x", "/z", "/b/c", "/b"})));
  EXPECT_EQ(f, make({"/a", "/b", "/z"}));
}

TEST(Filter, Matches) {
  auto f = make({"/a/", "/b", "/c/d"});
  EXPECT_TRUE(filter_matches(f, "/a/x"));
  EXPECT_TRUE(filter_matches(f, "/bee"));
  EXPECT_TRUE(filter_matches(f, "/c/d/e"));
  EXPECT_FALSE(filter_matches(f, "/a"));
  EXPECT_FALSE(filter_matches(f, "/c"));
  EXPECT_FALSE(filter_matches(f, ""));
  EXPECT_FALSE(filter_matches(filter_type{}, "/a"));
  EXPECT_TRUE(filter_matches(make({""}), ""));
}

TEST(Filter, StripInternal) {
  auto f = make({"/a", "<$>/local/data/errors", "<$>/local/data/statuses",
                 "<$>/local/data/store-events/x", "x/<$>/data/master"});
  auto copy = filter_without_internal(f);
  EXPECT_EQ(copy, make({"/a", "x/<$>/data/master"}));
  filter_strip_internal(f);
  EXPECT_EQ(f, copy);
}

// Against a brute force: the filter stays minimal, matches exactly the
// topics matched by some extended topic, and reports changes correctly.
TEST(Filter, RandomizedAgainstBruteForce) {
  std::mt19937 gen{42};
  const std::string alphabet = "ab/";
  auto random_topic = [&] {
    std::string str;
    auto len = std::uniform_int_distribution<size_t>{0, 5}(gen);
    for (size_t i = 0; i < len; ++i)
      str += alphabet[std::uniform_int_distribution<size_t>{0, 2}(gen)];
    return topic{str};
  };
  for (int round = 0; round < 200; ++round) {
    filter_type f;
    std::vector<topic> added;
    for (int i = 0; i < 12; ++i) {
      auto x = random_topic();
      auto covers_x = [&](const topic& p) { return p.prefix_of(x); };
      auto covered = std::any_of(added.begin(), added.end(), covers_x);
      ASSERT_EQ(filter_extend(f, x), !covered) << x;
      added.push_back(x);
      ASSERT_TRUE(is_minimal(f));
    }
    for (int i = 0; i < 50; ++i) {
      auto t = random_topic();
      auto covers_t = [&](const topic& p) { return p.prefix_of(t); };
      auto expected = std::any_of(added.begin(), added.end(), covers_t);
      ASSERT_EQ(filter_matches(f, t), expected) << t;
    }
  }
}

} // namespace
