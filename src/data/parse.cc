// Text -> value parsing. Every parser is strict: the whole input must match,
// with no surrounding whitespace, so that parse(to_string(x)) == x and a
// typo never silently becomes a different value.

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <limits>

#include "broker/convert.hh"

namespace broker {

namespace {

// Keeps error messages readable for huge or binary inputs (e.g. fuzzing).
constexpr size_t max_quoted_input = 64;

std::string describe(const std::string& str) {
  if (str.empty())
    return "an empty string";
  std::string out = "\"";
  for (size_t i = 0; i < str.size() && i < max_quoted_input; ++i) {
    auto c = static_cast<unsigned char>(str[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (std::isprint(c)) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  out += '"';
  if (str.size() > max_quoted_input)
    out += "...";
  return out;
}

error parse_error(const char* type_name, const std::string& expectation,
                  const std::string& input) {
  std::string msg = "cannot parse ";
  msg += type_name;
  msg += ": expected ";
  msg += expectation;
  msg += ", found ";
  msg += describe(input);
  return error{ec::invalid_data, std::move(msg)};
}

template <class T>
std::string range_text() {
  return "a value in [" + std::to_string(std::numeric_limits<T>::min()) + ", "
         + std::to_string(std::numeric_limits<T>::max()) + "]";
}

// Parses all of [first, last) as a decimal integer.
template <class T>
expected<T> parse_integral(const char* first, const char* last,
                           const char* type_name, const char* expectation,
                           const std::string& input) {
  T value{};
  auto [ptr, errc] = std::from_chars(first, last, value);
  if (errc == std::errc::result_out_of_range)
    return parse_error(type_name, range_text<T>(), input);
  if (errc != std::errc{} || ptr != last)
    return parse_error(type_name, expectation, input);
  return value;
}

template <class T>
expected<T> parse_integral(const std::string& str, const char* type_name,
                           const char* expectation) {
  return parse_integral<T>(str.data(), str.data() + str.size(), type_name,
                           expectation, str);
}

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

// Zeek enum names look like `Conn::LOG` or `SSL::TLSv12`.
bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'
         || c == '.';
}

struct time_unit {
  const char* name;
  int64_t ns;
};

constexpr time_unit time_units[] = {
  {"ns", 1},
  {"us", 1'000},
  {"ms", 1'000'000},
  {"s", 1'000'000'000},
  {"min", 60'000'000'000},
  {"mins", 60'000'000'000},
  {"h", 3'600'000'000'000},
  {"hrs", 3'600'000'000'000},
};

constexpr const char* timespan_expectation =
  "<integer><unit> with unit ns, us, ms, s, min, mins, h or hrs";

const time_unit* find_time_unit(const char* first, const char* last) {
  std::string_view unit{first, static_cast<size_t>(last - first)};
  for (const auto& u : time_units)
    if (unit == u.name)
      return &u;
  return nullptr;
}

// Shared by timespan and timestamp, which only differ in the error text.
expected<timespan> parse_time(const std::string& str, const char* type_name) {
  auto first = str.data();
  auto last = first + str.size();
  int64_t value = 0;
  auto [ptr, errc] = std::from_chars(first, last, value);
  if (errc == std::errc::result_out_of_range)
    return parse_error(type_name, "a number that fits 64 bits", str);
  if (errc != std::errc{})
    return parse_error(type_name, timespan_expectation, str);
  auto unit = find_time_unit(ptr, last);
  if (unit == nullptr)
    return parse_error(type_name, timespan_expectation, str);
  int64_t ns = 0;
  if (__builtin_mul_overflow(value, unit->ns, &ns))
    return parse_error(type_name, "a duration that fits 64-bit nanoseconds",
                       str);
  return timespan{ns};
}

// Splits at the first (port) or last (subnet) slash; npos means "no slash".
std::pair<std::string, std::string> split_at(const std::string& str,
                                             size_t pos) {
  return {str.substr(0, pos), str.substr(pos + 1)};
}

port::protocol to_protocol(const std::string& str) {
  if (str == "tcp")
    return port::protocol::tcp;
  if (str == "udp")
    return port::protocol::udp;
  if (str == "icmp")
    return port::protocol::icmp;
  return port::protocol::unknown;
}

template <class T>
expected<data> lift(expected<T>&& x) {
  if (!x)
    return std::move(x.error());
  return data{std::move(*x)};
}

template <class T>
bool convert_via_parse(const std::string& str, T& out) {
  auto result = parse<T>(str);
  if (!result)
    return false;
  out = std::move(*result);
  return true;
}

} // namespace

template <>
expected<none> parse<none>(const std::string& str) {
  if (str == "nil")
    return nil;
  return parse_error("none", "\"nil\"", str);
}

template <>
expected<boolean> parse<boolean>(const std::string& str) {
  if (str == "T" || str == "true")
    return true;
  if (str == "F" || str == "false")
    return false;
  return parse_error("boolean", "T, F, true or false", str);
}

template <>
expected<count> parse<count>(const std::string& str) {
  return parse_integral<count>(str, "count",
                               "an unsigned decimal number without sign");
}

template <>
expected<integer> parse<integer>(const std::string& str) {
  return parse_integral<integer>(
    str, "integer", "a decimal number with an optional leading '-'");
}

template <>
expected<real> parse<real>(const std::string& str) {
  constexpr auto expectation = "a decimal floating-point number";
  real value = 0;
  auto first = str.data();
  auto last = first + str.size();
  auto [ptr, errc] = std::from_chars(first, last, value);
  if (errc == std::errc::result_out_of_range)
    return parse_error("real", "a value that fits a double", str);
  if (errc != std::errc{} || ptr != last)
    return parse_error("real", expectation, str);
  return value;
}

template <>
expected<std::string> parse<std::string>(const std::string& str) {
  return str;
}

template <>
expected<address> parse<address>(const std::string& str) {
  constexpr auto expectation = "an IPv4 or IPv6 address";
  // inet_pton reads a C string: an embedded NUL would hide trailing garbage.
  if (str.empty() || str.find('\0') != std::string::npos)
    return parse_error("address", expectation, str);
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, str.c_str(), bytes.data()) == 1)
    return address{bytes};
  uint32_t v4 = 0;
  if (inet_pton(AF_INET, str.c_str(), &v4) == 1)
    return address{&v4, address::family::ipv4, address::byte_order::network};
  return parse_error("address", expectation, str);
}

template <>
expected<subnet> parse<subnet>(const std::string& str) {
  constexpr auto expectation = "<address>/<prefix length>";
  auto slash = str.rfind('/');
  if (slash == std::string::npos)
    return parse_error("subnet", expectation, str);
  auto [addr_str, len_str] = split_at(str, slash);
  auto addr = parse<address>(addr_str);
  if (!addr)
    return parse_error("subnet", expectation, str);
  auto len = parse_integral<uint8_t>(len_str, "subnet", expectation);
  // Check here: the subnet constructor silently falls back to ::/0.
  auto max_len = addr->is_v4() ? 32 : 128;
  if (!len || *len > max_len)
    return parse_error("subnet",
                       "a prefix length of at most " + std::to_string(max_len),
                       str);
  return subnet{*addr, *len};
}

template <>
expected<port> parse<port>(const std::string& str) {
  constexpr auto expectation = "<number>/<protocol>";
  auto slash = str.find('/');
  if (slash == std::string::npos)
    return parse_error("port", expectation, str);
  auto [num_str, proto_str] = split_at(str, slash);
  auto num = parse_integral<port::number_type>(
    num_str.data(), num_str.data() + num_str.size(), "port",
    "a port number in [0, 65535] before the '/'", str);
  if (!num)
    return std::move(num.error());
  return port{*num, to_protocol(proto_str)};
}

template <>
expected<timespan> parse<timespan>(const std::string& str) {
  return parse_time(str, "timespan");
}

template <>
expected<timestamp> parse<timestamp>(const std::string& str) {
  auto since_epoch = parse_time(str, "timestamp");
  if (!since_epoch)
    return std::move(since_epoch.error());
  return timestamp{*since_epoch};
}

template <>
expected<enum_value> parse<enum_value>(const std::string& str) {
  auto valid = !str.empty() && is_identifier_start(str.front());
  for (size_t i = 1; valid && i < str.size(); ++i)
    valid = is_identifier_char(str[i]);
  if (!valid)
    return parse_error("enum value",
                       "an identifier such as Conn::LOG (letters, digits, "
                       "'_', ':' and '.', not starting with a digit)",
                       str);
  return enum_value{str};
}

expected<data> parse(const std::string& str, data::type t) {
  switch (t) {
    case data::type::address:
      return lift(parse<address>(str));
    case data::type::boolean:
      return lift(parse<boolean>(str));
    case data::type::count:
      return lift(parse<count>(str));
    case data::type::enum_value:
      return lift(parse<enum_value>(str));
    case data::type::integer:
      return lift(parse<integer>(str));
    case data::type::none:
      return lift(parse<none>(str));
    case data::type::port:
      return lift(parse<port>(str));
    case data::type::real:
      return lift(parse<real>(str));
    case data::type::string:
      return lift(parse<std::string>(str));
    case data::type::subnet:
      return lift(parse<subnet>(str));
    case data::type::timespan:
      return lift(parse<timespan>(str));
    case data::type::timestamp:
      return lift(parse<timestamp>(str));
    default:
      break;
  }
  return error{ec::type_clash, std::string{"cannot parse values of type "}
                                 + to_string(t) + " from text"};
}

// -- convert(string, T&) forwarders --------------------------------------------

bool convert(const std::string& str, address& a) {
  return convert_via_parse(str, a);
}

bool convert(const std::string& str, subnet& sn) {
  return convert_via_parse(str, sn);
}

bool convert(const std::string& str, port& p) {
  return convert_via_parse(str, p);
}

bool convert(const std::string& str, timespan& ts) {
  return convert_via_parse(str, ts);
}

bool convert(const std::string& str, timestamp& ts) {
  return convert_via_parse(str, ts);
}

bool convert(const std::string& str, enum_value& e) {
  return convert_via_parse(str, e);
}

} // namespace broker
