// Golden text forms of every type (upstream Broker's exact output).

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

template <class T>
std::string streamed(const T& x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

TEST(DataToString, Scalars) {
  EXPECT_EQ(to_string(data{}), "nil");
  EXPECT_EQ(to_string(data{true}), "T");
  EXPECT_EQ(to_string(data{false}), "F");
  EXPECT_EQ(to_string(data{42u}), "42");
  EXPECT_EQ(to_string(data{count{18446744073709551615u}}),
            "18446744073709551615");
  EXPECT_EQ(to_string(data{-7}), "-7");
  EXPECT_EQ(to_string(data{integer{INT64_MIN}}), "-9223372036854775808");
  EXPECT_EQ(to_string(data{4.2}), "4.200000");
  EXPECT_EQ(to_string(data{1e18}), "1000000000000000000.000000");
  EXPECT_EQ(to_string(data{-0.5}), "-0.500000");
  EXPECT_EQ(to_string(data{"hello world"}), "hello world");
  EXPECT_EQ(to_string(data{""}), "");
  EXPECT_EQ(to_string(data{enum_value{"Conn::LOG"}}), "Conn::LOG");
}

TEST(DataToString, Time) {
  EXPECT_EQ(to_string(data{timespan{1500ms}}), "1500000000ns");
  EXPECT_EQ(to_string(data{timespan{0}}), "0ns");
  EXPECT_EQ(to_string(data{timespan{-5}}), "-5ns");
  EXPECT_EQ(to_string(data{timestamp{timespan{1'600'000'000'000'000'000}}}),
            "1600000000000000000ns");
  EXPECT_EQ(to_string(data{timestamp{}}), "0ns");
  EXPECT_EQ(to_string(timespan{3s}), "3000000000ns");
}

TEST(DataToString, NetworkTypes) {
  EXPECT_EQ(to_string(data{addr("192.168.1.10")}), "192.168.1.10");
  EXPECT_EQ(to_string(data{addr("2001:db8::1")}), "2001:db8::1");
  EXPECT_EQ(to_string(data{address{}}), "::");
  EXPECT_EQ(to_string(data{subnet{addr("192.168.1.10"), 24}}),
            "192.168.1.0/24");
  EXPECT_EQ(to_string(data{subnet{addr("2001:db8::1"), 32}}),
            "2001:db8::/32");
  EXPECT_EQ(to_string(data{subnet{}}), "::/0");
  EXPECT_EQ(to_string(data{port{443, port::protocol::tcp}}), "443/tcp");
  EXPECT_EQ(to_string(data{port{53, port::protocol::udp}}), "53/udp");
  EXPECT_EQ(to_string(data{port{8, port::protocol::icmp}}), "8/icmp");
  EXPECT_EQ(to_string(data{port{0, port::protocol::unknown}}), "0/?");
}

TEST(DataToString, EmptyContainers) {
  EXPECT_EQ(to_string(data{vector{}}), "()");
  EXPECT_EQ(to_string(data{set{}}), "{}");
  EXPECT_EQ(to_string(data{table{}}), "{}");
  EXPECT_EQ(to_string(vector{}), "()");
  EXPECT_EQ(to_string(set{}), "{}");
  EXPECT_EQ(to_string(table{}), "{}");
}

TEST(DataToString, Containers) {
  EXPECT_EQ(to_string(data{vector{1, 2}}), "(1, 2)");
  EXPECT_EQ(to_string(data{set{3, 1, 2}}), "{1, 2, 3}");
  EXPECT_EQ(to_string(data{table{{"b", 2u}, {"a", 1u}}}), "{a -> 1, b -> 2}");
  EXPECT_EQ(to_string(vector{"a b", "c"}), "(a b, c)");
  EXPECT_EQ(to_string(vector{nil, true, 4.2}), "(nil, T, 4.200000)");
}

TEST(DataToString, NestedContainers) {
  data x = vector{set{1, 2, 3}, "ok", 42u};
  EXPECT_EQ(to_string(x), "({1, 2, 3}, ok, 42)");
  data y = table{{set{1}, vector{}}, {vector{nil}, table{{1, set{}}}}};
  // Table keys are data: vector (index 14) sorts after set (index 12).
  EXPECT_EQ(to_string(y), "{{1} -> (), (nil) -> {1 -> {}}}");
  data z = vector{true, 7u, "x", vector{}};
  EXPECT_EQ(to_string(z), "(T, 7, x, ())");
  data deep = vector{vector{vector{vector{}}}};
  EXPECT_EQ(to_string(deep), "(((())))");
  data mixed = vector{addr("10.0.0.1"), subnet{addr("fc00::"), 7},
                      port{22, port::protocol::tcp}, timespan{5}};
  EXPECT_EQ(to_string(mixed), "(10.0.0.1, fc00::/7, 22/tcp, 5ns)");
}

TEST(DataToString, StreamOperators) {
  EXPECT_EQ(streamed(data{vector{1, "a"}}), "(1, a)");
  EXPECT_EQ(streamed(vector{1, "a"}), "(1, a)");
  EXPECT_EQ(streamed(set{1u}), "{1}");
  EXPECT_EQ(streamed(table{{1, 2}}), "{1 -> 2}");
  EXPECT_EQ(streamed(addr("::1")), "::1");
  EXPECT_EQ(streamed(subnet{addr("10.1.1.1"), 8}), "10.0.0.0/8");
  EXPECT_EQ(streamed(port{80, port::protocol::tcp}), "80/tcp");
  EXPECT_EQ(streamed(enum_value{"foo"}), "foo");
}

TEST(DataToString, ConvertForms) {
  std::string str = "previous content";
  EXPECT_TRUE(convert(data{42}, str));
  EXPECT_EQ(str, "42");
  EXPECT_TRUE(convert(nil, str));
  EXPECT_EQ(str, "nil");
  EXPECT_TRUE(convert(enum_value{"e"}, str));
  EXPECT_EQ(str, "e");
  EXPECT_TRUE(convert(vector{1}, str));
  EXPECT_EQ(str, "(1)");
  EXPECT_TRUE(convert(set{1}, str));
  EXPECT_EQ(str, "{1}");
  EXPECT_TRUE(convert(table{{1, 1}}, str));
  EXPECT_EQ(str, "{1 -> 1}");
  EXPECT_TRUE(convert(port{1, port::protocol::udp}, str));
  EXPECT_EQ(str, "1/udp");
}

TEST(DataToString, GenericHelpers) {
  EXPECT_EQ(to_string(addr("1.2.3.4")), "1.2.3.4");
  EXPECT_EQ(to_string(nil), "nil");
  EXPECT_EQ(to_string(enum_value{"x"}), "x");
  EXPECT_EQ(to<std::string>(port{5, port::protocol::tcp}), "5/tcp");
  EXPECT_EQ(get_as<std::string>(data{1.5}), "1.500000");
}

} // namespace
