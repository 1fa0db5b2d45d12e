#include <gtest/gtest.h>

#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"
#include "broker/error.hh"

using namespace broker;

namespace {

node_id fixed_node() {
  node_id::bytes_type bytes{};
  bytes.fill(0x02);
  return node_id{bytes};
}

const std::string node_str = "02020202-0202-0202-0202-020202020202";

endpoint_info fixed_ei() {
  return endpoint_info{fixed_node(), network_info{"10.1.1.1", 80, {}}};
}

data ei_data() {
  return vector{node_str, "10.1.1.1", port{80, port::protocol::tcp},
                count{0}};
}

TEST(ErrorContext, Construction) {
  error plain{ec::no_such_key, "k"};
  EXPECT_EQ(plain.context(), nullptr);
  error peer{ec::peer_unavailable, fixed_ei(), "unable to connect"};
  ASSERT_NE(peer.context(), nullptr);
  EXPECT_EQ(*peer.context(), fixed_ei());
  EXPECT_EQ(peer.message(), "unable to connect");
  auto copy = peer; // contexts are shared, copies stay equal
  EXPECT_EQ(*copy.context(), fixed_ei());
  EXPECT_EQ(make_error(ec::peer_invalid, fixed_ei(), "m").context()->node,
            fixed_node());
}

TEST(ErrorData, CodeFromData) {
  EXPECT_EQ(to<ec>(data{enum_value{"no_such_key"}}), ec::no_such_key);
  EXPECT_FALSE(to<ec>(data{enum_value{"none"}}));
  EXPECT_FALSE(to<ec>(data{"no_such_key"}));
}

TEST(ErrorData, DefaultError) {
  data d;
  ASSERT_TRUE(convert(error{}, d));
  EXPECT_EQ(d, (data{vector{"error", enum_value{"none"}, nil}}));
  error err{ec::type_clash, "x"};
  ASSERT_TRUE(convert(d, err));
  EXPECT_FALSE(err);
}

TEST(ErrorData, Layouts) {
  data d;
  convert(error{ec::no_such_key}, d);
  EXPECT_EQ(d, (data{vector{"error", enum_value{"no_such_key"}, nil}}));
  convert(error{ec::no_such_key, "key 42"}, d);
  EXPECT_EQ(d, (data{vector{"error", enum_value{"no_such_key"},
                            vector{"key 42"}}}));
  convert(error{ec::peer_unavailable, fixed_ei(), "unable to connect"}, d);
  EXPECT_EQ(d, (data{vector{"error", enum_value{"peer_unavailable"},
                            vector{ei_data(), "unable to connect"}}}));
}

TEST(ErrorData, RoundTrips) {
  const error errs[] = {
    error{},
    error{ec::unspecified},
    error{ec::invalid_status, "bad"},
    error{ec::peer_disconnect_during_handshake, fixed_ei(), "aborted"},
    error{ec::peer_unavailable, endpoint_info{node_id{},
                                              network_info{"h", 1}}, "x"},
  };
  for (const auto& err : errs) {
    data d;
    ASSERT_TRUE(convert(err, d));
    EXPECT_TRUE(convertible_to_error(d)) << to_string(d);
    auto back = to<error>(d);
    ASSERT_TRUE(back) << to_string(d);
    EXPECT_EQ(back->code(), err.code());
    EXPECT_EQ(back->message(), err.message());
    ASSERT_EQ(back->context() == nullptr, err.context() == nullptr);
    if (err.context()) {
      EXPECT_EQ(*back->context(), *err.context());
    }
  }
}

TEST(ErrorData, RejectsMalformedData) {
  const data bad[] = {
    data{},
    data{"error"},
    data{vector{"error", enum_value{"no_such_key"}}},
    data{vector{"error", enum_value{"no_such_key"}, nil, nil}},
    data{vector{"status", enum_value{"no_such_key"}, nil}},
    data{vector{"error", "no_such_key", nil}},
    data{vector{"error", enum_value{"bogus"}, nil}},
    data{vector{"error", enum_value{"none"}, vector{"msg"}}},
    data{vector{"error", enum_value{"no_such_key"}, "msg"}},
    data{vector{"error", enum_value{"no_such_key"}, vector{}}},
    data{vector{"error", enum_value{"no_such_key"}, vector{count{1}}}},
    data{vector{"error", enum_value{"no_such_key"}, vector{nil, "m"}}},
    data{vector{"error", enum_value{"no_such_key"}, vector{ei_data(), nil}}},
    data{vector{"error", enum_value{"no_such_key"},
                vector{ei_data(), "m", "extra"}}},
  };
  for (const auto& d : bad) {
    EXPECT_FALSE(convertible_to_error(d)) << to_string(d);
    error err{ec::type_clash, "keep"};
    EXPECT_FALSE(convert(d, err)) << to_string(d);
    EXPECT_EQ(err.message(), "keep");
    EXPECT_FALSE(error_view::make(d).valid()) << to_string(d);
  }
}

TEST(ErrorData, View) {
  data d{vector{"error", enum_value{"peer_invalid"},
                vector{ei_data(), "cannot unpeer from unknown peer"}}};
  auto view = error_view::make(d);
  ASSERT_TRUE(view.valid());
  EXPECT_EQ(view.code(), ec::peer_invalid);
  ASSERT_NE(view.message(), nullptr);
  EXPECT_EQ(*view.message(), "cannot unpeer from unknown peer");
  EXPECT_EQ(view.context(), fixed_ei());
  data m{vector{"error", enum_value{"no_such_key"}, vector{"k"}}};
  auto mview = error_view::make(m);
  ASSERT_TRUE(mview);
  EXPECT_EQ(*mview.message(), "k");
  EXPECT_FALSE(mview.context());
  data n{vector{"error", enum_value{"none"}, nil}};
  auto nview = error_view::make(n);
  ASSERT_TRUE(nview);
  EXPECT_EQ(nview.code(), ec::none);
  EXPECT_EQ(nview.message(), nullptr);
  EXPECT_FALSE(error_view::make(data{}));
}

} // namespace
