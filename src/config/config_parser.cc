#include "config/config_parser.hh"

#include <cctype>
#include <charconv>
#include <cstdio>

#include "broker/convert.hh"

namespace broker::detail::config {

namespace {

/// Groups and lists nest at most this deep (a hostile file must not
/// exhaust the stack).
constexpr size_t max_depth = 32;

bool is_key_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'
         || c == '.';
}

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

std::string quoted(char c) {
  if (std::isprint(static_cast<unsigned char>(c)))
    return std::string{"'"} + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%02x", static_cast<unsigned char>(c));
  return buf;
}

/// A recursive-descent parser over one text, tracking line and column.
class parser {
public:
  parser(std::string_view text, const std::string& origin)
    : text_(text), origin_(origin) {}

  std::vector<entry> file() {
    members("", 0, 0, 0);
    return std::move(entries_);
  }

  data lone_value() {
    skip_space();
    auto result = value(0);
    skip_space();
    if (!at_end())
      fail("unexpected " + quoted(peek()) + " after the value");
    return result;
  }

private:
  bool at_end() const noexcept { return pos_ >= text_.size(); }

  char peek() const noexcept { return at_end() ? '\0' : text_[pos_]; }

  char peek_at(size_t offset) const noexcept {
    return pos_ + offset < text_.size() ? text_[pos_ + offset] : '\0';
  }

  char next() {
    char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }

  [[noreturn]] void fail_at(size_t line, size_t column,
                            const std::string& reason) const {
    throw syntax_error(origin_, line, column, reason);
  }

  [[noreturn]] void fail(const std::string& reason) const {
    fail_at(line_, column_, reason);
  }

  /// Skips blanks, line breaks and comments (`;` or `#` to the line's end).
  void skip_space() {
    while (!at_end()) {
      char c = peek();
      if (c == ';' || c == '#') {
        while (!at_end() && peek() != '\n')
          next();
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        next();
      } else {
        return;
      }
    }
  }

  void members(const std::string& prefix, size_t depth, size_t open_line,
               size_t open_column);
  void member(const std::string& prefix, size_t depth);
  std::string key();
  void expect_value_end(const std::string& key);
  data value(size_t depth);
  data string_literal();
  data list(size_t depth);
  data word();
  data number();

  std::string_view text_;
  const std::string& origin_;
  size_t pos_ = 0;
  size_t line_ = 1;
  size_t column_ = 1;
  std::vector<entry> entries_;
};

void parser::members(const std::string& prefix, size_t depth,
                     size_t open_line, size_t open_column) {
  if (depth > max_depth)
    fail("groups nested deeper than " + std::to_string(max_depth));
  bool in_group = depth > 0;
  for (;;) {
    skip_space();
    if (at_end()) {
      if (in_group)
        fail("missing '}' for the group '"
             + prefix.substr(0, prefix.size() - 1) + "' opened at "
             + std::to_string(open_line) + ":" + std::to_string(open_column));
      return;
    }
    if (peek() == '}') {
      if (!in_group)
        fail("'}' without an open group");
      next();
      return;
    }
    if (peek() == ',') { // optional separator between entries
      next();
      continue;
    }
    member(prefix, depth);
  }
}

void parser::member(const std::string& prefix, size_t depth) {
  auto line = line_;
  auto column = column_;
  auto name = prefix + key();
  skip_space();
  bool assigned = peek() == '=';
  if (assigned) {
    next();
    skip_space();
  }
  if (peek() == '{') {
    auto open_line = line_;
    auto open_column = column_;
    next();
    members(name + ".", depth + 1, open_line, open_column);
    return;
  }
  if (!assigned)
    fail_at(line, column, "expected '=' or '{' after the key '" + name + "'");
  entry result;
  result.key = std::move(name);
  result.line = line;
  result.column = column;
  result.value_line = line_;
  result.value_column = column_;
  result.value = value(depth);
  expect_value_end(result.key);
  entries_.push_back(std::move(result));
}

std::string parser::key() {
  if (!is_key_start(peek()))
    fail("expected a key (a letter or '_' first), found " + quoted(peek()));
  auto line = line_;
  auto column = column_;
  auto start = pos_;
  while (!at_end() && is_key_char(peek()))
    next();
  std::string result{text_.substr(start, pos_ - start)};
  if (result.back() == '.' || result.find("..") != std::string::npos)
    fail_at(line, column, "empty part in the key '" + result + "'");
  return result;
}

void parser::expect_value_end(const std::string& key) {
  char c = peek();
  if (at_end() || c == ',' || c == '}' || c == ';' || c == '#'
      || std::isspace(static_cast<unsigned char>(c)))
    return;
  fail("unexpected " + quoted(c) + " after the value of '" + key + "'");
}

data parser::value(size_t depth) {
  char c = peek();
  if (c == '"' || c == '\'')
    return string_literal();
  if (c == '[')
    return list(depth + 1);
  if (is_digit(c) || c == '-' || c == '+' || c == '.')
    return number();
  if (is_alpha(c))
    return word();
  if (at_end())
    fail("expected a value, found the end of the file");
  fail("expected a value, found " + quoted(c));
}

data parser::string_literal() {
  auto line = line_;
  auto column = column_;
  char quote = next();
  std::string result;
  for (;;) {
    if (at_end() || peek() == '\n')
      fail_at(line, column, "unterminated string");
    char c = next();
    if (c == quote)
      return result;
    if (c != '\\') {
      result += c;
      continue;
    }
    if (at_end())
      fail_at(line, column, "unterminated string");
    auto esc_column = column_ - 1;
    switch (char e = next()) {
      case '\\': case '"': case '\'':
        result += e;
        break;
      case 'n':
        result += '\n';
        break;
      case 't':
        result += '\t';
        break;
      case 'r':
        result += '\r';
        break;
      default:
        fail_at(line_, esc_column,
                "unknown escape sequence '\\" + std::string{e} + "'");
    }
  }
}

data parser::list(size_t depth) {
  if (depth > max_depth)
    fail("lists nested deeper than " + std::to_string(max_depth));
  auto line = line_;
  auto column = column_;
  next(); // '['
  vector result;
  for (;;) {
    skip_space();
    if (at_end())
      fail_at(line, column, "missing ']' for this list");
    if (peek() == ']') {
      next();
      return result;
    }
    result.push_back(value(depth));
    skip_space();
    if (peek() == ',')
      next();
    else if (peek() != ']' && !at_end())
      fail("expected ',' or ']' in the list, found " + quoted(peek()));
  }
}

/// The only unquoted words are the booleans; anything else is most likely
/// a string that lacks its quotes.
data parser::word() {
  auto line = line_;
  auto column = column_;
  auto start = pos_;
  while (!at_end() && is_key_char(peek()))
    next();
  auto str = text_.substr(start, pos_ - start);
  if (str == "true")
    return true;
  if (str == "false")
    return false;
  fail_at(line, column,
          "unquoted text '" + std::string{str}
            + "': write strings in quotes (\"...\" or '...')");
}

data parser::number() {
  auto line = line_;
  auto column = column_;
  auto start = pos_;
  if (peek() == '-' || peek() == '+')
    next();
  bool fractional = false;
  while (!at_end()) {
    char c = peek();
    if (is_digit(c)) {
      next();
    } else if (c == '.' || ((c == 'e' || c == 'E')
                            && (is_digit(peek_at(1)) || peek_at(1) == '-'
                                || peek_at(1) == '+'))) {
      fractional = true;
      next();
      if ((c == 'e' || c == 'E') && (peek() == '-' || peek() == '+'))
        next();
    } else {
      break;
    }
  }
  auto digits_end = pos_;
  while (!at_end() && is_alpha(peek()))
    next();
  std::string str{text_.substr(start, pos_ - start)};
  if (digits_end != pos_) { // a unit follows: a duration
    if (fractional)
      fail_at(line, column, "a duration takes a whole number, e.g. 1500ms "
                            "rather than 1.5s: '" + str + "'");
    if (auto ts = from_string<timespan>(str))
      return *ts;
    fail_at(line, column, "bad duration '" + str
                            + "' (units: ns, us, ms, s, min, h)");
  }
  auto first = str.data() + (str.front() == '+' ? 1 : 0);
  auto last = str.data() + str.size();
  if (fractional) {
    real r = 0;
    auto [ptr, errc] = std::from_chars(first, last, r);
    if (errc == std::errc{} && ptr == last)
      return r;
  } else if (str.front() == '-') {
    integer i = 0;
    auto [ptr, errc] = std::from_chars(first, last, i);
    if (errc == std::errc{} && ptr == last)
      return i;
  } else {
    count c = 0;
    auto [ptr, errc] = std::from_chars(first, last, c);
    if (errc == std::errc{} && ptr == last)
      return c;
  }
  fail_at(line, column, "bad number '" + str + "'");
}

} // namespace

syntax_error::syntax_error(const std::string& origin, size_t line,
                           size_t column, const std::string& reason)
  : std::runtime_error(origin + ":" + std::to_string(line) + ":"
                       + std::to_string(column) + ": " + reason),
    line_(line),
    column_(column),
    reason_(reason) {}

std::vector<entry> parse_file(std::string_view text,
                              const std::string& origin) {
  return parser{text, origin}.file();
}

std::optional<data> parse_value(std::string_view text) {
  static const std::string origin = "value";
  try {
    return parser{text, origin}.lone_value();
  } catch (const syntax_error&) {
    return std::nullopt;
  }
}

} // namespace broker::detail::config
