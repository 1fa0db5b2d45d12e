#pragma once

// A trie over the characters of topic prefixes. The router registers every
// filter entry of every destination (local subscriber, peer) here; matching
// a topic walks the trie once along the topic's characters, so routing cost
// follows the topic length plus the number of matches, not the number of
// prefixes or destinations (DESIGN.md, "Routing cost").

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace broker {

/// Maps topic prefixes to sets of destination ids. Matching is by raw string
/// prefix (`/foo` matches `/foobar`); the empty prefix matches every topic.
///
/// Not thread-safe: owned by the core thread. `Id` must be hashable and
/// equality-comparable (typically a small integer).
template <class Id>
class prefix_index {
public:
  prefix_index() { nodes_.emplace_back(); } // the root: the empty prefix

  /// Registers `id` under `prefix`. Returns false if it already was.
  bool add(std::string_view prefix, Id id) {
    uint32_t n = root;
    for (char c : prefix)
      n = child_or_insert(n, c);
    auto& ids = nodes_[n].ids;
    if (std::find(ids.begin(), ids.end(), id) != ids.end())
      return false;
    ids.push_back(id);
    nodes_of_[id].push_back(n);
    ++size_;
    return true;
  }

  /// Unregisters `id` from `prefix`. Returns false if it was not registered.
  bool remove(std::string_view prefix, Id id) {
    uint32_t n = find_node(prefix);
    if (n == npos || !erase_id(nodes_[n].ids, id))
      return false;
    auto i = nodes_of_.find(id);
    erase_value(i->second, n);
    if (i->second.empty())
      nodes_of_.erase(i);
    --size_;
    prune(n);
    return true;
  }

  /// Unregisters `id` from all its prefixes. Costs O(prefixes of `id`).
  /// Returns the number of prefixes removed.
  size_t remove_all(Id id) {
    auto i = nodes_of_.find(id);
    if (i == nodes_of_.end())
      return 0;
    // Pruning never frees a node in this list early: each still holds `id`.
    auto owned = std::move(i->second);
    nodes_of_.erase(i);
    for (auto n : owned) {
      erase_id(nodes_[n].ids, id);
      prune(n);
    }
    size_ -= owned.size();
    return owned.size();
  }

  /// Calls `f(id)` for every id registered under a prefix of `topic`,
  /// shortest prefixes first. An id registered under several prefixes of
  /// `topic` (say `/a` and `/a/b`) is passed once per prefix: callers that
  /// need a set deduplicate, e.g. with a per-destination epoch stamp, which
  /// is cheaper than building a set here. `f` must not modify the index.
  template <class F>
  void for_each_match(std::string_view topic, F&& f) const {
    uint32_t n = root;
    for (size_t pos = 0;; ++pos) {
      for (const auto& id : nodes_[n].ids)
        f(id);
      if (pos == topic.size())
        return;
      n = find_child(n, topic[pos]);
      if (n == npos)
        return;
    }
  }

  /// True if `id` is registered exactly under `prefix`.
  bool contains(std::string_view prefix, Id id) const {
    uint32_t n = find_node(prefix);
    if (n == npos)
      return false;
    const auto& ids = nodes_[n].ids;
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }

  /// Number of (prefix, id) registrations.
  size_t size() const noexcept { return size_; }

  bool empty() const noexcept { return size_ == 0; }

  /// Trie nodes in use, the root included (for tests and statistics).
  size_t node_count() const noexcept { return nodes_.size() - free_.size(); }

private:
  static constexpr uint32_t root = 0;
  static constexpr uint32_t npos = UINT32_MAX;

  struct node {
    // Sorted by character, so lookups are a binary search over at most 256
    // entries; in practice topic tries fan out very little.
    std::vector<std::pair<char, uint32_t>> children;
    std::vector<Id> ids;
    uint32_t parent = npos;
    char label = 0;
  };

  using child_entry = std::pair<char, uint32_t>;

  static bool by_label(const child_entry& x, char c) noexcept {
    return x.first < c;
  }

  uint32_t find_child(uint32_t n, char c) const noexcept {
    const auto& cs = nodes_[n].children;
    auto i = std::lower_bound(cs.begin(), cs.end(), c, by_label);
    return i != cs.end() && i->first == c ? i->second : npos;
  }

  uint32_t find_node(std::string_view prefix) const noexcept {
    uint32_t n = root;
    for (size_t pos = 0; pos < prefix.size() && n != npos; ++pos)
      n = find_child(n, prefix[pos]);
    return n;
  }

  uint32_t child_or_insert(uint32_t n, char c) {
    auto& cs = nodes_[n].children;
    auto i = std::lower_bound(cs.begin(), cs.end(), c, by_label);
    if (i != cs.end() && i->first == c)
      return i->second;
    auto pos = i - cs.begin();
    uint32_t child = alloc_node(n, c); // may reallocate nodes_ and thus `cs`
    auto& cs2 = nodes_[n].children;
    cs2.insert(cs2.begin() + pos, child_entry{c, child});
    return child;
  }

  uint32_t alloc_node(uint32_t parent, char label) {
    uint32_t n;
    if (!free_.empty()) {
      n = free_.back();
      free_.pop_back();
    } else {
      n = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    nodes_[n].parent = parent;
    nodes_[n].label = label;
    return n;
  }

  // Frees `n` and its ancestors while they hold neither ids nor children.
  // Freed nodes keep their vectors' capacity for reuse.
  void prune(uint32_t n) {
    while (n != root && nodes_[n].ids.empty() && nodes_[n].children.empty()) {
      uint32_t parent = nodes_[n].parent;
      auto& cs = nodes_[parent].children;
      auto i = std::lower_bound(cs.begin(), cs.end(), nodes_[n].label,
                                by_label);
      cs.erase(i);
      nodes_[n].parent = npos;
      free_.push_back(n);
      n = parent;
    }
  }

  template <class T>
  static bool erase_value(std::vector<T>& xs, const T& x) {
    auto i = std::find(xs.begin(), xs.end(), x);
    if (i == xs.end())
      return false;
    // Order within a node does not matter: fill the gap with the last one.
    if (std::next(i) != xs.end())
      *i = std::move(xs.back());
    xs.pop_back();
    return true;
  }

  static bool erase_id(std::vector<Id>& ids, const Id& id) {
    return erase_value(ids, id);
  }

  std::vector<node> nodes_;
  std::vector<uint32_t> free_;
  // Which nodes hold each id, so that remove_all need not scan the trie.
  std::unordered_map<Id, std::vector<uint32_t>> nodes_of_;
  size_t size_ = 0;
};

} // namespace broker
