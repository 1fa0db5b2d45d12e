// The broker.conf syntax (src/config/config_parser.hh): every element, and
// errors that point at line and column.

#include <gtest/gtest.h>

#include "config/config_parser.hh"

using namespace broker;
using namespace broker::detail::config;
using namespace std::chrono_literals;

namespace {

std::vector<entry> parse(std::string_view text) {
  return parse_file(text, "test.conf");
}

/// The one entry of `text`'s `k = ...`.
data value_of(const std::string& rhs) {
  auto entries = parse("k = " + rhs);
  EXPECT_EQ(entries.size(), 1u);
  return entries.empty() ? data{} : entries.front().value;
}

/// The syntax error of `text` as "line:column: reason".
std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const syntax_error& err) {
    EXPECT_EQ(std::string{err.what()}.rfind("test.conf:", 0), 0u);
    return std::to_string(err.line()) + ":" + std::to_string(err.column())
           + ": " + err.reason();
  }
  return "no error";
}

} // namespace

TEST(ConfigParser, EmptyTextAndCommentsOnly) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("  \n\t\n").empty());
  EXPECT_TRUE(parse("; a comment\n# another one\n").empty());
}

TEST(ConfigParser, KeyValueWithPositions) {
  auto xs = parse("\n  broker.ttl = 5\nb=true");
  ASSERT_EQ(xs.size(), 2u);
  EXPECT_EQ(xs[0].key, "broker.ttl");
  EXPECT_EQ(xs[0].value, data{count{5}});
  EXPECT_EQ(xs[0].line, 2u);
  EXPECT_EQ(xs[0].column, 3u);
  EXPECT_EQ(xs[0].value_line, 2u);
  EXPECT_EQ(xs[0].value_column, 16u);
  EXPECT_EQ(xs[1].key, "b");
  EXPECT_EQ(xs[1].line, 3u);
  EXPECT_EQ(xs[1].column, 1u);
}

TEST(ConfigParser, Numbers) {
  EXPECT_EQ(value_of("42"), data{count{42}});
  EXPECT_EQ(value_of("+42"), data{count{42}});
  EXPECT_EQ(value_of("18446744073709551615"), data{count{UINT64_MAX}});
  EXPECT_EQ(value_of("-7"), data{integer{-7}});
  EXPECT_EQ(value_of("1.5"), data{real{1.5}});
  EXPECT_EQ(value_of("-2.5e3"), data{real{-2500}});
  EXPECT_EQ(value_of("1E-2"), data{real{0.01}});
}

TEST(ConfigParser, Booleans) {
  EXPECT_EQ(value_of("true"), data{true});
  EXPECT_EQ(value_of("false"), data{false});
}

TEST(ConfigParser, Durations) {
  EXPECT_EQ(value_of("10s"), data{timespan{10s}});
  EXPECT_EQ(value_of("500ms"), data{timespan{500ms}});
  EXPECT_EQ(value_of("20us"), data{timespan{20us}});
  EXPECT_EQ(value_of("7ns"), data{timespan{7ns}});
  EXPECT_EQ(value_of("2min"), data{timespan{2min}});
  EXPECT_EQ(value_of("1h"), data{timespan{1h}});
  EXPECT_EQ(value_of("0s"), data{timespan{0s}});
}

TEST(ConfigParser, Strings) {
  EXPECT_EQ(value_of("\"double\""), data{"double"});
  EXPECT_EQ(value_of("'single'"), data{"single"});
  EXPECT_EQ(value_of("\"\""), data{""});
  EXPECT_EQ(value_of(R"("a\"b\\c\n\t")"), data{"a\"b\\c\n\t"});
  EXPECT_EQ(value_of(R"('it\'s')"), data{"it's"});
  // A comment character inside quotes is text.
  EXPECT_EQ(value_of("\"a;b#c\" ; comment"), data{"a;b#c"});
}

TEST(ConfigParser, Lists) {
  EXPECT_EQ(value_of("[]"), data{vector{}});
  EXPECT_EQ(value_of("[\"a\", 'b']"), (data{vector{"a", "b"}}));
  EXPECT_EQ(value_of("[1, 2,]"), (data{vector{count{1}, count{2}}}));
  EXPECT_EQ(value_of("[\n  1, ; one\n  [true]\n]"),
            (data{vector{count{1}, vector{true}}}));
  EXPECT_EQ(value_of("[5s, -1]"), (data{vector{timespan{5s}, integer{-1}}}));
}

TEST(ConfigParser, GroupsJoinKeys) {
  auto xs = parse("logger {\n"
                  "  ; note the single quotes!\n"
                  "  console-verbosity = 'info'\n"
                  "  file-verbosity = 'debug'\n"
                  "}\n"
                  "broker { metrics { port = 9000 } ssl.cafile = \"ca.pem\" }\n"
                  "caf = { scheduler { max-threads = 4 } }\n");
  ASSERT_EQ(xs.size(), 5u);
  EXPECT_EQ(xs[0].key, "logger.console-verbosity");
  EXPECT_EQ(xs[0].value, data{"info"});
  EXPECT_EQ(xs[0].line, 3u);
  EXPECT_EQ(xs[1].key, "logger.file-verbosity");
  EXPECT_EQ(xs[2].key, "broker.metrics.port");
  EXPECT_EQ(xs[3].key, "broker.ssl.cafile");
  EXPECT_EQ(xs[4].key, "caf.scheduler.max-threads");
  EXPECT_EQ(xs[4].value, data{count{4}});
}

TEST(ConfigParser, SeparatorsAndRepeatedKeys) {
  auto xs = parse("a = 1, b = 2 c = 3\na = 4");
  ASSERT_EQ(xs.size(), 4u);
  EXPECT_EQ(xs[2].key, "c");
  EXPECT_EQ(xs[3].key, "a");
  EXPECT_EQ(xs[3].value, data{count{4}});
}

TEST(ConfigParser, ErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("a = 1\nb 2"), "2:1: expected '=' or '{' after the key 'b'");
  EXPECT_EQ(error_of("a = 1\n  = 2"),
            "2:3: expected a key (a letter or '_' first), found '='");
  EXPECT_EQ(error_of("x = info"),
            "1:5: unquoted text 'info': write strings in quotes (\"...\" or "
            "'...')");
  EXPECT_EQ(error_of("x = \"abc\ny = 1"), "1:5: unterminated string");
  EXPECT_EQ(error_of("x = 'a\\qb'"), "1:7: unknown escape sequence '\\q'");
  EXPECT_EQ(error_of("\n\nx = 1.5s"),
            "3:5: a duration takes a whole number, e.g. 1500ms rather than "
            "1.5s: '1.5s'");
  EXPECT_EQ(error_of("x = 10 parsecs"),
            "1:8: expected '=' or '{' after the key 'parsecs'");
  EXPECT_EQ(error_of("x = 10weeks"),
            "1:5: bad duration '10weeks' (units: ns, us, ms, s, min, h)");
  EXPECT_EQ(error_of("x = 99999999999999999999"),
            "1:5: bad number '99999999999999999999'");
  EXPECT_EQ(error_of("x = -"), "1:5: bad number '-'");
  EXPECT_EQ(error_of("x = \"a\"b"), "1:8: unexpected 'b' after the value of 'x'");
  EXPECT_EQ(error_of("x ="), "1:4: expected a value, found the end of the file");
  EXPECT_EQ(error_of("x = @"), "1:5: expected a value, found '@'");
}

TEST(ConfigParser, ErrorsInGroupsAndLists) {
  EXPECT_EQ(error_of("logger {\n  a = 1\n"),
            "3:1: missing '}' for the group 'logger' opened at 1:8");
  EXPECT_EQ(error_of("a = 1\n}"), "2:1: '}' without an open group");
  EXPECT_EQ(error_of("x = [1, 2"), "1:5: missing ']' for this list");
  EXPECT_EQ(error_of("x = [1 2]"),
            "1:8: expected ',' or ']' in the list, found '2'");
  EXPECT_EQ(error_of("a..b = 1"), "1:1: empty part in the key 'a..b'");
  std::string deep(40, '[');
  EXPECT_EQ(error_of("x = " + deep), "1:37: lists nested deeper than 32");
  std::string groups;
  for (int i = 0; i < 40; ++i)
    groups += "g {";
  EXPECT_NE(error_of(groups).find("groups nested deeper than 32"),
            std::string::npos);
}

TEST(ConfigParser, LoneValues) {
  EXPECT_EQ(parse_value("5"), data{count{5}});
  EXPECT_EQ(parse_value(" 500ms "), data{timespan{500ms}});
  EXPECT_EQ(parse_value("['a', 'b']"), (data{vector{"a", "b"}}));
  EXPECT_EQ(parse_value("'quoted'"), data{"quoted"});
  EXPECT_EQ(parse_value("bare"), std::nullopt);
  EXPECT_EQ(parse_value("5 6"), std::nullopt);
  EXPECT_EQ(parse_value(""), std::nullopt);
}
