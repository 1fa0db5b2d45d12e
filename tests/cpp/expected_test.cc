#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include "broker/convert.hh"
#include "broker/expected.hh"

using namespace broker;

namespace {

expected<int> half(int x) {
  if (x % 2 != 0)
    return make_error(ec::invalid_data, "odd");
  return x / 2;
}

TEST(Expected, HoldsValue) {
  auto x = half(42);
  ASSERT_TRUE(x);
  EXPECT_TRUE(x.has_value());
  EXPECT_FALSE(!x);
  EXPECT_EQ(*x, 21);
  EXPECT_EQ(x.value(), 21);
  *x = 5;
  EXPECT_EQ(x.value(), 5);
}

TEST(Expected, HoldsError) {
  auto x = half(3);
  ASSERT_FALSE(x);
  EXPECT_FALSE(x.has_value());
  EXPECT_EQ(x.error().code(), ec::invalid_data);
  EXPECT_EQ(x.error().message(), "odd");
  EXPECT_TRUE(x == ec::invalid_data);
  EXPECT_TRUE(x != ec::type_clash);
  EXPECT_FALSE(half(2) == ec::invalid_data);
}

TEST(Expected, ValueThrowsOnError) {
  auto x = half(3);
  EXPECT_THROW(x.value(), bad_expected_access);
  try {
    x.value();
  } catch (const bad_expected_access& ex) {
    EXPECT_EQ(ex.get_error(), ec::invalid_data);
    EXPECT_NE(std::string{ex.what()}.find("invalid_data"), std::string::npos);
  }
  EXPECT_THROW(std::move(x).value(), std::logic_error);
}

TEST(Expected, ValueOr) {
  EXPECT_EQ(half(10).value_or(-1), 5);
  EXPECT_EQ(half(11).value_or(-1), -1);
}

TEST(Expected, FromCode) {
  expected<std::string> x = ec::no_such_key;
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error(), ec::no_such_key);
  EXPECT_TRUE(x.error().message().empty());
}

TEST(Expected, ArrowAndMoveOnly) {
  expected<std::string> s{std::string{"abc"}};
  EXPECT_EQ(s->size(), 3u);
  expected<std::unique_ptr<int>> p{std::make_unique<int>(7)};
  ASSERT_TRUE(p);
  auto owned = std::move(*p);
  EXPECT_EQ(*owned, 7);
}

TEST(Expected, HoldsData) {
  expected<data> x = data{vector{1, 2}};
  ASSERT_TRUE(x);
  EXPECT_EQ(to_string(*x), "(1, 2)");
  expected<data> y{42u};
  EXPECT_EQ(*y, data{42u});
  expected<data> z = error{ec::type_clash};
  EXPECT_EQ(z, ec::type_clash);
}

TEST(Expected, Void) {
  expected<void> ok;
  EXPECT_TRUE(ok);
  EXPECT_TRUE(ok.has_value());
  EXPECT_FALSE(ok.error());
  expected<void> bad = ec::backend_failure;
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), ec::backend_failure);
  EXPECT_TRUE(bad == ec::backend_failure);
}

TEST(Expected, Stream) {
  std::ostringstream out;
  out << half(8);
  EXPECT_EQ(out.str(), "4");
  out.str("");
  out << half(7);
  EXPECT_EQ(out.str(), "!error(invalid_data, \"odd\")");
}

} // namespace
