// A real endpoint picks up broker.conf from its working directory (and
// skips it with ignore_broker_conf): the settings show in its behaviour.

#include <gtest/gtest.h>

#include "broker/broker.hh"
#include "config_test_util.hh"
#include "temp_dir.hh"
#include "test_util.hh"

using namespace broker;
using namespace broker::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* small_buffer_conf =
  "; a subscriber buffer of 10 that drops the newest message when full\n"
  "broker {\n"
  "  subscriber-buffer-size = 10\n"
  "  subscriber-overflow-policy = 'drop_newest'\n"
  "  peer-timeout = 30s\n"
  "}\n";

/// Publishes 0..99 from a fresh endpoint to a subscriber of `b` (which
/// reads nothing meanwhile) and returns what the subscriber holds once
/// everything was delivered or dropped.
std::vector<data> deliver_hundred(endpoint& b) {
  endpoint a{configuration{skip_init}};
  auto sub = b.make_subscriber({"/t"}, 0);
  EXPECT_TRUE(a.peer(b));
  for (int i = 0; i < 100; ++i)
    a.publish("/t", data{i});
  EXPECT_TRUE(eventually(
    [&] { return sub.available() + sub.dropped() == 100; }));
  std::vector<data> result;
  for (auto& msg : sub.poll())
    result.push_back(get_data(msg));
  return result;
}

} // namespace

TEST(ConfigurationEndpoint, BrokerConfTakesEffect) {
  env_guard env;
  temp_dir dir;
  write_file(dir.file("broker.conf"), small_buffer_conf);
  cwd_guard cwd{dir.path()};
  endpoint b; // reads ./broker.conf
  auto got = deliver_hundred(b);
  // drop_newest keeps the first ten.
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got.front(), data{0});
  EXPECT_EQ(got.back(), data{9});
}

TEST(ConfigurationEndpoint, IgnoreBrokerConfSkipsIt) {
  env_guard env;
  temp_dir dir;
  write_file(dir.file("broker.conf"), small_buffer_conf);
  cwd_guard cwd{dir.path()};
  broker_options opts;
  opts.ignore_broker_conf = true;
  endpoint b{configuration{opts}};
  EXPECT_EQ(deliver_hundred(b).size(), 100u);
}

TEST(ConfigurationEndpoint, ConfigFileArgumentAndCommandLine) {
  env_guard env;
  temp_dir dir;
  write_file(dir.file("b.conf"), small_buffer_conf);
  // The command line overrides the file's policy: drop_oldest keeps the
  // last ten.
  endpoint b{from_args({"--config-file=" + dir.file("b.conf"),
                        "--broker.subscriber-overflow-policy=drop_oldest"})};
  auto got = deliver_hundred(b);
  ASSERT_EQ(got.size(), 10u);
  EXPECT_EQ(got.front(), data{90});
  EXPECT_EQ(got.back(), data{99});
}
