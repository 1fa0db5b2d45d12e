#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace broker {

/// A hierarchical topic name such as `/zeek/events`. Matching is by raw
/// string prefix: `/foo` matches `/foobar` (upstream behaviour).
class topic {
public:
  /// Separates the components of a topic.
  static constexpr char sep = '/';

  /// Marks reserved components; user topics should not contain it.
  static constexpr std::string_view reserved = "<$>";

  static constexpr std::string_view master_suffix_str = "<$>/data/master";
  static constexpr std::string_view clone_suffix_str = "<$>/data/clone";
  static constexpr std::string_view errors_str = "<$>/local/data/errors";
  static constexpr std::string_view statuses_str = "<$>/local/data/statuses";
  static constexpr std::string_view store_events_str =
    "<$>/local/data/store-events";

  /// Splits a topic into its components, dropping empty ones:
  /// `/a//b/` gives `["a", "b"]`.
  static std::vector<std::string> split(const topic& t);

  /// Folds `/=` over the components: `["/foo", "bar/", "/baz"]` gives
  /// `/foo/bar/baz`.
  static topic join(const std::vector<std::string>& components);

  static topic master_suffix();
  static topic clone_suffix();
  static topic errors();
  static topic statuses();
  static topic store_events();

  topic() = default;

  /// Implicit on purpose: the API takes topics where users pass string
  /// literals, e.g. `ep.publish("/a", x)` and `make_subscriber({"/a"})`.
  template <class T,
            class = std::enable_if_t<
              std::is_constructible_v<std::string, T&&>
              && !std::is_same_v<std::decay_t<T>, topic>>>
  topic(T&& x) : str_(std::forward<T>(x)) {} // NOLINT

  topic(const topic&) = default;
  topic(topic&&) noexcept = default;
  topic& operator=(const topic&) = default;
  topic& operator=(topic&&) noexcept = default;

  /// Appends `rhs`: inserts a separator only if both sides are non-empty and
  /// `rhs` does not start with one, then drops one trailing separator.
  topic& operator/=(const topic& rhs);

  const std::string& string() const noexcept { return str_; }

  std::string&& move_string() && noexcept { return std::move(str_); }

  /// The part after the last separator (the whole string if there is none).
  std::string suffix() const;

  /// True if this topic is a raw string prefix of `t`.
  bool prefix_of(const topic& t) const noexcept;

  bool empty() const noexcept { return str_.empty(); }

  friend bool operator==(const topic& x, const topic& y) noexcept {
    return x.str_ == y.str_;
  }
  friend bool operator!=(const topic& x, const topic& y) noexcept {
    return x.str_ != y.str_;
  }
  friend bool operator<(const topic& x, const topic& y) noexcept {
    return x.str_ < y.str_;
  }
  friend bool operator>(const topic& x, const topic& y) noexcept {
    return y.str_ < x.str_;
  }
  friend bool operator<=(const topic& x, const topic& y) noexcept {
    return !(y.str_ < x.str_);
  }
  friend bool operator>=(const topic& x, const topic& y) noexcept {
    return !(x.str_ < y.str_);
  }

private:
  std::string str_;
};

/// A subscription filter: a list of topic prefixes.
using filter_type = std::vector<topic>;

/// Joins two topics with `/=` semantics.
topic operator/(const topic& lhs, const topic& rhs);

/// True if `prefix` is a raw string prefix of `t` (`""` matches all).
bool is_prefix(const topic& t, std::string_view prefix) noexcept;

/// True for topics that never leave the endpoint (`<$>/local/...`).
bool is_internal(const topic& t) noexcept;

std::string to_string(const topic& t);

bool convert(const topic& t, std::string& str);

std::ostream& operator<<(std::ostream& out, const topic& t);

/// The `"..."_t` literal. Inline so that `using namespace broker` brings it
/// in as upstream (which declares it directly in `broker`), while
/// `using namespace broker::literals` imports nothing else.
inline namespace literals {

inline topic operator""_t(const char* str, size_t len) {
  return topic{std::string{str, len}};
}

} // namespace literals

} // namespace broker

namespace std {

template <>
struct hash<broker::topic> {
  size_t operator()(const broker::topic& t) const noexcept {
    return hash<string>{}(t.string());
  }
};

} // namespace std
