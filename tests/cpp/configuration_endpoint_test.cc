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

TEST(ConfigurationEndpoint, EndpointIdTakesEffectOnTheWire) {
  env_guard env;
  const std::string wanted = "d207546e-7780-48f4-bfdf-f47f3c789dc6";
  endpoint a{from_args({"--broker.endpoint-id=" + wanted,
                        "--broker.disable_ssl=true"})};
  EXPECT_EQ(to_string(a.node_id()), wanted);
  // A peer learns it through the handshake.
  configuration cfg{skip_init};
  cfg.options().disable_ssl = true;
  cfg.set("broker.in-process-shortcut", false);
  endpoint b{std::move(cfg)};
  auto port = a.listen("127.0.0.1", 0);
  ASSERT_TRUE(b.peer("127.0.0.1", port, 0s));
  ASSERT_EQ(b.peers().size(), 1u);
  EXPECT_EQ(to_string(b.peers()[0].peer.node), wanted);
}

TEST(ConfigurationEndpoint, EndpointIdMustBeAUuid) {
  env_guard env;
  auto check = [](std::string arg) {
    return error_of<std::runtime_error>([&] { from_args({arg}); });
  };
  EXPECT_EQ(check("--broker.endpoint-id=nope"),
            "Error while parsing CLI arguments: argument "
            "--broker.endpoint-id=nope: invalid value for broker.endpoint-id: "
            "'nope' (expected a UUID such as "
            "5746d8ee-3644-4bd2-9f54-d5a44c26c2a1)");
  // The nil id names no endpoint.
  EXPECT_NE(check("--broker.endpoint-id=00000000-0000-0000-0000-000000000000"),
            "");
}
