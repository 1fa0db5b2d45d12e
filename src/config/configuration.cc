#include "broker/configuration.hh"

#include <cstring>
#include <string_view>

#include "broker/convert.hh"

namespace broker {

namespace {

constexpr const char* policy_names[] = {"drop_oldest", "drop_newest", "block",
                                        "disconnect"};

/// Interprets a command-line value: booleans, counts, integers, reals,
/// otherwise a string.
data guess_value(const std::string& str) {
  if (str == "true" || str == "false")
    return str == "true";
  if (auto c = from_string<count>(str))
    return *c;
  if (auto i = from_string<integer>(str))
    return *i;
  if (auto r = from_string<real>(str))
    return *r;
  return str;
}

/// A key as upstream 2.3+ spells it, where that differs from ours.
struct key_alias {
  std::string_view alias;
  std::string_view key;
  /// A boolean whose meaning is the opposite of ours.
  bool inverted;
};

// Only keys whose 2.3+ spelling differs; docs/configuration.md lists the
// 2.3+ keys that need no alias (same spelling, or nothing to configure).
constexpr key_alias key_aliases[] = {
  {"broker.disable-ssl", "broker.disable_ssl", false},
  {"broker.disable-forwarding", "broker.forward", true},
};

const key_alias* find_alias(std::string_view key) {
  for (auto& x : key_aliases)
    if (x.alias == key)
      return &x;
  return nullptr;
}

/// An inverted alias carries the opposite boolean; any other value is
/// stored unchanged and then ignored as mistyped, as it would be under our
/// own key.
data translate(const key_alias& alias, data value) {
  if (auto b = get_if<boolean>(value); b && alias.inverted)
    return !*b;
  return value;
}

/// Boolean constants for reading an inverted alias back by pointer.
const data* boolean_constant(bool value) {
  static const data true_value{true};
  static const data false_value{false};
  return value ? &true_value : &false_value;
}

} // namespace

const char* to_string(overflow_policy policy) noexcept {
  return policy_names[static_cast<size_t>(policy)];
}

bool convert(const std::string& str, overflow_policy& policy) {
  for (size_t i = 0; i < std::size(policy_names); ++i) {
    if (str == policy_names[i]) {
      policy = static_cast<overflow_policy>(i);
      return true;
    }
  }
  return false;
}

configuration::configuration() = default;

configuration::configuration(broker_options opts) : options_(opts) {}

configuration::configuration(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg{argv[i]};
    if (arg.substr(0, 2) != "--")
      continue;
    arg.remove_prefix(2);
    auto eq = arg.find('=');
    if (eq == std::string_view::npos)
      set(std::string{arg}, true);
    else
      set(std::string{arg.substr(0, eq)},
          guess_value(std::string{arg.substr(eq + 1)}));
  }
}

void configuration::set(std::string key, data value) {
  if (auto alias = find_alias(key)) {
    value = translate(*alias, std::move(value));
    key = std::string{alias->key};
  }
  bind_option(key, value);
  settings_[std::move(key)] = std::move(value);
}

void configuration::bind_option(std::string_view key, const data& value) {
  // Keys that upstream binds to broker_options update the struct too.
  if (key == "broker.ttl") {
    if (auto c = get_if<count>(value))
      options_.ttl = static_cast<unsigned>(*c);
    else if (auto i = get_if<integer>(value); i && *i > 0)
      options_.ttl = static_cast<unsigned>(*i);
  } else if (key == "broker.forward") {
    if (auto b = get_if<boolean>(value))
      options_.forward = *b;
  } else if (key == "broker.disable_ssl") {
    if (auto b = get_if<boolean>(value))
      options_.disable_ssl = *b;
  }
}

const data* configuration::get(std::string_view key) const {
  auto alias = find_alias(key);
  auto i = settings_.find(alias ? alias->key : key);
  if (i == settings_.end())
    return nullptr;
  if (auto b = get_if<boolean>(i->second); b && alias && alias->inverted)
    return boolean_constant(!*b);
  return &i->second;
}

uint64_t configuration::get_count(std::string_view key,
                                  uint64_t fallback) const {
  if (auto x = get(key)) {
    if (auto c = get_if<count>(*x))
      return *c;
    if (auto i = get_if<integer>(*x); i && *i >= 0)
      return static_cast<uint64_t>(*i);
  }
  return fallback;
}

std::string configuration::get_string(std::string_view key,
                                      std::string fallback) const {
  if (auto x = get(key))
    if (auto s = get_if<std::string>(*x))
      return *s;
  return fallback;
}

timespan configuration::get_timespan(std::string_view key,
                                     timespan fallback) const {
  auto x = get(key);
  if (!x)
    return fallback;
  if (auto t = get_if<timespan>(*x))
    return *t;
  if (auto s = get_if<std::string>(*x)) {
    if (auto t = from_string<timespan>(*s))
      return *t;
    return fallback;
  }
  if (auto c = get_if<count>(*x))
    return std::chrono::seconds{*c};
  if (auto r = get_if<real>(*x); r && *r >= 0)
    return std::chrono::duration_cast<timespan>(
      std::chrono::duration<double>{*r});
  return fallback;
}

} // namespace broker
