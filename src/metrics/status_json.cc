#include "metrics/status_json.hh"

#include <nlohmann/json.hpp>

#include "broker/convert.hh"

namespace broker::detail::metrics {

namespace {

using json = nlohmann::json;

json to_json(const data& x);

json table_to_json(const table& xs) {
  bool string_keys = true;
  for (auto& kvp : xs)
    string_keys = string_keys && is<std::string>(kvp.first);
  if (string_keys) {
    auto result = json::object();
    for (auto& [key, value] : xs)
      result[get<std::string>(key)] = to_json(value);
    return result;
  }
  auto result = json::array();
  for (auto& [key, value] : xs)
    result.push_back(json::array({to_json(key), to_json(value)}));
  return result;
}

template <class Container>
json sequence_to_json(const Container& xs) {
  auto result = json::array();
  for (auto& x : xs)
    result.push_back(to_json(x));
  return result;
}

json to_json(const data& x) {
  if (is<none>(x))
    return nullptr;
  if (auto b = get_if<boolean>(x))
    return *b;
  if (auto c = get_if<count>(x))
    return *c;
  if (auto i = get_if<integer>(x))
    return *i;
  if (auto r = get_if<real>(x))
    return *r;
  if (auto s = get_if<std::string>(x))
    return *s;
  if (auto t = get_if<table>(x))
    return table_to_json(*t);
  if (auto v = get_if<vector>(x))
    return sequence_to_json(*v);
  if (auto s = get_if<set>(x))
    return sequence_to_json(*s);
  return to_string(x);
}

} // namespace

std::string status_json(const data& report) {
  // Strings from peers (topics, addresses) need not be UTF-8: replace what
  // is not instead of throwing.
  return to_json(report).dump(2, ' ', false, json::error_handler_t::replace)
         + '\n';
}

} // namespace broker::detail::metrics
