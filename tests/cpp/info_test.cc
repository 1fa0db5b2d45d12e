#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"
#include "broker/endpoint_info.hh"
#include "broker/network_info.hh"
#include "broker/peer_info.hh"
#include "broker/timeout.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

node_id fixed_node() {
  node_id::bytes_type bytes{};
  bytes.fill(0xab);
  return node_id{bytes};
}

const std::string fixed_node_str = "abababab-abab-abab-abab-abababababab";

TEST(Info, Timeouts) {
  static_assert(std::is_same_v<timeout::seconds, std::chrono::seconds>);
  EXPECT_EQ(timeout::peer, 10s);
  EXPECT_EQ(timeout::subscribe, 5s);
  EXPECT_EQ(timeout::frontend, 10s);
}

TEST(Info, NetworkInfo) {
  network_info a{"127.0.0.1", 8080};
  EXPECT_EQ(a.retry, 0s);
  network_info b{"127.0.0.1", 8080, 5s};
  EXPECT_EQ(a, b); // retry is not part of the identity
  EXPECT_FALSE(a < b || b < a);
  EXPECT_LT((network_info{"127.0.0.1", 80}), a);
  EXPECT_LT(a, (network_info{"127.0.0.2", 1}));
  EXPECT_NE(a, (network_info{"127.0.0.1", 8081}));
  EXPECT_EQ(to_string(a), "127.0.0.1:8080");
  std::ostringstream out;
  out << network_info{"::1", 1};
  EXPECT_EQ(out.str(), "::1:1");
}

TEST(Info, EndpointInfoToString) {
  endpoint_info ei{fixed_node(), network_info{"10.0.0.1", 9999, 3s}};
  EXPECT_EQ(to_string(ei),
            "endpoint_info(" + fixed_node_str + ", *10.0.0.1:9999)");
  EXPECT_EQ(to_string(endpoint_info{fixed_node(), std::nullopt}),
            "endpoint_info(" + fixed_node_str + ", none)");
  EXPECT_EQ(to_string(endpoint_info{}), "endpoint_info(invalid-node, none)");
}

TEST(Info, EndpointInfoAsData) {
  endpoint_info ei{fixed_node(), network_info{"10.0.0.1", 9999, 3s}};
  data d;
  ASSERT_TRUE(convert(ei, d));
  EXPECT_EQ(d, (data{vector{fixed_node_str, "10.0.0.1",
                            port{9999, port::protocol::tcp}, count{3}}}));
  auto back = to<endpoint_info>(d);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, ei);
  EXPECT_EQ(back->network->retry, 3s);
}

TEST(Info, EndpointInfoPartialAsData) {
  endpoint_info no_net{fixed_node(), std::nullopt};
  endpoint_info no_node{node_id{}, network_info{"h", 1}};
  endpoint_info nothing;
  for (const auto& ei : {no_net, no_node, nothing}) {
    data d;
    ASSERT_TRUE(convert(ei, d));
    EXPECT_EQ(to<endpoint_info>(d), ei) << to_string(d);
    EXPECT_TRUE(convertible_to_endpoint_info(d));
  }
  data d;
  convert(nothing, d);
  EXPECT_EQ(d, (data{vector{nil, nil, nil, nil}}));
}

TEST(Info, EndpointInfoRejectsMalformedData) {
  auto p = port{1, port::protocol::tcp};
  const data bad[] = {
    data{},
    data{"x"},
    data{vector{}},
    data{vector{nil, nil, nil}},
    data{vector{nil, nil, nil, nil, nil}},
    data{vector{"not a node", nil, nil, nil}},
    data{vector{count{1}, nil, nil, nil}},
    data{vector{nil, "h", nil, nil}},       // network partly set
    data{vector{nil, nil, p, nil}},
    data{vector{nil, "h", p, nil}},
    data{vector{nil, "h", count{1}, count{0}}}, // port not a port
    data{vector{nil, "h", p, integer{1}}},      // retry not a count
    data{vector{nil, address{}, p, count{0}}},  // address not a string
  };
  for (const auto& d : bad) {
    EXPECT_FALSE(convertible_to_endpoint_info(d)) << to_string(d);
    endpoint_info ei{fixed_node(), std::nullopt};
    EXPECT_FALSE(convert(d, ei)) << to_string(d);
    EXPECT_EQ(ei.node, fixed_node()) << "failed loads leave the target";
  }
}

TEST(Info, PeerFlags) {
  EXPECT_EQ(to_integer(peer_flags::invalid), 0);
  EXPECT_EQ(to_integer(peer_flags::local), 1);
  EXPECT_EQ(to_integer(peer_flags::remote), 2);
  EXPECT_EQ(to_integer(peer_flags::outbound), 4);
  EXPECT_EQ(to_integer(peer_flags::inbound), 8);
  constexpr auto f = peer_flags::remote + peer_flags::outbound
                     + peer_flags::inbound;
  static_assert(to_integer(f) == 14); // what upstream peers() reports
  EXPECT_TRUE(is_remote(f));
  EXPECT_TRUE(is_outbound(f));
  EXPECT_TRUE(is_inbound(f));
  EXPECT_FALSE(is_local(f));
  EXPECT_FALSE(is_inbound(f - peer_flags::inbound));
  auto g = peer_flags::invalid;
  g += peer_flags::local;
  EXPECT_TRUE(is_local(g));
  EXPECT_EQ(to_string(f), "remote|outbound|inbound");
  EXPECT_EQ(to_string(peer_flags::invalid), "invalid");
}

TEST(Info, PeerStatus) {
  const std::pair<peer_status, const char*> all[] = {
    {peer_status::initialized, "initialized"},
    {peer_status::connecting, "connecting"},
    {peer_status::connected, "connected"},
    {peer_status::peered, "peered"},
    {peer_status::disconnected, "disconnected"},
    {peer_status::reconnecting, "reconnecting"},
  };
  int expected_value = 0;
  for (const auto& [st, name] : all) {
    EXPECT_EQ(static_cast<int>(st), expected_value++);
    EXPECT_STREQ(to_string(st), name);
    EXPECT_EQ(to<peer_status>(std::string{name}), st);
  }
  EXPECT_FALSE(to<peer_status>(std::string{"bogus"}));
}

TEST(Info, PeerInfo) {
  peer_info pi{endpoint_info{fixed_node(), network_info{"h", 1}},
               peer_flags::remote + peer_flags::outbound,
               peer_status::peered};
  EXPECT_EQ(pi, pi);
  EXPECT_EQ(to_string(pi), "peer_info(endpoint_info(" + fixed_node_str
                             + ", *h:1), remote|outbound, peered)");
  peer_info other = pi;
  other.status = peer_status::connecting;
  EXPECT_NE(pi, other);
}

} // namespace
