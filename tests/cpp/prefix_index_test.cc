#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/prefix_index.hh"

using namespace broker;

namespace {

using index_type = prefix_index<uint32_t>;

// All ids that for_each_match reports, sorted, duplicates kept.
std::vector<uint32_t> matches(const index_type& idx, std::string_view t) {
  std::vector<uint32_t> result;
  idx.for_each_match(t, [&](uint32_t id) { result.push_back(id); });
  std::sort(result.begin(), result.end());
  return result;
}

using ids = std::vector<uint32_t>;

TEST(PrefixIndex, EmptyIndexMatchesNothing) {
  index_type idx;
  EXPECT_TRUE(idx.empty());
  EXPECT_EQ(matches(idx, "/a"), ids{});
  EXPECT_EQ(matches(idx, ""), ids{});
  EXPECT_EQ(idx.node_count(), 1u);
}

TEST(PrefixIndex, RawStringPrefixMatching) {
  index_type idx;
  EXPECT_TRUE(idx.add("/foo", 1));
  EXPECT_TRUE(idx.add("/foo/bar", 2));
  EXPECT_TRUE(idx.add("/baz", 3));
  EXPECT_EQ(matches(idx, "/foo"), ids{1});
  EXPECT_EQ(matches(idx, "/foobar"), ids{1});
  EXPECT_EQ(matches(idx, "/foo/bar/x"), (ids{1, 2}));
  EXPECT_EQ(matches(idx, "/fo"), ids{});
  EXPECT_EQ(matches(idx, "/baz"), ids{3});
  EXPECT_EQ(matches(idx, ""), ids{});
}

TEST(PrefixIndex, EmptyPrefixMatchesEverything) {
  index_type idx;
  idx.add("", 7);
  EXPECT_EQ(matches(idx, ""), ids{7});
  EXPECT_EQ(matches(idx, "/anything"), ids{7});
}

TEST(PrefixIndex, OverlappingPrefixesReportAnIdPerPrefix) {
  index_type idx;
  idx.add("/a", 1);
  idx.add("/a/b", 1);
  EXPECT_EQ(matches(idx, "/a/b/c"), (ids{1, 1}));
  EXPECT_EQ(matches(idx, "/a/x"), ids{1});
}

TEST(PrefixIndex, ShorterPrefixesFirst) {
  index_type idx;
  idx.add("/a/b", 2);
  idx.add("/a", 1);
  idx.add("", 0);
  std::vector<uint32_t> order;
  idx.for_each_match("/a/b", [&](uint32_t id) { order.push_back(id); });
  EXPECT_EQ(order, (ids{0, 1, 2}));
}

TEST(PrefixIndex, DuplicateAddAndMissingRemove) {
  index_type idx;
  EXPECT_TRUE(idx.add("/a", 1));
  EXPECT_FALSE(idx.add("/a", 1));
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_FALSE(idx.remove("/a", 2));
  EXPECT_FALSE(idx.remove("/b", 1));
  EXPECT_FALSE(idx.remove("/a/b", 1));
  EXPECT_FALSE(idx.remove("/", 1)); // an inner node without ids
  EXPECT_TRUE(idx.contains("/a", 1));
  EXPECT_TRUE(idx.remove("/a", 1));
  EXPECT_FALSE(idx.contains("/a", 1));
  EXPECT_TRUE(idx.empty());
}

TEST(PrefixIndex, RemovePrunesNodes) {
  index_type idx;
  idx.add("/abc", 1);
  idx.add("/abd", 2);
  EXPECT_EQ(idx.node_count(), 6u); // root, '/', 'a', 'b', 'c', 'd'
  idx.remove("/abc", 1);
  EXPECT_EQ(idx.node_count(), 5u);
  idx.remove("/abd", 2);
  EXPECT_EQ(idx.node_count(), 1u);
  // Freed nodes are reused.
  idx.add("/x", 3);
  EXPECT_EQ(idx.node_count(), 3u);
  EXPECT_EQ(matches(idx, "/xyz"), ids{3});
}

TEST(PrefixIndex, RemoveAll) {
  index_type idx;
  idx.add("/a", 1);
  idx.add("/a/b", 1);
  idx.add("/c", 1);
  idx.add("/a", 2);
  EXPECT_EQ(idx.remove_all(1), 3u);
  EXPECT_EQ(idx.remove_all(1), 0u);
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_EQ(matches(idx, "/a/b"), ids{2});
  EXPECT_EQ(matches(idx, "/c"), ids{});
  EXPECT_EQ(idx.node_count(), 3u); // root, '/', 'a'
}

TEST(PrefixIndex, BinaryCharacters) {
  index_type idx;
  std::string odd{"\x00\xff\x80", 3};
  idx.add(odd, 1);
  EXPECT_EQ(matches(idx, odd + "tail"), ids{1});
  EXPECT_EQ(matches(idx, std::string{"\x00\xff", 2}), ids{});
}

// A brute-force model: the set of (prefix, id) registrations.
class model {
public:
  bool add(const std::string& p, uint32_t id) {
    return regs_.emplace(p, id).second;
  }
  bool remove(const std::string& p, uint32_t id) {
    return regs_.erase({p, id}) > 0;
  }
  size_t remove_all(uint32_t id) {
    size_t n = 0;
    for (auto i = regs_.begin(); i != regs_.end();) {
      if (i->second == id) {
        i = regs_.erase(i);
        ++n;
      } else {
        ++i;
      }
    }
    return n;
  }
  std::vector<uint32_t> matches(const std::string& t) const {
    std::vector<uint32_t> result;
    for (const auto& [p, id] : regs_)
      if (t.compare(0, p.size(), p) == 0 && p.size() <= t.size())
        result.push_back(id);
    std::sort(result.begin(), result.end());
    return result;
  }
  size_t size() const { return regs_.size(); }

private:
  std::set<std::pair<std::string, uint32_t>> regs_;
};

TEST(PrefixIndex, RandomizedAgainstBruteForce) {
  std::mt19937 gen{20240607}; // fixed seed: failures must reproduce
  auto pick = [&](size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>{lo, hi}(gen);
  };
  const std::string alphabet = "ab/c";
  auto random_string = [&](size_t max_len) {
    std::string str;
    for (size_t i = pick(0, max_len); i > 0; --i)
      str += alphabet[pick(0, alphabet.size() - 1)];
    return str;
  };
  index_type idx;
  model ref;
  for (int step = 0; step < 20000; ++step) {
    auto id = static_cast<uint32_t>(pick(0, 15));
    auto op = pick(0, 99);
    if (op < 50) {
      auto p = random_string(5);
      ASSERT_EQ(idx.add(p, id), ref.add(p, id)) << step;
    } else if (op < 85) {
      auto p = random_string(5);
      ASSERT_EQ(idx.remove(p, id), ref.remove(p, id)) << step;
    } else if (op < 88) {
      ASSERT_EQ(idx.remove_all(id), ref.remove_all(id)) << step;
    } else {
      auto t = random_string(7);
      ASSERT_EQ(matches(idx, t), ref.matches(t)) << step << ": " << t;
    }
    ASSERT_EQ(idx.size(), ref.size());
  }
  // Everything removed: only the root remains.
  for (uint32_t id = 0; id <= 15; ++id)
    idx.remove_all(id);
  EXPECT_TRUE(idx.empty());
  EXPECT_EQ(idx.node_count(), 1u);
}

} // namespace
