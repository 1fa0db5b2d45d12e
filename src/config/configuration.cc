#include "broker/configuration.hh"

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "broker/convert.hh"
#include "config/config_parser.hh"
#include "config/key_docs.hh"
#include "config/key_table.hh"

namespace broker {

namespace {

namespace cfg = detail::config;

constexpr const char* policy_names[] = {"drop_oldest", "drop_newest", "block",
                                        "disconnect"};

/// Boolean constants for reading an inverted alias back by pointer.
const data* boolean_constant(bool value) {
  static const data true_value{true};
  static const data false_value{false};
  return value ? &true_value : &false_value;
}

/// A value as error messages show it: strings in quotes.
std::string shown(const data& value) {
  if (auto str = get_if<std::string>(value))
    return "'" + *str + "'";
  return to_string(value);
}

[[noreturn]] void bad_value(const std::string& origin, const std::string& key,
                            const std::string& value,
                            const cfg::key_spec& spec) {
  throw std::invalid_argument(origin + ": invalid value for " + key + ": "
                              + value + " (expected " + cfg::expectation(spec)
                              + ")");
}

/// The key a spelling stands for, and its table entry (null if unknown).
struct resolved_key {
  std::string key;
  const cfg::key_spec* spec;
  const cfg::alias_spec* alias;
};

resolved_key resolve(std::string key) {
  auto alias = cfg::find_alias(key);
  if (alias)
    key = std::string{alias->key};
  auto spec = cfg::find_key(key);
  return {std::move(key), spec, alias};
}

/// The stored form of a checked value of an inverted alias.
data invert_if(const cfg::alias_spec* alias, data value) {
  if (alias && alias->inverted)
    if (auto b = get_if<boolean>(value))
      return !*b;
  return value;
}

std::mutex warning_mutex;

configuration::warning_handler& warning_sink() {
  static configuration::warning_handler handler;
  return handler;
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

configuration::configuration(skip_init_t) {}

configuration::configuration() {
  init(0, nullptr);
}

configuration::configuration(broker_options opts) : options_(opts) {
  init(0, nullptr);
}

configuration::configuration(int argc, char** argv) {
  init(argc, argv);
}

std::string configuration::help_text() const {
  return cfg::help_text();
}

configuration::warning_handler
configuration::set_warning_handler(warning_handler handler) {
  std::lock_guard guard{warning_mutex};
  auto previous = std::move(warning_sink());
  warning_sink() = std::move(handler);
  return previous;
}

void configuration::warn(std::string message) {
  {
    std::lock_guard guard{warning_mutex};
    if (auto& handler = warning_sink())
      handler(message);
    else
      std::fprintf(stderr, "broker: warning: %s\n", message.c_str());
  }
  warnings_.push_back(std::move(message));
}

void configuration::set(std::string key, data value) {
  put(std::move(key), std::move(value), "configuration::set", false);
}

void configuration::put(std::string key, data value,
                        const std::string& origin, bool warn_unknown) {
  auto spelled = key;
  auto [name, spec, alias] = resolve(std::move(key));
  if (!spec) {
    if (warn_unknown)
      warn(origin + ": unknown key " + spelled
           + " (kept, but nothing in Broker reads it)");
    settings_[std::move(name)] = std::move(value);
    return;
  }
  auto checked = cfg::coerce(*spec, value);
  if (!checked)
    bad_value(origin, spelled, shown(value), *spec);
  auto stored = invert_if(alias, std::move(*checked));
  bind_option(name, stored);
  settings_[std::move(name)] = std::move(stored);
}

void configuration::put_text(std::string key, std::string_view text,
                             const std::string& origin) {
  auto spelled = key;
  auto [name, spec, alias] = resolve(std::move(key));
  if (!spec) {
    // Not ours: keep a number or boolean as such, anything else as text.
    auto value = cfg::parse_value(text);
    put(std::move(spelled), value ? *value : data{std::string{text}}, origin,
        true);
    return;
  }
  auto checked = cfg::from_text(*spec, text);
  if (!checked)
    bad_value(origin, spelled, "'" + std::string{text} + "'", *spec);
  auto stored = invert_if(alias, std::move(*checked));
  bind_option(name, stored);
  settings_[std::move(name)] = std::move(stored);
}

void configuration::bind_option(std::string_view key, const data& value) {
  // Values of known keys are checked: the types are right.
  if (key == "broker.ttl")
    options_.ttl = static_cast<unsigned>(broker::get<count>(value));
  else if (key == "broker.forward")
    options_.forward = broker::get<boolean>(value);
  else if (key == "broker.disable_ssl")
    options_.disable_ssl = broker::get<boolean>(value);
}

const data* configuration::get(std::string_view key) const {
  auto alias = cfg::find_alias(key);
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
