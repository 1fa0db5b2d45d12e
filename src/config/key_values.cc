// Checking values against the key table (config/key_table.hh).

#include <cmath>

#include "broker/convert.hh"
#include "broker/node_id.hh"
#include "config/config_parser.hh"
#include "config/key_table.hh"

namespace broker::detail::config {

namespace {

std::vector<std::string_view> choice_names(const key_spec& spec) {
  std::vector<std::string_view> result;
  auto rest = spec.choices;
  for (;;) {
    auto bar = rest.find('|');
    result.push_back(rest.substr(0, bar));
    if (bar == std::string_view::npos)
      return result;
    rest.remove_prefix(bar + 1);
  }
}

/// "a, b or c", each name wrapped in `quote`.
std::string enumerate(const key_spec& spec, std::string_view quote) {
  auto names = choice_names(spec);
  std::string result;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      result += i + 1 == names.size() ? " or " : ", ";
    result += quote;
    result += names[i];
    result += quote;
  }
  return result;
}

/// Renders a duration in the largest unit that keeps it whole.
std::string duration_text(uint64_t ns) {
  if (ns % 1'000'000'000 == 0)
    return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0)
    return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0)
    return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::optional<data> coerce_count(const key_spec& spec, const data& value) {
  count result = 0;
  if (auto c = get_if<count>(value))
    result = *c;
  else if (auto i = get_if<integer>(value); i && *i >= 0)
    result = static_cast<count>(*i);
  else
    return std::nullopt;
  if (result < spec.min || result > spec.max)
    return std::nullopt;
  return data{result};
}

std::optional<timespan> as_duration(const data& value) {
  if (auto t = get_if<timespan>(value))
    return *t;
  if (auto s = get_if<std::string>(value))
    return from_string<timespan>(*s);
  using seconds = std::chrono::duration<double>;
  auto from_seconds = [](double secs) -> std::optional<timespan> {
    // Beyond ~292 years a timespan overflows.
    if (!std::isfinite(secs) || secs < 0 || secs > 9.2e9)
      return std::nullopt;
    return std::chrono::duration_cast<timespan>(seconds{secs});
  };
  if (auto c = get_if<count>(value))
    return from_seconds(static_cast<double>(*c));
  if (auto i = get_if<integer>(value))
    return from_seconds(static_cast<double>(*i));
  if (auto r = get_if<real>(value))
    return from_seconds(*r);
  return std::nullopt;
}

std::optional<data> coerce_duration(const key_spec& spec, const data& value) {
  auto ts = as_duration(value);
  if (!ts || ts->count() < 0 || static_cast<uint64_t>(ts->count()) < spec.min)
    return std::nullopt;
  return data{*ts};
}

std::optional<data> coerce_list(const data& value) {
  auto xs = get_if<vector>(value);
  if (!xs)
    return std::nullopt;
  for (auto& x : *xs)
    if (!get_if<std::string>(x))
      return std::nullopt;
  return value;
}

std::optional<data> coerce_choice(const key_spec& spec, const data& value) {
  auto str = get_if<std::string>(value);
  if (!str)
    return std::nullopt;
  for (auto name : choice_names(spec))
    if (name == *str)
      return value;
  return std::nullopt;
}

std::optional<data> coerce_uuid(const data& value) {
  auto str = get_if<std::string>(value);
  node_id id;
  if (!str || !convert(*str, id))
    return std::nullopt;
  return value;
}

} // namespace

std::string type_text(const key_spec& spec, bool markdown) {
  switch (spec.type) {
    case value_type::boolean:
      return "boolean";
    case value_type::count:
      if (spec.min == 0 && spec.max == UINT64_MAX)
        return "count";
      if (spec.max == UINT64_MAX)
        return "count ≥ " + std::to_string(spec.min);
      return "count " + std::to_string(spec.min) + "-"
             + std::to_string(spec.max);
    case value_type::duration:
      if (spec.min == 0)
        return "duration";
      return "duration ≥ " + duration_text(spec.min);
    case value_type::string:
      return "string";
    case value_type::string_list:
      return "list of strings";
    case value_type::choice:
      return enumerate(spec, markdown ? "`" : "");
    case value_type::uuid:
      return "UUID";
  }
  return "";
}

std::string expectation(const key_spec& spec) {
  switch (spec.type) {
    case value_type::boolean:
      return "true or false";
    case value_type::count:
      if (spec.max == UINT64_MAX)
        return "a whole number of at least " + std::to_string(spec.min);
      return "a whole number from " + std::to_string(spec.min) + " to "
             + std::to_string(spec.max);
    case value_type::duration: {
      std::string result = "a duration such as 10s or 500ms";
      if (spec.min > 0)
        result += ", at least " + duration_text(spec.min);
      return result;
    }
    case value_type::string:
      return "a string";
    case value_type::string_list:
      return "a list of strings";
    case value_type::choice:
      return "one of " + enumerate(spec, "");
    case value_type::uuid:
      return "a UUID such as 5746d8ee-3644-4bd2-9f54-d5a44c26c2a1";
  }
  return "";
}

std::optional<data> coerce(const key_spec& spec, const data& value) {
  switch (spec.type) {
    case value_type::boolean:
      if (get_if<boolean>(value))
        return value;
      return std::nullopt;
    case value_type::count:
      return coerce_count(spec, value);
    case value_type::duration:
      return coerce_duration(spec, value);
    case value_type::string:
      if (get_if<std::string>(value))
        return value;
      return std::nullopt;
    case value_type::string_list:
      return coerce_list(value);
    case value_type::choice:
      return coerce_choice(spec, value);
    case value_type::uuid:
      return coerce_uuid(value);
  }
  return std::nullopt;
}

std::optional<data> from_text(const key_spec& spec, std::string_view text) {
  if (spec.type == value_type::string || spec.type == value_type::uuid)
    return coerce(spec, data{std::string{text}});
  if (spec.type == value_type::string_list) {
    auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos || text[first] != '[') {
      vector result;
      for (auto& item : split_list(text))
        result.emplace_back(std::move(item));
      return data{std::move(result)};
    }
  }
  auto value = parse_value(text);
  if (!value)
    value = data{std::string{text}};
  return coerce(spec, *value);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> result;
  for (;;) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto first = item.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos) {
      auto last = item.find_last_not_of(" \t\r\n");
      result.emplace_back(item.substr(first, last - first + 1));
    }
    if (comma == std::string_view::npos)
      return result;
    text.remove_prefix(comma + 1);
  }
}

} // namespace broker::detail::config
