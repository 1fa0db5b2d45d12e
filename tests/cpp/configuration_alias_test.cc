// The upstream 2.3+ spellings of configuration keys (docs/configuration.md):
// each must reach the value the library reads.

#include <gtest/gtest.h>

#include "broker/broker.hh"
#include "config_test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

using broker::test::from_args;

TEST(ConfigurationAlias, DisableForwardingInvertsForward) {
  configuration cfg;
  EXPECT_TRUE(cfg.options().forward);
  cfg.set("broker.disable-forwarding", true);
  EXPECT_FALSE(cfg.options().forward);
  EXPECT_EQ(*cfg.get("broker.forward"), data{false});
  EXPECT_EQ(*cfg.get("broker.disable-forwarding"), data{true});
  cfg.set("broker.disable-forwarding", false);
  EXPECT_TRUE(cfg.options().forward);
  EXPECT_EQ(*cfg.get("broker.forward"), data{true});
  EXPECT_EQ(*cfg.get("broker.disable-forwarding"), data{false});
}

TEST(ConfigurationAlias, OurSpellingReadsBackThroughTheAlias) {
  configuration cfg;
  EXPECT_EQ(cfg.get("broker.disable-forwarding"), nullptr);
  cfg.set("broker.forward", false);
  EXPECT_EQ(*cfg.get("broker.disable-forwarding"), data{true});
  cfg.set("broker.disable_ssl", true);
  EXPECT_EQ(*cfg.get("broker.disable-ssl"), data{true});
}

TEST(ConfigurationAlias, TheLastSpellingSetWins) {
  configuration cfg;
  cfg.set("broker.disable-forwarding", true);
  cfg.set("broker.forward", true);
  EXPECT_TRUE(cfg.options().forward);
  cfg.set("broker.disable-forwarding", true);
  EXPECT_FALSE(cfg.options().forward);
  // One entry under our key, none under the alias.
  EXPECT_EQ(cfg.settings().count("broker.disable-forwarding"), 0u);
  EXPECT_EQ(cfg.settings().count("broker.forward"), 1u);
}

TEST(ConfigurationAlias, DisableSsl) {
  configuration cfg;
  EXPECT_FALSE(cfg.options().disable_ssl);
  cfg.set("broker.disable-ssl", true);
  EXPECT_TRUE(cfg.options().disable_ssl);
  EXPECT_EQ(*cfg.get("broker.disable_ssl"), data{true});
  cfg.set("broker.disable-ssl", false);
  EXPECT_FALSE(cfg.options().disable_ssl);
}

TEST(ConfigurationAlias, MistypedValuesAreErrors) {
  configuration cfg{skip_init};
  try {
    cfg.set("broker.disable-forwarding", "yes");
    FAIL() << "no error";
  } catch (const std::invalid_argument& err) {
    EXPECT_STREQ(err.what(), "configuration::set: invalid value for "
                             "broker.disable-forwarding: 'yes' (expected true "
                             "or false)");
  }
  EXPECT_THROW(cfg.set("broker.disable-ssl", count{1}), std::invalid_argument);
  // Nothing was stored.
  EXPECT_TRUE(cfg.options().forward);
  EXPECT_FALSE(cfg.options().disable_ssl);
  EXPECT_TRUE(cfg.settings().empty());
}

TEST(ConfigurationAlias, CafOpensslAndLoggerSpellings) {
  configuration cfg{skip_init};
  cfg.set("caf.openssl.cafile", "/tmp/ca.pem");
  cfg.set("logger.console-verbosity", "info");
  cfg.set("logger.file-name", "x.log");
  EXPECT_EQ(cfg.get_string("broker.ssl.cafile", ""), "/tmp/ca.pem");
  EXPECT_EQ(cfg.get_string("caf.openssl.cafile", ""), "/tmp/ca.pem");
  EXPECT_EQ(cfg.get_string("caf.logger.console.verbosity", ""), "info");
  EXPECT_EQ(cfg.get_string("caf.logger.file.path", ""), "x.log");
  EXPECT_EQ(cfg.settings().count("caf.openssl.cafile"), 0u);
  EXPECT_THROW(cfg.set("logger.file-verbosity", "chatty"),
               std::invalid_argument);
}

TEST(ConfigurationAlias, CommandLine) {
  auto cfg = from_args({"--broker.disable-forwarding=true",
                        "--broker.disable-ssl=true"});
  EXPECT_FALSE(cfg.options().forward);
  EXPECT_TRUE(cfg.options().disable_ssl);
  // A bare flag means true.
  EXPECT_FALSE(from_args({"--broker.disable-forwarding"}).options().forward);
  EXPECT_TRUE(
    from_args({"--broker.disable-forwarding=false"}).options().forward);
}

TEST(ConfigurationAlias, SameSpellingKeysReadAsSet) {
  // 2.3+ keys that need no alias: the library reads them as given.
  configuration cfg;
  cfg.set("broker.peer-buffer-size", count{2048});
  cfg.set("broker.peer-overflow-policy", "drop_oldest");
  cfg.set("broker.ssl.cafile", "/tmp/ca.pem");
  EXPECT_EQ(cfg.get_count("broker.peer-buffer-size", 0), 2048u);
  EXPECT_EQ(cfg.get_string("broker.peer-overflow-policy", ""), "drop_oldest");
  EXPECT_EQ(cfg.get_string("broker.ssl.cafile", ""), "/tmp/ca.pem");
  overflow_policy policy = overflow_policy::disconnect;
  EXPECT_TRUE(convert("drop_oldest", policy));
  EXPECT_EQ(policy, overflow_policy::drop_oldest);
}

TEST(ConfigurationAlias, DisableForwardingStopsRelayingInAnEndpoint) {
  // a - b - c, b set with the 2.3+ key: b still receives but relays nothing.
  configuration cfg_b;
  cfg_b.set("broker.disable-forwarding", true);
  endpoint a;
  endpoint b{std::move(cfg_b)};
  endpoint c;
  auto sub_b = b.make_subscriber({"/t"});
  auto sub_c = c.make_subscriber({"/t"});
  ASSERT_TRUE(a.peer(b));
  ASSERT_TRUE(b.peer(c));
  a.publish("/t", data{1});
  ASSERT_TRUE(sub_b.get(5s));
  b.publish("/t", data{2}); // a barrier: c must see this one first
  auto msg = sub_c.get(5s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_data(*msg), data{2});
}
