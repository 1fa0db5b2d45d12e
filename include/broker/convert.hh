#pragma once

#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "broker/data.hh"
#include "broker/expected.hh"

namespace broker {

namespace detail {

template <class T, class = void>
struct has_convert_to_string : std::false_type {};

template <class T>
struct has_convert_to_string<
  T, std::void_t<decltype(convert(std::declval<const T&>(),
                                  std::declval<std::string&>()))>>
  : std::true_type {};

} // namespace detail

/// Renders any value that has a `convert(const T&, std::string&)` overload.
template <class T>
std::enable_if_t<detail::has_convert_to_string<T>::value
                   && !std::is_same_v<T, data> && !std::is_same_v<T, vector>
                   && !std::is_same_v<T, set> && !std::is_same_v<T, table>
                   && !std::is_same_v<T, std::string>,
                 std::string>
to_string(const T& x) {
  std::string result;
  convert(x, result);
  return result;
}

/// Converts `from` into a `To`, using the matching `convert` overload.
/// Returns an empty optional if the conversion fails.
template <class To, class From>
std::optional<To> to(const From& from) {
  To result{};
  if (convert(from, result))
    return result;
  return std::nullopt;
}

/// Like `to`, but throws `std::logic_error` if the conversion fails.
template <class To, class From>
To get_as(const From& from) {
  if (auto result = to<To>(from))
    return std::move(*result);
  throw std::logic_error("conversion failed");
}

/// Parses text into a scalar value. Defined for none, boolean (`T`/`F`,
/// `true`/`false`), count, integer, real, std::string, address, subnet,
/// port, timestamp, timespan and enum_value. On failure the error has code
/// `ec::invalid_data` and a message that says what was wrong.
template <class T>
expected<T> parse(const std::string& str);

template <> expected<none> parse<none>(const std::string& str);
template <> expected<boolean> parse<boolean>(const std::string& str);
template <> expected<count> parse<count>(const std::string& str);
template <> expected<integer> parse<integer>(const std::string& str);
template <> expected<real> parse<real>(const std::string& str);
template <> expected<std::string> parse<std::string>(const std::string& str);
template <> expected<address> parse<address>(const std::string& str);
template <> expected<subnet> parse<subnet>(const std::string& str);
template <> expected<port> parse<port>(const std::string& str);
template <> expected<timestamp> parse<timestamp>(const std::string& str);
template <> expected<timespan> parse<timespan>(const std::string& str);
template <> expected<enum_value> parse<enum_value>(const std::string& str);

/// Parses text into a value of type `t` (scalar types only; containers give
/// `ec::type_clash`).
expected<data> parse(const std::string& str, data::type t);

/// Like `parse<T>`, but discards the error.
template <class T>
std::optional<T> from_string(const std::string& str) {
  if (auto result = parse<T>(str))
    return std::move(*result);
  return std::nullopt;
}

template <class T>
std::enable_if_t<std::is_same_v<T, address> || std::is_same_v<T, subnet>
                   || std::is_same_v<T, port>
                   || std::is_same_v<T, enum_value>,
                 std::ostream&>
operator<<(std::ostream& out, const T& x) {
  return out << to_string(x);
}

} // namespace broker
