// The log (docs/logging.md): verbosities through the configuration keys and
// the environment, what the file and the console get for a TCP peering,
// `quiet`, bad names, and that a statement whose level is off evaluates
// nothing. The log is process-wide: every test puts it back as it was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "broker/broker.hh"
#include "log/formatters.hh"
#include "log/log.hh"
#include "temp_dir.hh"
#include "test_util.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

class Logging : public ::testing::Test {
protected:
  void TearDown() override {
    ::unsetenv("BROKER_CONSOLE_VERBOSITY");
    ::unsetenv("BROKER_FILE_VERBOSITY");
    log::reset();
  }

  /// Plain TCP, no shortcut through memory, console quiet unless asked.
  static configuration tcp(const std::string& file_verbosity,
                           const std::string& file_path,
                           const std::string& console = "quiet") {
    configuration cfg;
    cfg.options().disable_ssl = true;
    cfg.set("broker.in-process-shortcut", false);
    cfg.set("caf.logger.console.verbosity", console);
    cfg.set("caf.logger.file.verbosity", file_verbosity);
    cfg.set("caf.logger.file.path", file_path);
    return cfg;
  }

  /// Peers b with a over loopback; returns a's port.
  static uint16_t peer(endpoint& a, endpoint& b) {
    auto port = a.listen("127.0.0.1", 0);
    EXPECT_NE(port, 0);
    EXPECT_TRUE(b.peer("127.0.0.1", port, 0s));
    return port;
  }

  static std::string slurp(const std::string& path) {
    std::ifstream in{path};
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }

  static bool has_line(const std::string& text, const std::string& pattern) {
    return std::regex_search(text, std::regex{pattern});
  }
};

/// What the file layout puts in front of a message of `function` at info.
std::string info_prefix(const std::string& file, const std::string& function) {
  return R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6} info \[\d+ [^\]]+\] )"
         + file + R"(:\d+ )" + function + R"(: \[[0-9a-f]{8}\] )";
}

std::string escaped(std::string str) {
  return std::regex_replace(str, std::regex{R"([.\[\]()])"}, R"(\$&)");
}

} // namespace

TEST_F(Logging, FileGetsPeeringAtInfoWithSourceLocation) {
  test::temp_dir dir;
  auto path = dir.path() + "/broker_[PID].log";
  std::string text;
  uint16_t port = 0;
  std::string id_a, id_b;
  {
    endpoint a{tcp("info", path)};
    endpoint b{tcp("info", path)};
    id_a = to_string(a.node_id());
    id_b = to_string(b.node_id());
    port = peer(a, b);
    EXPECT_EQ(log::file_name(), log::resolve_path(path));
  }
  text = slurp(log::resolve_path(path));
  auto at = escaped("127.0.0.1:" + std::to_string(port));
  // b dialled a: the address it dialled and a's id.
  EXPECT_TRUE(has_line(text, info_prefix("core/network.cc", "network::dial")
                               + "dialling " + at))
    << text;
  EXPECT_TRUE(has_line(text, info_prefix("core/network.cc",
                                         "network::accept_next")
                               + "accepted a connection from 127.0.0.1:"))
    << text;
  EXPECT_TRUE(has_line(text, info_prefix("core/connections.cc",
                                         "connections::on_handshake")
                               + "handshake with " + at
                               + " done: peer id " + id_a))
    << text;
  // a learned b's id from the handshake, with b's ephemeral port.
  EXPECT_TRUE(has_line(text, info_prefix("core/connections.cc",
                                         "connections::on_handshake")
                               + R"(handshake with 127\.0\.0\.1:\d+ done: )"
                               + "peer id " + id_b))
    << text;
  EXPECT_TRUE(has_line(text, info_prefix("core/connections.cc",
                                         "connections::on_ready")
                               + "peered with " + id_a + " at " + at))
    << text;
  // Nothing below info.
  EXPECT_FALSE(has_line(text, R"(\.\d{6} (debug|trace) )")) << text;
}

TEST_F(Logging, DebugShowsTheMessageFlow) {
  test::temp_dir dir;
  auto path = dir.path() + "/flow.log";
  {
    endpoint a{tcp("debug", path)};
    endpoint b{tcp("debug", path)};
    auto sub = a.make_subscriber({"/flow"});
    peer(a, b);
    b.publish("/flow", data{count{1}});
    EXPECT_TRUE(sub.get(5s).has_value());
  }
  auto text = slurp(path);
  EXPECT_TRUE(has_line(text, R"( debug .*sending 1 messages to peer )"))
    << text;
  EXPECT_TRUE(has_line(text, R"( debug .*read \d+ frames \(\d+ bytes\))"))
    << text;
  EXPECT_TRUE(has_line(text, R"( debug .*delivering 1 messages to 1 local)"))
    << text;
  // Each message is a trace line, and trace is off.
  EXPECT_FALSE(has_line(text, " trace ")) << text;
}

TEST_F(Logging, TraceShowsEachMessage) {
  test::temp_dir dir;
  auto path = dir.path() + "/trace.log";
  std::string id_a;
  {
    endpoint a{tcp("trace", path)};
    endpoint b{tcp("trace", path)};
    id_a = to_string(a.node_id());
    auto sub = a.make_subscriber({"/each"});
    peer(a, b);
    b.publish("/each", data{"one"});
    b.publish("/each", data{"two"});
    EXPECT_EQ(sub.get(2, 5s).size(), 2u);
  }
  auto text = slurp(path);
  for (auto word : {"one", "two"}) {
    auto w = std::string{word};
    EXPECT_TRUE(has_line(text, " trace .* publishing on /each: " + w)) << text;
    EXPECT_TRUE(has_line(text, " trace .* to peer " + id_a
                                 + R"(: /each \(origin [0-9a-f-]+, ttl 20\) )"
                                 + w))
      << text;
    EXPECT_TRUE(has_line(text, R"( trace .* to local subscriber \d+: /each )"
                                 + w))
      << text;
  }
}

TEST_F(Logging, InfoShowsStoresAttaching) {
  test::temp_dir dir;
  auto path = dir.path() + "/stores.log";
  configuration cfg;
  cfg.set("caf.logger.console.verbosity", "quiet");
  cfg.set("caf.logger.file.verbosity", "info");
  cfg.set("caf.logger.file.path", path);
  endpoint a{cfg};
  endpoint b{cfg};
  ASSERT_TRUE(b.peer(a));
  auto m = *a.attach_master("kv", backend::memory);
  m.put("x", 1);
  auto c = *b.attach_clone("kv");
  // Info lines reach the file at once (it flushes at info).
  auto logged = [&path](const std::string& pattern) {
    return test::eventually([&] { return has_line(slurp(path), pattern); });
  };
  EXPECT_TRUE(logged(R"(peered with [0-9a-f-]+ in memory)"));
  EXPECT_TRUE(logged(R"(api/attach\.cc:\d+ endpoint::attach_master: .*)"
                     R"(attached the master of store kv \(memory backend\))"));
  EXPECT_TRUE(logged(R"(attached a clone of store kv)"));
  EXPECT_TRUE(logged(R"(store kv: clone [^ ]+ asks to attach)"));
  EXPECT_TRUE(logged(R"(store kv: clone attached with master [^ ]+ )"
                     R"(\(\d+ entries\))"));
}

TEST_F(Logging, QuietWritesNothing) {
  test::temp_dir dir;
  auto path = dir.path() + "/quiet.log";
  ::testing::internal::CaptureStderr();
  {
    endpoint a{tcp("quiet", path, "quiet")};
    endpoint b{tcp("quiet", path, "quiet")};
    peer(a, b);
    // A listen that fails would be an error line at the default level.
    EXPECT_EQ(b.listen("256.0.0.1", 0), 0);
  }
  auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "");
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(log::file_name(), "");
}

TEST_F(Logging, ConsoleAtInfoUsesUpstreamLayout) {
  test::temp_dir dir;
  ::testing::internal::CaptureStderr();
  {
    endpoint a{tcp("quiet", dir.path() + "/x.log", "info")};
    endpoint b{tcp("quiet", dir.path() + "/x.log", "info")};
    peer(a, b);
  }
  auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(has_line(err, R"(\[broker/info\] \d{4}-\d\d-\d\dT\d\d:\d\d:)"
                            R"(\d\d\.\d{3} \[[0-9a-f]{8}\] peered with )"))
    << err;
}

TEST_F(Logging, DefaultsAreErrorAndQuiet) {
  endpoint ep;
  EXPECT_EQ(log::console_level(), log::level::error);
  EXPECT_EQ(log::file_level(), log::level::quiet);
  EXPECT_TRUE(log::enabled(log::level::error));
  EXPECT_FALSE(log::enabled(log::level::warning));
}

TEST_F(Logging, UnsetKeysKeepWhatAnEarlierEndpointSet) {
  test::temp_dir dir;
  endpoint a{tcp("info", dir.path() + "/a.log", "warning")};
  endpoint b; // sets nothing
  EXPECT_EQ(log::console_level(), log::level::warning);
  EXPECT_EQ(log::file_level(), log::level::info);
}

TEST_F(Logging, BadVerbosityNamesKeyAndValue) {
  // The configuration checks the value when it is set (docs/configuration.md).
  configuration cfg;
  try {
    cfg.set("caf.logger.console.verbosity", "loud");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& ex) {
    EXPECT_STREQ(ex.what(), "configuration::set: invalid value for "
                            "caf.logger.console.verbosity: 'loud' (expected "
                            "one of quiet, error, warning, info, debug or "
                            "trace)");
  }
  configuration typed;
  EXPECT_THROW(typed.set("caf.logger.file.verbosity", count{3}),
               std::invalid_argument);
}

TEST_F(Logging, EnvironmentVariablesWork) {
  ::setenv("BROKER_FILE_VERBOSITY", "chatty", 1);
  try {
    endpoint ep;
    FAIL() << "no exception";
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string{ex.what()}.find("BROKER_FILE_VERBOSITY"),
              std::string::npos)
      << ex.what();
    EXPECT_NE(std::string{ex.what()}.find("'chatty'"), std::string::npos);
  }
  ::unsetenv("BROKER_FILE_VERBOSITY");
  ::setenv("BROKER_CONSOLE_VERBOSITY", "debug", 1);
  endpoint ep;
  EXPECT_EQ(log::console_level(), log::level::debug);
  // The configuration's key wins over the variable.
  configuration cfg;
  cfg.set("caf.logger.console.verbosity", "warning");
  endpoint ep2{std::move(cfg)};
  EXPECT_EQ(log::console_level(), log::level::warning);
}

TEST_F(Logging, StatementsBelowTheLevelEvaluateNothing) {
  int evaluated = 0;
  auto costly = [&evaluated] {
    ++evaluated;
    return std::string{"x"};
  };
  BROKER_DEBUG("{}", costly());
  BROKER_INFO("{}", costly());
  BROKER_WARNING("{}", costly());
  EXPECT_EQ(evaluated, 0);
  log::configure({log::level::quiet, log::level::quiet, std::nullopt});
  BROKER_ERROR("{}", costly());
  EXPECT_EQ(evaluated, 0);
  log::configure({log::level::trace, std::nullopt, std::nullopt});
  ::testing::internal::CaptureStderr();
  BROKER_TRACE("{} {}", costly(), 42);
  auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(evaluated, 1);
  EXPECT_NE(err.find("[broker/trace]"), std::string::npos) << err;
  EXPECT_NE(err.find("x 42"), std::string::npos) << err;
}

TEST(LogFormat, LevelNames) {
  EXPECT_EQ(log::parse_level("INFO"), log::level::info);
  EXPECT_EQ(log::parse_level("quiet"), log::level::quiet);
  EXPECT_EQ(log::parse_level("warn"), std::nullopt);
  EXPECT_EQ(log::parse_level(""), std::nullopt);
  EXPECT_STREQ(log::to_string(log::level::warning), "warning");
}

TEST(LogFormat, ShortFileAndFunction) {
  EXPECT_EQ(log::short_file("/work/x/src/core/network.cc"), "core/network.cc");
  EXPECT_EQ(log::short_file("/b/layers/core/net/connection.hh"),
            "net/connection.hh");
  EXPECT_EQ(log::short_file("relative.cc"), "relative.cc");
  EXPECT_EQ(log::short_function("void broker::detail::network::dial("
                                "broker::network_info, int)"),
            "network::dial");
  EXPECT_EQ(log::short_function("broker::detail::core::core("
                                "broker::configuration)"),
            "core::core");
  EXPECT_EQ(log::short_function("int main()"), "main");
  EXPECT_EQ(log::short_function("void broker::(anonymous namespace)::f(int)"),
            "f");
  EXPECT_EQ(log::short_function("std::vector<int, std::allocator<int> > "
                                "ns::cls::get() const"),
            "cls::get");
}

TEST(LogFormat, ResolvePath) {
  auto path = log::resolve_path("broker_[PID]_[TIMESTAMP].log");
  EXPECT_TRUE(std::regex_match(path, std::regex{R"(broker_\d+_\d{4}-\d\d-\d\d)"
                                                R"(T\d\d-\d\d-\d\d\.log)"}))
    << path;
}
