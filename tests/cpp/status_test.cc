#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <variant>

#include "broker/convert.hh"
#include "broker/data.hh"
#include "broker/detail/caf_compat.hh"
#include "broker/status.hh"

using namespace broker;

namespace {

node_id fixed_node() {
  node_id::bytes_type bytes{};
  bytes.fill(0x01);
  return node_id{bytes};
}

const std::string node_str = "01010101-0101-0101-0101-010101010101";

endpoint_info fixed_ei() {
  return endpoint_info{fixed_node(), network_info{"127.0.0.1", 4040, {}}};
}

data ei_data() {
  return vector{node_str, "127.0.0.1", port{4040, port::protocol::tcp},
                count{0}};
}

TEST(Status, CodeNames) {
  const std::pair<sc, const char*> all[] = {
    {sc::unspecified, "unspecified"},
    {sc::peer_added, "peer_added"},
    {sc::peer_removed, "peer_removed"},
    {sc::peer_lost, "peer_lost"},
    {sc::endpoint_discovered, "endpoint_discovered"},
    {sc::endpoint_unreachable, "endpoint_unreachable"},
  };
  int value = 0;
  for (const auto& [code, name] : all) {
    EXPECT_EQ(static_cast<int>(code), value++);
    EXPECT_STREQ(to_string(code), name);
    EXPECT_EQ(to<sc>(std::string{name}), code);
    EXPECT_EQ(to<sc>(data{enum_value{name}}), code);
  }
  EXPECT_FALSE(to<sc>(std::string{"bogus"}));
  EXPECT_FALSE(to<sc>(data{"peer_added"})); // wants an enum_value
}

TEST(Status, DefaultIsUnspecified) {
  status st;
  EXPECT_EQ(st.code(), sc::unspecified);
  EXPECT_EQ(st.context(), nullptr);
  ASSERT_NE(st.message(), nullptr);
  EXPECT_EQ(*st.message(), "");
  EXPECT_EQ(to_string(st), "unspecified(\"\")");
}

TEST(Status, Make) {
  auto st = status::make<sc::peer_added>(fixed_ei(), "handshake successful");
  EXPECT_EQ(st.code(), sc::peer_added);
  ASSERT_NE(st.context<endpoint_info>(), nullptr);
  EXPECT_EQ(*st.context(), fixed_ei());
  EXPECT_EQ(*st.message(), "handshake successful");
  auto st2 = make_status<sc::peer_lost>(fixed_node(), "lost");
  EXPECT_EQ(st2.context()->node, fixed_node());
  EXPECT_FALSE(st2.context()->network);
}

TEST(Status, EqualityComparesCodesOnly) {
  auto a = status::make<sc::peer_added>(fixed_ei(), "a");
  auto b = status::make<sc::peer_added>(endpoint_info{}, "b");
  auto c = status::make<sc::peer_lost>(fixed_ei(), "a");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_TRUE(a == sc::peer_added);
  EXPECT_TRUE(sc::peer_lost == c);
  EXPECT_TRUE(a != sc::peer_lost);
  EXPECT_TRUE(sc::peer_added != c);
}

TEST(Status, ToString) {
  auto st = status::make<sc::peer_added>(fixed_ei(), "handshake successful");
  EXPECT_EQ(to_string(st),
            "peer_added(" + node_str + ", 127.0.0.1:4040, "
              + "\"handshake successful\")");
  auto no_net = status::make<sc::peer_lost>(fixed_node(), "lost");
  EXPECT_EQ(to_string(no_net), "peer_lost(" + node_str + ", \"lost\")");
  auto no_node = status::make<sc::peer_removed>(
    endpoint_info{node_id{}, network_info{"h", 1}}, "say \"hi\"");
  EXPECT_EQ(to_string(no_node), "peer_removed(\"say \\\"hi\\\"\")");
  std::ostringstream out;
  out << no_net;
  EXPECT_EQ(out.str(), to_string(no_net));
}

TEST(Status, AsData) {
  auto st = status::make<sc::peer_added>(fixed_ei(), "handshake successful");
  data d;
  ASSERT_TRUE(convert(st, d));
  EXPECT_EQ(d, (data{vector{"status", enum_value{"peer_added"}, ei_data(),
                            "handshake successful"}}));
  auto back = to<status>(d);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->code(), sc::peer_added);
  EXPECT_EQ(*back->context(), fixed_ei());
  EXPECT_EQ(*back->message(), "handshake successful");
}

TEST(Status, UnspecifiedAsData) {
  data d;
  ASSERT_TRUE(convert(status{}, d));
  EXPECT_EQ(d, (data{vector{"status", enum_value{"unspecified"}, nil, nil}}));
  status st = status::make<sc::peer_lost>(fixed_ei(), "x");
  ASSERT_TRUE(convert(d, st));
  EXPECT_EQ(st.code(), sc::unspecified);
  EXPECT_EQ(st.context(), nullptr);
}

TEST(Status, RejectsMalformedData) {
  auto no_node = data{vector{nil, "h", port{1, port::protocol::tcp},
                             count{0}}};
  const data bad[] = {
    data{},
    data{vector{}},
    data{vector{"status", enum_value{"peer_added"}, ei_data()}},
    data{vector{"error", enum_value{"peer_added"}, ei_data(), "m"}},
    data{vector{"status", "peer_added", ei_data(), "m"}},
    data{vector{"status", enum_value{"bogus"}, ei_data(), "m"}},
    data{vector{"status", enum_value{"peer_added"}, ei_data(), nil}},
    data{vector{"status", enum_value{"peer_added"}, ei_data(), count{1}}},
    data{vector{"status", enum_value{"peer_added"}, nil, "m"}},
    data{vector{"status", enum_value{"peer_added"}, no_node, "m"}},
    data{vector{"status", enum_value{"peer_added"}, vector{}, "m"}},
    data{vector{"status", enum_value{"unspecified"}, ei_data(), nil}},
    data{vector{"status", enum_value{"unspecified"}, nil, "m"}},
    data{vector{"status", enum_value{"peer_added"}, ei_data(), "m", nil}},
  };
  for (const auto& d : bad) {
    EXPECT_FALSE(convertible_to_status(d)) << to_string(d);
    status st = status::make<sc::peer_lost>(fixed_ei(), "keep");
    EXPECT_FALSE(convert(d, st)) << to_string(d);
    EXPECT_EQ(*st.message(), "keep");
    EXPECT_FALSE(status_view::make(d).valid()) << to_string(d);
  }
}

TEST(Status, View) {
  data d{vector{"status", enum_value{"peer_lost"}, ei_data(), "gone"}};
  auto view = status_view::make(d);
  ASSERT_TRUE(view.valid());
  EXPECT_EQ(view.code(), sc::peer_lost);
  ASSERT_NE(view.message(), nullptr);
  EXPECT_EQ(*view.message(), "gone");
  EXPECT_EQ(view.context(), fixed_ei());
  data u{vector{"status", enum_value{"unspecified"}, nil, nil}};
  auto uview = status_view::make(u);
  ASSERT_TRUE(uview);
  EXPECT_EQ(uview.code(), sc::unspecified);
  EXPECT_EQ(uview.message(), nullptr);
  EXPECT_FALSE(uview.context());
  auto invalid = status_view::make(data{});
  EXPECT_FALSE(invalid);
  EXPECT_EQ(invalid.message(), nullptr);
  EXPECT_FALSE(invalid.context());
}

TEST(Status, VariantHelpers) {
  status_variant v = status::make<sc::peer_added>(fixed_ei(), "m");
  EXPECT_TRUE(is<status>(v));
  EXPECT_FALSE(is<error>(v));
  ASSERT_NE(get_if<status>(&v), nullptr);
  EXPECT_EQ(get_if<error>(&v), nullptr);
  EXPECT_EQ(get_if<status>(v)->code(), sc::peer_added);
  const auto& cv = v;
  EXPECT_NE(get_if<status>(&cv), nullptr);
  EXPECT_EQ(get<status>(cv).code(), sc::peer_added);
  EXPECT_THROW(get<error>(v), std::bad_variant_access);
  status_variant* null = nullptr;
  EXPECT_EQ(get_if<status>(null), nullptr);
  v = error{ec::peer_invalid, "x"};
  EXPECT_EQ(get<error>(v).code(), ec::peer_invalid);
  v = none{};
  EXPECT_TRUE(is<none>(v));
  EXPECT_EQ(to_string(v), "none");
  v = status{};
  EXPECT_EQ(to_string(v), "unspecified(\"\")");
}

TEST(Status, CafCompatSpellings) {
  // The manual's spellings (upstream types are CAF types).
  status_variant ss_res = error{ec::peer_unavailable, "unreachable"};
  EXPECT_EQ(caf::get_if<status>(&ss_res), nullptr);
  ASSERT_NE(caf::get_if<error>(&ss_res), nullptr);
  EXPECT_EQ(caf::get<error>(ss_res).code(), ec::peer_unavailable);
  EXPECT_TRUE(caf::holds_alternative<error>(ss_res));
  const status_variant& cref = ss_res;
  EXPECT_NE(caf::get_if<error>(&cref), nullptr);
  EXPECT_EQ(caf::get<error>(cref), ec::peer_unavailable);
  EXPECT_THROW(caf::get<status>(ss_res), std::bad_variant_access);
  EXPECT_EQ(caf::get<error>(status_variant{error{ec::no_such_key}}).code(),
            ec::no_such_key);
}

} // namespace
