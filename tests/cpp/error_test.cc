#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "broker/error.hh"

using namespace broker;

namespace {

const char* all_names[] = {
  "none",
  "unspecified",
  "peer_incompatible",
  "peer_invalid",
  "peer_unavailable",
  "peer_disconnect_during_handshake",
  "peer_timeout",
  "master_exists",
  "no_such_master",
  "no_such_key",
  "request_timeout",
  "type_clash",
  "invalid_data",
  "backend_failure",
  "stale_data",
  "cannot_open_file",
  "cannot_write_file",
  "invalid_topic_key",
  "end_of_file",
  "invalid_tag",
  "invalid_status",
};

TEST(Error, CodeNumbers) {
  EXPECT_EQ(static_cast<int>(ec::none), 0);
  EXPECT_EQ(static_cast<int>(ec::peer_disconnect_during_handshake), 5);
  EXPECT_EQ(static_cast<int>(ec::no_such_key), 9);
  EXPECT_EQ(static_cast<int>(ec::invalid_data), 12);
  EXPECT_EQ(static_cast<int>(ec::invalid_status), 20);
}

TEST(Error, CodeNames) {
  for (size_t i = 0; i < std::size(all_names); ++i)
    EXPECT_STREQ(to_string(static_cast<ec>(i)), all_names[i]);
  EXPECT_STREQ(to_string(ec::peer_disconnect_during_handshake),
               "peer_disconnect_during_handshake");
  EXPECT_STREQ(to_string(ec::no_such_key), "no_such_key");
  // Values outside the enum must not crash.
  EXPECT_NE(to_string(static_cast<ec>(200)), nullptr);
}

TEST(Error, ParseCodeNames) {
  for (size_t i = 1; i < std::size(all_names); ++i) {
    ec code = ec::none;
    ASSERT_TRUE(convert(std::string{all_names[i]}, code)) << all_names[i];
    EXPECT_EQ(code, static_cast<ec>(i));
  }
}

TEST(Error, ParseCodeRejects) {
  ec code = ec::stale_data;
  EXPECT_FALSE(convert(std::string{"none"}, code));
  EXPECT_FALSE(convert(std::string{""}, code));
  EXPECT_FALSE(convert(std::string{"No_Such_Key"}, code));
  EXPECT_FALSE(convert(std::string{"no_such_key "}, code));
  EXPECT_FALSE(convert(std::string{"bogus"}, code));
  EXPECT_EQ(code, ec::stale_data);
}

TEST(Error, StreamCode) {
  std::ostringstream out;
  out << ec::type_clash;
  EXPECT_EQ(out.str(), "type_clash");
}

TEST(Error, DefaultIsNoError) {
  error err;
  EXPECT_FALSE(err);
  EXPECT_TRUE(!err);
  EXPECT_EQ(err.code(), ec::none);
  EXPECT_TRUE(err.message().empty());
  EXPECT_EQ(to_string(err), "none");
}

TEST(Error, ToString) {
  EXPECT_EQ(to_string(error{ec::no_such_key}), "error(no_such_key)");
  EXPECT_EQ(to_string(error{ec::peer_invalid, "cannot unpeer from unknown peer"}),
            "error(peer_invalid, \"cannot unpeer from unknown peer\")");
  EXPECT_EQ(to_string(make_error(ec::type_clash, "say \"hi\"")),
            "error(type_clash, \"say \\\"hi\\\"\")");
  EXPECT_EQ(to_string(make_error(ec::unspecified)), "error(unspecified)");
  std::ostringstream out;
  out << error{ec::stale_data, "x"};
  EXPECT_EQ(out.str(), "error(stale_data, \"x\")");
}

TEST(Error, EqualityComparesCodes) {
  error a{ec::no_such_key, "a"};
  error b{ec::no_such_key, "b"};
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, ec::no_such_key);
  EXPECT_EQ(ec::no_such_key, a);
  EXPECT_NE(a, ec::type_clash);
  EXPECT_NE(a, error{});
  EXPECT_TRUE(static_cast<bool>(a));
  error implicit = ec::backend_failure;
  EXPECT_EQ(implicit.code(), ec::backend_failure);
}

} // namespace
