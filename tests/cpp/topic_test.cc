#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "broker/convert.hh"
#include "broker/topic.hh"

using namespace broker;

namespace {

using strings = std::vector<std::string>;

TEST(Topic, Constants) {
  EXPECT_EQ(topic::sep, '/');
  EXPECT_EQ(topic::reserved, "<$>");
  EXPECT_EQ(topic::master_suffix().string(), "<$>/data/master");
  EXPECT_EQ(topic::clone_suffix().string(), "<$>/data/clone");
  EXPECT_EQ(topic::errors().string(), "<$>/local/data/errors");
  EXPECT_EQ(topic::statuses().string(), "<$>/local/data/statuses");
  EXPECT_EQ(topic::store_events().string(), "<$>/local/data/store-events");
  EXPECT_EQ(topic::errors_str, topic::errors().string());
}

TEST(Topic, Construction) {
  topic empty;
  EXPECT_TRUE(empty.empty());
  topic from_literal = "/a";
  std::string str = "/b";
  topic from_string = str;
  EXPECT_EQ(from_literal.string(), "/a");
  EXPECT_EQ(from_string.string(), "/b");
  std::vector<topic> ts{"/x", "/y"}; // as in make_subscriber({"/x", "/y"})
  EXPECT_EQ(ts[1].string(), "/y");
  EXPECT_EQ(std::move(from_string).move_string(), "/b");
}

TEST(Topic, AppendExamples) {
  // The documented examples (upstream's topic docs).
  EXPECT_EQ((topic("foo") / topic("bar")).string(), "foo/bar");
  EXPECT_EQ((topic("foo") / "bar").string(), "foo/bar");
  EXPECT_EQ((topic("/a/") / topic("/b/c")).string(), "/a//b/c");
  topic t = "/b/c";
  t /= "/a/";
  EXPECT_EQ(t.string(), "/b/c/a");
}

TEST(Topic, AppendRules) {
  // Separator only if both sides are non-empty and rhs has no leading one.
  EXPECT_EQ((topic("") / "bar").string(), "bar");
  EXPECT_EQ((topic("foo") / "").string(), "foo");
  EXPECT_EQ((topic("foo") / "/bar").string(), "foo/bar");
  // One trailing separator goes, but only one.
  EXPECT_EQ((topic("foo") / "bar/").string(), "foo/bar");
  EXPECT_EQ((topic("foo") / "bar//").string(), "foo/bar/");
  EXPECT_EQ((topic("foo/") / "").string(), "foo");
  EXPECT_EQ((topic("") / "/").string(), "");
  EXPECT_EQ((topic("a") / "b" / "c").string(), "a/b/c");
}

TEST(Topic, Split) {
  EXPECT_EQ(topic::split("/foo/bar/baz"), (strings{"foo", "bar", "baz"}));
  EXPECT_EQ(topic::split("foo"), (strings{"foo"}));
  EXPECT_EQ(topic::split("//a///b//"), (strings{"a", "b"}));
  EXPECT_EQ(topic::split(""), strings{});
  EXPECT_EQ(topic::split("///"), strings{});
}

TEST(Topic, Join) {
  EXPECT_EQ(topic::join({"/foo", "bar/", "/baz"}).string(), "/foo/bar/baz");
  EXPECT_EQ(topic::join({"a", "b", "c"}).string(), "a/b/c");
  EXPECT_EQ(topic::join({}).string(), "");
  EXPECT_EQ(topic::join(topic::split("/a/b")).string(), "a/b");
}

TEST(Topic, Suffix) {
  EXPECT_EQ(topic("/foo/bar").suffix(), "bar");
  EXPECT_EQ(topic("foo").suffix(), "foo");
  EXPECT_EQ(topic("foo/").suffix(), "");
  EXPECT_EQ(topic("").suffix(), "");
}

TEST(Topic, PrefixIsRawString) {
  EXPECT_TRUE(topic("/foo").prefix_of("/foo/bar"));
  EXPECT_TRUE(topic("/foo").prefix_of("/foobar")); // not per component
  EXPECT_TRUE(topic("/foo").prefix_of("/foo"));
  EXPECT_TRUE(topic("").prefix_of("/anything"));
  EXPECT_TRUE(topic("").prefix_of(""));
  EXPECT_FALSE(topic("/foo/bar").prefix_of("/foo"));
  EXPECT_FALSE(topic("/bar").prefix_of("/foo"));
  EXPECT_TRUE(is_prefix("/foobar", "/foo"));
  EXPECT_TRUE(is_prefix("/foo", ""));
  EXPECT_FALSE(is_prefix("/fo", "/foo"));
}

TEST(Topic, Internal) {
  EXPECT_TRUE(is_internal(topic::errors()));
  EXPECT_TRUE(is_internal(topic::statuses()));
  EXPECT_TRUE(is_internal(topic::store_events() / "mystore"));
  EXPECT_FALSE(is_internal(topic::master_suffix()));
  EXPECT_FALSE(is_internal("/foo/<$>/local/x"));
  EXPECT_FALSE(is_internal("<$>/local")); // needs the trailing separator
  EXPECT_FALSE(is_internal(""));
}

TEST(Topic, ComparisonAndHash) {
  EXPECT_EQ(topic("/a"), topic("/a"));
  EXPECT_NE(topic("/a"), topic("/b"));
  EXPECT_LT(topic("/a"), topic("/b"));
  EXPECT_TRUE(topic("/a") == "/a");
  std::unordered_set<topic> ts{"/a", "/b", "/a"};
  EXPECT_EQ(ts.size(), 2u);
  EXPECT_EQ(std::hash<topic>{}("/a"), std::hash<std::string>{}("/a"));
}

TEST(Topic, StringForms) {
  topic t = "/foo/bar";
  EXPECT_EQ(to_string(t), "/foo/bar");
  std::string str;
  EXPECT_TRUE(convert(t, str));
  EXPECT_EQ(str, "/foo/bar");
  std::ostringstream out;
  out << t;
  EXPECT_EQ(out.str(), "/foo/bar");
}

TEST(Topic, Literal) {
  auto t = "/foo"_t;
  static_assert(std::is_same_v<decltype(t), topic>);
  EXPECT_EQ(t.string(), "/foo");
  {
    using namespace broker::literals;
    EXPECT_EQ(("a"_t / "b"_t).string(), "a/b");
  }
  // The literal uses the given length, so embedded NULs survive.
  EXPECT_EQ("x\0y"_t.string().size(), 3u);
}

} // namespace
