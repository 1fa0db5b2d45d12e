// The data variant: constructor mapping, type tags, access and visitation.

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>

#include "broker/convert.hh"
#include "broker/data.hh"

using namespace broker;

namespace {

// One default-ish value of every alternative, in variant-index order.
vector one_of_each() {
  return {
    nil,
    true,
    count{1},
    integer{1},
    real{1.0},
    std::string{"1"},
    address{},
    subnet{},
    port{1, port::protocol::tcp},
    timestamp{timespan{1}},
    timespan{1},
    enum_value{"one"},
    set{},
    table{},
    vector{},
  };
}

TEST(DataModel, DefaultIsNil) {
  data x;
  EXPECT_TRUE(is<none>(x));
  EXPECT_EQ(x.get_type(), data::type::none);
  EXPECT_EQ(x, data{nil});
  EXPECT_EQ(to_string(x), "nil");
}

TEST(DataModel, ConstructorMapsArithmeticTypes) {
  EXPECT_TRUE(is<integer>(data{42}));
  EXPECT_TRUE(is<count>(data{42u}));
  EXPECT_TRUE(is<count>(data{uint8_t{1}}));
  EXPECT_TRUE(is<integer>(data{int8_t{-1}}));
  EXPECT_TRUE(is<integer>(data{short{3}}));
  EXPECT_TRUE(is<count>(data{uint64_t{3}}));
  EXPECT_TRUE(is<real>(data{1.5}));
  EXPECT_TRUE(is<real>(data{1.5f}));
  EXPECT_TRUE(is<boolean>(data{true}));
  EXPECT_TRUE(is<boolean>(data{false}));
  EXPECT_EQ(get<integer>(data{-42}), -42);
  EXPECT_EQ(get<count>(data{42u}), 42u);
}

TEST(DataModel, SignedAndUnsignedOneDiffer) {
  EXPECT_NE(data{1}, data{1u});
  EXPECT_NE(data{1}, data{1.0});
  EXPECT_NE(data{true}, data{1u});
  EXPECT_EQ(data{1}, data{integer{1}});
  EXPECT_EQ(data{1u}, data{count{1}});
}

TEST(DataModel, ConstructorMapsStrings) {
  EXPECT_TRUE(is<std::string>(data{"x"}));
  EXPECT_TRUE(is<std::string>(data{std::string{"x"}}));
  const char* cstr = "abc";
  EXPECT_EQ(get<std::string>(data{cstr}), "abc");
  EXPECT_EQ(data{"x"}, data{std::string{"x"}});
}

TEST(DataModel, ConstructorKeepsBrokerTypes) {
  EXPECT_TRUE(is<address>(data{address{}}));
  EXPECT_TRUE(is<subnet>(data{subnet{}}));
  EXPECT_TRUE(is<port>(data{port{}}));
  EXPECT_TRUE(is<timestamp>(data{timestamp{}}));
  EXPECT_TRUE(is<timespan>(data{timespan{}}));
  EXPECT_TRUE(is<enum_value>(data{enum_value{"x"}}));
  EXPECT_TRUE(is<set>(data{set{}}));
  EXPECT_TRUE(is<table>(data{table{}}));
  EXPECT_TRUE(is<vector>(data{vector{}}));
  EXPECT_TRUE(is<none>(data{nil}));
}

TEST(DataModel, ConstructibilityMatchesStorageRules) {
  // Types without a mapping must not silently become data.
  struct unrelated {};
  EXPECT_FALSE((std::is_constructible_v<data, unrelated>));
  EXPECT_FALSE((std::is_constructible_v<data, int*>));
  EXPECT_TRUE((std::is_constructible_v<data, const char*>));
}

TEST(DataModel, GetTypeIsAlphabeticalTag) {
  auto xs = one_of_each();
  const data::type expected[] = {
    data::type::none,      data::type::boolean,  data::type::count,
    data::type::integer,   data::type::real,     data::type::string,
    data::type::address,   data::type::subnet,   data::type::port,
    data::type::timestamp, data::type::timespan, data::type::enum_value,
    data::type::set,       data::type::table,    data::type::vector,
  };
  ASSERT_EQ(xs.size(), std::size(expected));
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_EQ(xs[i].get_data().index(), i);
    EXPECT_EQ(xs[i].get_type(), expected[i]) << "index " << i;
  }
}

TEST(DataModel, TypeTagNumbersAreAlphabetical) {
  EXPECT_EQ(static_cast<int>(data::type::address), 0);
  EXPECT_EQ(static_cast<int>(data::type::boolean), 1);
  EXPECT_EQ(static_cast<int>(data::type::count), 2);
  EXPECT_EQ(static_cast<int>(data::type::enum_value), 3);
  EXPECT_EQ(static_cast<int>(data::type::integer), 4);
  EXPECT_EQ(static_cast<int>(data::type::none), 5);
  EXPECT_EQ(static_cast<int>(data::type::port), 6);
  EXPECT_EQ(static_cast<int>(data::type::real), 7);
  EXPECT_EQ(static_cast<int>(data::type::set), 8);
  EXPECT_EQ(static_cast<int>(data::type::string), 9);
  EXPECT_EQ(static_cast<int>(data::type::subnet), 10);
  EXPECT_EQ(static_cast<int>(data::type::table), 11);
  EXPECT_EQ(static_cast<int>(data::type::timespan), 12);
  EXPECT_EQ(static_cast<int>(data::type::timestamp), 13);
  EXPECT_EQ(static_cast<int>(data::type::vector), 14);
}

TEST(DataModel, TypeNames) {
  auto xs = one_of_each();
  const char* names[] = {
    "none",   "boolean", "count",     "integer",  "real",
    "string", "address", "subnet",    "port",     "timestamp",
    "timespan", "enum value", "set",  "table",    "vector",
  };
  ASSERT_EQ(xs.size(), std::size(names));
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_STREQ(xs[i].get_type_name(), names[i]);
    EXPECT_STREQ(to_string(xs[i].get_type()), names[i]);
  }
}

TEST(DataModel, FromTypeGivesDefaults) {
  for (int i = 0; i <= static_cast<int>(data::type::vector); ++i) {
    auto t = static_cast<data::type>(i);
    auto x = data::from_type(t);
    EXPECT_EQ(x.get_type(), t) << to_string(t);
  }
  EXPECT_EQ(data::from_type(data::type::count), data{count{0}});
  EXPECT_EQ(data::from_type(data::type::integer), data{integer{0}});
  EXPECT_EQ(data::from_type(data::type::boolean), data{false});
  EXPECT_EQ(data::from_type(data::type::string), data{std::string{}});
  EXPECT_EQ(data::from_type(data::type::subnet), data{subnet{}});
  EXPECT_EQ(data::from_type(data::type::vector), data{vector{}});
  EXPECT_EQ(data::from_type(data::type::none), data{});
}

TEST(DataModel, GetIfReturnsNullOnMismatch) {
  data x{42};
  ASSERT_NE(get_if<integer>(x), nullptr);
  EXPECT_EQ(*get_if<integer>(x), 42);
  EXPECT_EQ(get_if<count>(x), nullptr);
  EXPECT_EQ(get_if<std::string>(x), nullptr);
  const data& cx = x;
  EXPECT_NE(get_if<integer>(cx), nullptr);
  EXPECT_EQ(get_if<real>(cx), nullptr);
  EXPECT_NE(get_if<integer>(&x), nullptr);
  data* null_ptr = nullptr;
  EXPECT_EQ(get_if<integer>(null_ptr), nullptr);
}

TEST(DataModel, GetIfAllowsMutation) {
  data x{vector{1, 2}};
  if (auto v = get_if<vector>(x))
    v->emplace_back(3);
  EXPECT_EQ(x, (data{vector{1, 2, 3}}));
  get<vector>(x).clear();
  EXPECT_EQ(x, data{vector{}});
}

TEST(DataModel, GetThrowsOnClash) {
  data x{"42"};
  EXPECT_EQ(get<std::string>(x), "42");
  EXPECT_THROW(get<integer>(x), std::bad_variant_access);
  const data& cx = x;
  EXPECT_THROW(get<count>(cx), std::bad_variant_access);
  EXPECT_NO_THROW(get<std::string>(cx));
}

TEST(DataModel, AssignmentChangesType) {
  data x{42};
  x = 4.2;
  EXPECT_TRUE(is<real>(x));
  x = "42";
  EXPECT_TRUE(is<std::string>(x));
  x = nil;
  EXPECT_TRUE(is<none>(x));
}

// The visitor from the manual (section 2.3.2), printing to a stream.
struct manual_visitor {
  using result_type = void;

  std::ostream* out;

  template <class T>
  result_type operator()(const T&) const {
    *out << ":-(";
  }

  result_type operator()(real r) const {
    *out << r;
  }

  result_type operator()(integer i) const {
    *out << i;
  }
};

TEST(DataVisit, ManualVisitor) {
  std::ostringstream out;
  auto x = data{42};
  visit(manual_visitor{&out}, x);
  EXPECT_EQ(out.str(), "42");
  out.str("");
  x = 4.2;
  visit(manual_visitor{&out}, x);
  EXPECT_EQ(out.str(), "4.2");
  out.str("");
  x = "42";
  visit(manual_visitor{&out}, x);
  EXPECT_EQ(out.str(), ":-(");
  out.str("");
  // A count is not an integer: the generic overload must be selected.
  x = 42u;
  visit(manual_visitor{&out}, x);
  EXPECT_EQ(out.str(), ":-(");
}

struct type_namer {
  using result_type = std::string;

  result_type operator()(none) const {
    return "none";
  }

  result_type operator()(const vector& xs) const {
    return "vector of " + std::to_string(xs.size());
  }

  template <class T>
  result_type operator()(const T&) const {
    return "other";
  }
};

TEST(DataVisit, ReturnsResultType) {
  EXPECT_EQ(visit(type_namer{}, data{}), "none");
  EXPECT_EQ(visit(type_namer{}, data{vector{1, 2}}), "vector of 2");
  const data x{"s"};
  EXPECT_EQ(visit(type_namer{}, x), "other");
}

struct incrementer {
  using result_type = void;

  void operator()(count& x) const {
    ++x;
  }

  template <class T>
  void operator()(T&) const {
    // nop
  }
};

TEST(DataVisit, MutatesThroughReference) {
  data x{41u};
  visit(incrementer{}, x);
  EXPECT_EQ(x, data{42u});
  data y{41};
  visit(incrementer{}, y);
  EXPECT_EQ(y, data{41});
}

TEST(DataModel, BackendOptions) {
  backend_options opts{{"path", "x.sqlite"}, {"n", 3u}};
  EXPECT_EQ(opts["path"], data{"x.sqlite"});
  EXPECT_TRUE(is<count>(opts["n"]));
}

} // namespace
