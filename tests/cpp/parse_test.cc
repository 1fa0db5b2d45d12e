// parse<T>, parse(str, type) and the string -> value convert() forms.

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

// Checks that parsing `input` fails with invalid_data and a message that
// names the type and shows the offending input.
template <class T>
void expect_rejects(const std::string& input, const std::string& type_name) {
  auto result = parse<T>(input);
  ASSERT_FALSE(result) << "accepted " << '"' << input << '"';
  EXPECT_EQ(result.error().code(), ec::invalid_data) << input;
  const auto& msg = result.error().message();
  EXPECT_NE(msg.find(type_name), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected"), std::string::npos) << msg;
  if (input.empty())
    EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
}

TEST(Parse, None) {
  EXPECT_TRUE(parse<none>("nil"));
  for (auto bad : {"", "null", "nil ", "NIL", "none"})
    expect_rejects<none>(bad, "none");
}

TEST(Parse, Boolean) {
  EXPECT_EQ(parse<boolean>("T").value(), true);
  EXPECT_EQ(parse<boolean>("true").value(), true);
  EXPECT_EQ(parse<boolean>("F").value(), false);
  EXPECT_EQ(parse<boolean>("false").value(), false);
  for (auto bad : {"", "t", "f", "True", "1", "0", "yes", "T "})
    expect_rejects<boolean>(bad, "boolean");
}

TEST(Parse, Count) {
  EXPECT_EQ(parse<count>("0").value(), 0u);
  EXPECT_EQ(parse<count>("42").value(), 42u);
  EXPECT_EQ(parse<count>("007").value(), 7u);
  EXPECT_EQ(parse<count>("18446744073709551615").value(), UINT64_MAX);
  for (auto bad : {"", "18446744073709551616", "99999999999999999999999",
                   "-1", "+1", "12a", " 1", "1 ", "0x10", "1.0", "abc", "-"})
    expect_rejects<count>(bad, "count");
}

TEST(Parse, CountOverflowMessageMentionsRange) {
  auto result = parse<count>("18446744073709551616");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("18446744073709551615"),
            std::string::npos)
    << result.error().message();
}

TEST(Parse, Integer) {
  EXPECT_EQ(parse<integer>("0").value(), 0);
  EXPECT_EQ(parse<integer>("-42").value(), -42);
  EXPECT_EQ(parse<integer>("42").value(), 42);
  EXPECT_EQ(parse<integer>("9223372036854775807").value(), INT64_MAX);
  EXPECT_EQ(parse<integer>("-9223372036854775808").value(), INT64_MIN);
  for (auto bad : {"", "9223372036854775808", "-9223372036854775809", "-",
                   "--1", "+1", "1.0", "1e3", "x", " -1", "-1 "})
    expect_rejects<integer>(bad, "integer");
}

TEST(Parse, Real) {
  EXPECT_DOUBLE_EQ(parse<real>("4.2").value(), 4.2);
  EXPECT_DOUBLE_EQ(parse<real>("4.200000").value(), 4.2);
  EXPECT_DOUBLE_EQ(parse<real>("-1.5e3").value(), -1500.0);
  EXPECT_DOUBLE_EQ(parse<real>("42").value(), 42.0);
  EXPECT_DOUBLE_EQ(parse<real>("1000000000000000000.000000").value(), 1e18);
  EXPECT_TRUE(std::isinf(parse<real>("inf").value()));
  for (auto bad : {"", "abc", "4.2x", " 4.2", "4.2 ", "1e999", "+1.0", "4,2",
                   "0x1p3", "."})
    expect_rejects<real>(bad, "real");
}

TEST(Parse, String) {
  EXPECT_EQ(parse<std::string>("").value(), "");
  EXPECT_EQ(parse<std::string>(" any thing ").value(), " any thing ");
}

TEST(Parse, Address) {
  EXPECT_EQ(to_string(parse<address>("1.2.3.4").value()), "1.2.3.4");
  EXPECT_TRUE(parse<address>("1.2.3.4")->is_v4());
  EXPECT_EQ(to_string(parse<address>("::1").value()), "::1");
  EXPECT_EQ(parse<address>("::ffff:1.2.3.4").value(), addr("1.2.3.4"));
  EXPECT_EQ(to_string(parse<address>("2001:0DB8:0:0::1").value()),
            "2001:db8::1");
  EXPECT_EQ(to_string(parse<address>("::1.2.3.4").value()), "::102:304");
}

TEST(Parse, AddressRejects) {
  for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ",
                   " 1.2.3.4", "::1::2", "gggg::", "1:2:3:4:5:6:7:8:9",
                   "fe80::1%eth0", "localhost", "1.2.3.4/8", ":::"})
    expect_rejects<address>(bad, "address");
  // An embedded NUL must not hide trailing garbage from the C parser.
  expect_rejects<address>(std::string{"1.2.3.4\0junk", 12}, "address");
}

TEST(Parse, Subnet) {
  EXPECT_EQ(parse<subnet>("10.0.0.0/8").value(), subnet(addr("10.0.0.0"), 8));
  EXPECT_EQ(to_string(parse<subnet>("10.1.2.3/8").value()), "10.0.0.0/8");
  EXPECT_EQ(to_string(parse<subnet>("2001:db8::1/32").value()),
            "2001:db8::/32");
  EXPECT_EQ(to_string(parse<subnet>("::/0").value()), "::/0");
  EXPECT_EQ(to_string(parse<subnet>("1.2.3.4/32").value()), "1.2.3.4/32");
  EXPECT_EQ(to_string(parse<subnet>("::1/128").value()), "::1/128");
}

TEST(Parse, SubnetRejects) {
  for (auto bad : {"", "10.0.0.0", "10.0.0.0/33", "::/129", "10.0.0.0/",
                   "10.0.0.0/-1", "/8", "10.0.0.0/8x", "10.0.0.0/256",
                   "10.0.0.0/ 8", "bogus/8", "10.0.0.0/8/8"})
    expect_rejects<subnet>(bad, "subnet");
}

TEST(Parse, Port) {
  EXPECT_EQ(parse<port>("8080/tcp").value(), (port{8080, port::protocol::tcp}));
  EXPECT_EQ(parse<port>("42/nonsense").value(),
            (port{42, port::protocol::unknown}));
  for (auto bad : {"", "42", "/udp", "65536/udp", "-1/udp", "x/udp"})
    expect_rejects<port>(bad, "port");
}

TEST(Parse, TimespanUnits) {
  EXPECT_EQ(parse<timespan>("42ns").value(), timespan{42});
  EXPECT_EQ(parse<timespan>("5us").value(), timespan{5us});
  EXPECT_EQ(parse<timespan>("3ms").value(), timespan{3ms});
  EXPECT_EQ(parse<timespan>("2s").value(), timespan{2s});
  EXPECT_EQ(parse<timespan>("1min").value(), timespan{1min});
  EXPECT_EQ(parse<timespan>("2mins").value(), timespan{2min});
  EXPECT_EQ(parse<timespan>("1h").value(), timespan{1h});
  EXPECT_EQ(parse<timespan>("3hrs").value(), timespan{3h});
  EXPECT_EQ(parse<timespan>("-5s").value(), timespan{-5s});
  EXPECT_EQ(parse<timespan>("0s").value(), timespan{0});
  EXPECT_EQ(parse<timespan>("9223372036854775807ns").value(),
            timespan::max());
}

TEST(Parse, TimespanRejects) {
  for (auto bad : {"", "42", "s", "ns", "5 s", "5sec", "5S", "1.5s", "+5s",
                   " 5s", "5s ", "5ss", "-s", "9223372036854775807s",
                   "99999999999999999999ns", "3000000h", "0x5s"})
    expect_rejects<timespan>(bad, "timespan");
}

TEST(Parse, Timestamp) {
  EXPECT_EQ(parse<timestamp>("1600000000000000000ns")->time_since_epoch(),
            timespan{1'600'000'000'000'000'000});
  EXPECT_EQ(parse<timestamp>("10s")->time_since_epoch(), timespan{10s});
  for (auto bad : {"", "10", "now", "10 s"})
    expect_rejects<timestamp>(bad, "timestamp");
}

TEST(Parse, EnumValue) {
  EXPECT_EQ(parse<enum_value>("Conn::LOG").value(), enum_value{"Conn::LOG"});
  EXPECT_EQ(parse<enum_value>("foo").value(), enum_value{"foo"});
  EXPECT_EQ(parse<enum_value>("_x1").value(), enum_value{"_x1"});
  EXPECT_EQ(parse<enum_value>("SSL::TLSv12").value(),
            enum_value{"SSL::TLSv12"});
  for (auto bad : {"", "1abc", "a b", "a\nb", ":x", " x", "x!"})
    expect_rejects<enum_value>(bad, "enum value");
}

TEST(Parse, ErrorMessageShowsInput) {
  auto result = parse<count>("-1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "cannot parse count: expected an unsigned decimal number without "
            "sign, found \"-1\"");
  auto empty = parse<integer>("");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message().find("found an empty string"),
            std::string::npos);
}

TEST(Parse, ErrorMessageEscapesAndTruncates) {
  auto result = parse<count>(std::string(200, 'x'));
  ASSERT_FALSE(result);
  EXPECT_LT(result.error().message().size(), 200u);
  EXPECT_NE(result.error().message().find("..."), std::string::npos);
  auto binary = parse<count>(std::string{"\x01\"", 2});
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message().find("\\x01\\\""), std::string::npos)
    << binary.error().message();
}

// parse(to_string(x)) must give x back for every scalar type.
TEST(Parse, RoundTripsThroughText) {
  vector samples{
    nil,
    true,
    false,
    count{0},
    count{UINT64_MAX},
    integer{INT64_MIN},
    integer{-1},
    integer{INT64_MAX},
    real{0.5},
    real{-1234.25},
    real{1e18},
    std::string{"some text"},
    std::string{},
    addr("10.0.0.1"),
    addr("2001:db8::1"),
    address{},
    subnet{addr("10.0.0.0"), 8},
    subnet{addr("fc00::"), 7},
    subnet{},
    port{80, port::protocol::tcp},
    port{0, port::protocol::unknown},
    port{8, port::protocol::icmp},
    timestamp{timespan{1'600'000'000'000'000'000}},
    timestamp{timespan{-1}},
    timespan{1500ms},
    timespan{INT64_MIN},
    enum_value{"Conn::LOG"},
  };
  for (const auto& x : samples) {
    auto text = to_string(x);
    auto back = parse(text, x.get_type());
    ASSERT_TRUE(back) << x.get_type_name() << ": " << text << " -> "
                      << to_string(back.error());
    EXPECT_EQ(*back, x) << text;
  }
}

TEST(Parse, TypedRoundTrips) {
  EXPECT_EQ(parse<count>(to_string(data{count{123}})).value(), 123u);
  EXPECT_EQ(parse<timespan>(to_string(timespan{77})).value(), timespan{77});
  auto ts = timestamp{timespan{123456789}};
  EXPECT_EQ(parse<timestamp>(to_string(ts)).value(), ts);
  auto sn = subnet{addr("192.168.0.0"), 16};
  EXPECT_EQ(parse<subnet>(to_string(sn)).value(), sn);
}

TEST(Parse, ByTypeTag) {
  EXPECT_EQ(parse("42", data::type::count).value(), data{42u});
  EXPECT_EQ(parse("42", data::type::integer).value(), data{42});
  EXPECT_EQ(parse("42", data::type::real).value(), data{42.0});
  EXPECT_EQ(parse("42", data::type::string).value(), data{"42"});
  EXPECT_EQ(parse("T", data::type::boolean).value(), data{true});
  EXPECT_EQ(parse("nil", data::type::none).value(), data{});
  EXPECT_EQ(parse("x", data::type::enum_value).value(),
            data{enum_value{"x"}});
  EXPECT_EQ(parse("1/udp", data::type::port).value(),
            (data{port{1, port::protocol::udp}}));
  EXPECT_EQ(parse("2s", data::type::timespan).value(), data{timespan{2s}});
  EXPECT_EQ(parse("::1", data::type::address).value(), data{addr("::1")});
  auto bad = parse("-1", data::type::count);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), ec::invalid_data);
}

TEST(Parse, ByTypeTagRejectsContainers) {
  for (auto t : {data::type::set, data::type::table, data::type::vector}) {
    auto result = parse("{}", t);
    ASSERT_FALSE(result) << to_string(t);
    EXPECT_EQ(result.error().code(), ec::type_clash);
    EXPECT_NE(result.error().message().find(to_string(t)), std::string::npos);
  }
  EXPECT_EQ(parse("1", static_cast<data::type>(200)).error().code(),
            ec::type_clash);
}

TEST(Parse, FromStringAndTo) {
  EXPECT_EQ(from_string<count>("5"), std::optional<count>{5});
  EXPECT_EQ(from_string<count>("-5"), std::nullopt);
  EXPECT_EQ(to<address>(std::string{"1.2.3.4"}), addr("1.2.3.4"));
  EXPECT_EQ(to<port>(std::string{"nope"}), std::nullopt);
  EXPECT_THROW(get_as<subnet>(std::string{"nope"}), std::logic_error);
  EXPECT_EQ(get_as<enum_value>(std::string{"e"}), enum_value{"e"});
}

TEST(Parse, EnumConvertForms) {
  enum_value e{"old"};
  EXPECT_TRUE(convert(std::string{"new"}, e));
  EXPECT_EQ(e.name, "new");
  EXPECT_FALSE(convert(std::string{""}, e));
  EXPECT_EQ(e.name, "new");
  std::string str;
  EXPECT_TRUE(convert(e, str));
  EXPECT_EQ(str, "new");
}

} // namespace
