#include <gtest/gtest.h>

#include <string>

#include "broker/convert.hh"
#include "broker/subnet.hh"

using namespace broker;

namespace {

address addr(const std::string& str) {
  return parse<address>(str).value();
}

TEST(Subnet, DefaultIsAllOfV6) {
  subnet s;
  EXPECT_EQ(s.network(), address{});
  EXPECT_EQ(s.length(), 0);
  EXPECT_EQ(s.raw_len(), 0);
  EXPECT_EQ(to_string(s), "::/0");
}

TEST(Subnet, V4LengthIsStoredInV6Terms) {
  subnet s{addr("10.1.2.3"), 8};
  EXPECT_EQ(s.length(), 8);
  EXPECT_EQ(s.raw_len(), 104);
  EXPECT_EQ(s.network(), addr("10.0.0.0"));
  EXPECT_EQ(to_string(s), "10.0.0.0/8");
}

TEST(Subnet, V4Extremes) {
  subnet all{addr("1.2.3.4"), 0};
  EXPECT_EQ(to_string(all), "0.0.0.0/0");
  EXPECT_EQ(all.raw_len(), 96);
  subnet host{addr("1.2.3.4"), 32};
  EXPECT_EQ(to_string(host), "1.2.3.4/32");
  EXPECT_EQ(host.raw_len(), 128);
}

TEST(Subnet, V6Normalises) {
  subnet s{addr("2001:db8:1234::1"), 32};
  EXPECT_EQ(to_string(s), "2001:db8::/32");
  EXPECT_EQ(s.length(), 32);
  EXPECT_EQ(s.raw_len(), 32);
  EXPECT_EQ(to_string(subnet{addr("2001:db8::1"), 128}), "2001:db8::1/128");
  EXPECT_EQ(to_string(subnet{addr("fc00::1"), 7}), "fc00::/7");
  EXPECT_EQ(to_string(subnet{addr("ffff::1"), 0}), "::/0");
}

TEST(Subnet, InvalidLengthYieldsDefault) {
  EXPECT_EQ(subnet(addr("10.0.0.1"), 33), subnet{});
  EXPECT_EQ(subnet(addr("10.0.0.1"), 104), subnet{});
  EXPECT_EQ(subnet(addr("2001:db8::1"), 129), subnet{});
  EXPECT_EQ(subnet(addr("2001:db8::1"), 255), subnet{});
  EXPECT_EQ(to_string(subnet(addr("10.0.0.1"), 33)), "::/0");
}

TEST(Subnet, EqualityUsesNormalisedNetwork) {
  EXPECT_EQ(subnet(addr("10.1.2.3"), 8), subnet(addr("10.9.9.9"), 8));
  EXPECT_NE(subnet(addr("10.1.2.3"), 8), subnet(addr("10.1.2.3"), 16));
  EXPECT_NE(subnet(addr("10.1.2.3"), 8), subnet(addr("11.1.2.3"), 8));
  EXPECT_EQ(subnet(addr("10.1.2.3"), 8).hash(),
            subnet(addr("10.9.9.9"), 8).hash());
  EXPECT_EQ(std::hash<subnet>{}(subnet{}), subnet{}.hash());
}

TEST(Subnet, ContainsV4) {
  subnet s{addr("10.0.0.0"), 8};
  EXPECT_TRUE(s.contains(addr("10.0.0.0")));
  EXPECT_TRUE(s.contains(addr("10.255.255.255")));
  EXPECT_FALSE(s.contains(addr("11.0.0.0")));
  EXPECT_FALSE(s.contains(addr("9.255.255.255")));
  EXPECT_FALSE(s.contains(addr("::a00:1")));
  subnet slash23{addr("192.168.2.0"), 23};
  EXPECT_TRUE(slash23.contains(addr("192.168.3.77")));
  EXPECT_FALSE(slash23.contains(addr("192.168.4.1")));
}

TEST(Subnet, ContainsV6) {
  subnet s{addr("2001:db8::"), 32};
  EXPECT_TRUE(s.contains(addr("2001:db8::1")));
  EXPECT_TRUE(s.contains(addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(s.contains(addr("2001:db9::")));
  EXPECT_FALSE(s.contains(addr("1.2.3.4")));
}

TEST(Subnet, ZeroLengthContainsEverything) {
  EXPECT_TRUE(subnet{}.contains(addr("1.2.3.4")));
  EXPECT_TRUE(subnet{}.contains(addr("ffff::")));
  subnet all_v4{addr("0.0.0.0"), 0};
  EXPECT_TRUE(all_v4.contains(addr("255.1.2.3")));
  EXPECT_FALSE(all_v4.contains(addr("::1")));
}

TEST(Subnet, OrderingIsNetworkThenLength) {
  subnet a{addr("10.0.0.0"), 8};
  subnet b{addr("10.0.0.0"), 16};
  subnet c{addr("10.1.0.0"), 16};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(a, c);
  EXPECT_FALSE(b < a);
  EXPECT_FALSE(a < a);
  EXPECT_LE(a, a);
  EXPECT_GT(c, a);
  EXPECT_GE(b, a);
}

TEST(Subnet, ConvertForms) {
  subnet s;
  EXPECT_TRUE(convert(std::string{"192.168.0.0/16"}, s));
  EXPECT_EQ(s, subnet(addr("192.168.0.0"), 16));
  EXPECT_FALSE(convert(std::string{"192.168.0.0/33"}, s));
  EXPECT_EQ(s, subnet(addr("192.168.0.0"), 16));
  std::string str;
  EXPECT_TRUE(convert(s, str));
  EXPECT_EQ(str, "192.168.0.0/16");
}

} // namespace
