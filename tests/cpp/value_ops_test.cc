// The value rules of store add/subtract/get_index_from_value, applied
// directly to values (src/store/value_ops).

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "broker/convert.hh"
#include "broker/data.hh"
#include "store/value_ops.hh"
#include "store_op_cases.hh"

using namespace broker;
using namespace broker::detail;
using namespace std::string_literals;
using broker::test::or_error;

namespace {

void check_case(const test::op_case& x, expected<void> res,
                const data& value) {
  SCOPED_TRACE(std::string{x.what} + ": " + to_string(x.initial) + " op "
               + to_string(x.operand));
  if (x.code == ec::none) {
    ASSERT_TRUE(res) << to_string(res.error());
    EXPECT_EQ(value, x.result);
    EXPECT_EQ(value.get_type(), x.result.get_type());
  } else {
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code(), x.code);
    EXPECT_FALSE(res.error().message().empty());
    EXPECT_EQ(value, x.initial) << "a failed op must not change the value";
  }
}

TEST(ValueOps, AddFollowsTheTypeRules) {
  for (auto& x : test::add_cases()) {
    auto value = x.initial;
    auto res = add_to(value, x.operand);
    check_case(x, res, value);
  }
}

TEST(ValueOps, SubtractFollowsTheTypeRules) {
  for (auto& x : test::subtract_cases()) {
    auto value = x.initial;
    auto res = subtract_from(value, x.operand);
    check_case(x, res, value);
  }
}

TEST(ValueOps, IntegerArithmeticWrapsAround) {
  data x{std::numeric_limits<integer>::max()};
  ASSERT_TRUE(add_to(x, data{integer{1}}));
  EXPECT_EQ(x, data{std::numeric_limits<integer>::min()});
  ASSERT_TRUE(subtract_from(x, data{integer{1}}));
  EXPECT_EQ(x, data{std::numeric_limits<integer>::max()});
  data c{count{0}};
  ASSERT_TRUE(subtract_from(c, data{count{1}}));
  EXPECT_EQ(c, data{std::numeric_limits<count>::max()});
  data span{timespan{std::numeric_limits<int64_t>::max()}};
  ASSERT_TRUE(add_to(span, data{timespan{1}}));
  EXPECT_EQ(span, data{timespan{std::numeric_limits<int64_t>::min()}});
}

TEST(ValueOps, MessagesNameBothTypes) {
  data x{count{1}};
  auto res = add_to(x, data{"s"s});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().message(), "cannot add string to count");
  res = subtract_from(x, data{"s"s});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().message(), "cannot subtract string from count");
}

TEST(ValueOps, IndexIntoVector) {
  data xs{vector{"a"s, "b"s}};
  EXPECT_EQ(or_error(index_into(xs, data{count{1}})), data{"b"s});
  EXPECT_EQ(or_error(index_into(xs, data{integer{0}})), data{"a"s});
  EXPECT_EQ(index_into(xs, data{count{2}}), ec::no_such_key);
  EXPECT_EQ(index_into(xs, data{integer{2}}), ec::no_such_key);
  EXPECT_EQ(index_into(xs, data{integer{-1}}), ec::type_clash);
  EXPECT_EQ(index_into(xs, data{real{0}}), ec::type_clash);
  EXPECT_EQ(index_into(xs, data{"0"s}), ec::type_clash);
  EXPECT_EQ(index_into(data{vector{}}, data{count{0}}), ec::no_such_key);
}

TEST(ValueOps, IndexIntoSetTestsMembership) {
  data xs{set{1, 2}};
  EXPECT_EQ(or_error(index_into(xs, data{1})), data{true});
  EXPECT_EQ(or_error(index_into(xs, data{3})), data{false});
  EXPECT_EQ(or_error(index_into(xs, data{1u})), data{false})
    << "count 1 != integer 1";
}

TEST(ValueOps, IndexIntoTableLooksUpTheKey) {
  data xs{table{{"k"s, 42}}};
  EXPECT_EQ(or_error(index_into(xs, data{"k"s})), data{42});
  auto res = index_into(xs, data{"x"s});
  ASSERT_EQ(res, ec::no_such_key);
  EXPECT_NE(res.error().message().find("\"x\""), std::string::npos);
}

TEST(ValueOps, IndexIntoScalarYieldsTheWholeValue) {
  for (auto x : {data{42}, data{"s"s}, data{nil}, data{true},
                 data{timespan{3}}, data{test::loopback()}}) {
    EXPECT_EQ(or_error(index_into(x, data{count{7}})), x);
    EXPECT_EQ(or_error(index_into(x, data{"whatever"s})), x);
  }
}

TEST(ValueOps, DescribeKeyQuotesAndShortens) {
  EXPECT_EQ(describe_key(data{"a\"b"s}), "\"a\\\"b\"");
  EXPECT_EQ(describe_key(data{42}), "\"42\"");
  auto desc = describe_key(data{std::string(500, 'x')});
  EXPECT_LT(desc.size(), 100u);
  EXPECT_NE(desc.find("...\""), std::string::npos);
}

TEST(ValueOps, KeyErrorKeepsTheCodeAndNamesTheKey) {
  auto err = key_error(make_error(ec::type_clash, "cannot add x to y"),
                       "add to", data{"k"s});
  EXPECT_EQ(err.code(), ec::type_clash);
  EXPECT_EQ(err.message(), "add to key \"k\": cannot add x to y");
  auto bare = key_error(ec::no_such_key, "get", data{"k"s});
  EXPECT_EQ(bare.message(), "get key \"k\": no_such_key");
}

} // namespace
