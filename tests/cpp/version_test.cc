#include <gtest/gtest.h>

#include "broker/version.hh"

namespace {

TEST(Version, String) {
  EXPECT_EQ(broker::version::string(), "2.1.0");
}

TEST(Version, Constants) {
  EXPECT_EQ(broker::version::major, 2u);
  EXPECT_EQ(broker::version::minor, 1u);
  EXPECT_EQ(broker::version::patch, 0u);
  EXPECT_EQ(broker::version::protocol, 2u);
  EXPECT_TRUE(broker::version::compatible(2));
  EXPECT_FALSE(broker::version::compatible(1));
  EXPECT_FALSE(broker::version::compatible(3));
}

} // namespace
