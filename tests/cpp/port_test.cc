#include <gtest/gtest.h>

#include <string>

#include "broker/convert.hh"
#include "broker/port.hh"

using namespace broker;

namespace {

TEST(Port, DefaultIsZeroUnknown) {
  port p;
  EXPECT_EQ(p.number(), 0);
  EXPECT_EQ(p.type(), port::protocol::unknown);
  EXPECT_EQ(to_string(p), "0/?");
}

TEST(Port, ProtocolNumbers) {
  EXPECT_EQ(static_cast<int>(port::protocol::unknown), 0);
  EXPECT_EQ(static_cast<int>(port::protocol::tcp), 1);
  EXPECT_EQ(static_cast<int>(port::protocol::udp), 2);
  EXPECT_EQ(static_cast<int>(port::protocol::icmp), 3);
}

TEST(Port, ToString) {
  EXPECT_EQ(to_string(port{80, port::protocol::tcp}), "80/tcp");
  EXPECT_EQ(to_string(port{53, port::protocol::udp}), "53/udp");
  EXPECT_EQ(to_string(port{8, port::protocol::icmp}), "8/icmp");
  EXPECT_EQ(to_string(port{65535, port::protocol::unknown}), "65535/?");
  EXPECT_EQ(to_string(port{1, static_cast<port::protocol>(42)}), "1/?");
}

TEST(Port, ParseKnownProtocols) {
  EXPECT_EQ(parse<port>("80/tcp").value(), (port{80, port::protocol::tcp}));
  EXPECT_EQ(parse<port>("53/udp").value(), (port{53, port::protocol::udp}));
  EXPECT_EQ(parse<port>("0/icmp").value(), (port{0, port::protocol::icmp}));
  EXPECT_EQ(parse<port>("65535/tcp").value(),
            (port{65535, port::protocol::tcp}));
}

TEST(Port, UnknownProtocolIsAccepted) {
  EXPECT_EQ(parse<port>("42/nonsense").value(),
            (port{42, port::protocol::unknown}));
  EXPECT_EQ(parse<port>("42/?").value(), (port{42, port::protocol::unknown}));
  EXPECT_EQ(parse<port>("42/").value(), (port{42, port::protocol::unknown}));
  EXPECT_EQ(parse<port>("42/TCP").value(), (port{42, port::protocol::unknown}));
}

TEST(Port, ParseRejectsBadNumbers) {
  for (const char* bad : {"42", "", "/tcp", "abc/tcp", "-1/tcp", "+1/tcp",
                          "65536/tcp", "99999999999999999999/tcp", " 1/tcp",
                          "1 /tcp", "0x10/tcp", "1.5/tcp"}) {
    auto p = parse<port>(bad);
    EXPECT_FALSE(p) << bad;
    if (!p)
      EXPECT_EQ(p.error().code(), ec::invalid_data) << bad;
  }
}

TEST(Port, RoundTrip) {
  for (auto proto : {port::protocol::unknown, port::protocol::tcp,
                     port::protocol::udp, port::protocol::icmp}) {
    for (port::number_type num : {0, 1, 80, 65535}) {
      port p{num, proto};
      EXPECT_EQ(parse<port>(to_string(p)).value(), p) << to_string(p);
    }
  }
}

TEST(Port, ConvertForms) {
  port p;
  EXPECT_TRUE(convert(std::string{"22/tcp"}, p));
  EXPECT_EQ(p, (port{22, port::protocol::tcp}));
  EXPECT_FALSE(convert(std::string{"22"}, p));
  EXPECT_EQ(p, (port{22, port::protocol::tcp}));
  std::string str;
  EXPECT_TRUE(convert(p, str));
  EXPECT_EQ(str, "22/tcp");
}

TEST(Port, OrderingAndHash) {
  port a{80, port::protocol::tcp};
  port b{80, port::protocol::udp};
  port c{81, port::protocol::unknown};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, (port{80, port::protocol::tcp}));
  EXPECT_EQ(a.hash(), (port{80, port::protocol::tcp}).hash());
  EXPECT_EQ(std::hash<port>{}(a), a.hash());
  EXPECT_NE(a.hash(), b.hash());
}

} // namespace
