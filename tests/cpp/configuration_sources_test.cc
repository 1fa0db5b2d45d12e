// Configuration sources (docs/configuration.md): broker.conf or
// --config-file, BROKER_* environment variables, command-line arguments,
// their precedence, warnings for unknown keys and errors for bad values.

#include <gtest/gtest.h>

#include "broker/configuration.hh"
#include "broker/endpoint.hh"
#include "config/key_table.hh"
#include "config_test_util.hh"
#include "temp_dir.hh"

using namespace broker;
using namespace broker::test;
using namespace std::chrono_literals;

namespace {

/// A test in a fresh working directory with no BROKER_* variables set.
class ConfigSources : public ::testing::Test {
protected:
  void conf(const std::string& text) {
    write_file(dir.file("broker.conf"), text);
  }

  env_guard env;
  temp_dir dir;
  cwd_guard cwd{dir.path()};
  warning_capture warnings;
};

} // namespace

TEST_F(ConfigSources, NoSourcesMeansNoSettings) {
  configuration cfg;
  EXPECT_TRUE(cfg.settings().empty());
  EXPECT_EQ(cfg.options().ttl, 20u);
  EXPECT_TRUE(warnings.messages.empty());
}

TEST_F(ConfigSources, BrokerConfInTheWorkingDirectory) {
  conf("; the manual's example\n"
       "logger {\n"
       "    ; note the single quotes!\n"
       "    console-verbosity = 'info'\n"
       "    file-verbosity = 'debug'\n"
       "}\n"
       "broker {\n"
       "  ttl = 5\n"
       "  peer-timeout = 500ms\n"
       "  subscriber-overflow-policy = \"drop_newest\"\n"
       "  metrics.export.prefixes = [\"broker\", \"zeek\"]\n"
       "}\n"
       "broker.disable-forwarding = true\n");
  configuration cfg;
  EXPECT_EQ(cfg.get_string("caf.logger.console.verbosity", ""), "info");
  EXPECT_EQ(cfg.get_string("caf.logger.file.verbosity", ""), "debug");
  EXPECT_EQ(cfg.get_string("logger.console-verbosity", ""), "info");
  EXPECT_EQ(cfg.options().ttl, 5u);
  EXPECT_EQ(cfg.get_timespan("broker.peer-timeout", 0s), timespan{500ms});
  EXPECT_EQ(cfg.get_string("broker.subscriber-overflow-policy", ""),
            "drop_newest");
  EXPECT_EQ(*cfg.get("broker.metrics.export.prefixes"),
            (data{vector{"broker", "zeek"}}));
  EXPECT_FALSE(cfg.options().forward);
  EXPECT_TRUE(warnings.messages.empty());
}

TEST_F(ConfigSources, ConfigFileArgumentReplacesBrokerConf) {
  conf("broker.ttl = 5\n");
  write_file(dir.file("other.conf"), "broker.ttl = 7\n");
  auto cfg = from_args({"--config-file=" + dir.file("other.conf")});
  EXPECT_EQ(cfg.options().ttl, 7u);
  // The last --config-file counts.
  write_file(dir.file("third.conf"), "broker.ttl = 9\n");
  cfg = from_args({"--config-file=other.conf", "--config-file=third.conf"});
  EXPECT_EQ(cfg.options().ttl, 9u);
}

TEST_F(ConfigSources, MissingConfigFileIsAnError) {
  EXPECT_EQ(error_of<std::runtime_error>(
              [] { from_args({"--config-file=nope.conf"}); }),
            "Error while reading configuration file: nope.conf: cannot open "
            "the file");
  EXPECT_EQ(error_of<std::runtime_error>(
              [] { from_args({"--config-file"}); }),
            "Error while parsing CLI arguments: argument --config-file: needs "
            "a path (--config-file=PATH)");
  // No broker.conf is fine.
  EXPECT_EQ(configuration{}.options().ttl, 20u);
}

TEST_F(ConfigSources, IgnoreBrokerConf) {
  conf("broker.ttl = 5\n");
  broker_options opts;
  opts.ignore_broker_conf = true;
  EXPECT_EQ(configuration{opts}.options().ttl, 20u);
  opts.ignore_broker_conf = false;
  EXPECT_EQ(configuration{opts}.options().ttl, 5u);
  // An explicit --config-file is still read.
  write_file(dir.file("x.conf"), "broker.ttl = 6\n");
  configuration cfg{skip_init};
  cfg.options().ignore_broker_conf = true;
  std::string arg = "--config-file=x.conf";
  char* argv[] = {const_cast<char*>("test"), arg.data()};
  cfg.init(2, argv);
  EXPECT_EQ(cfg.options().ttl, 6u);
}

TEST_F(ConfigSources, OptionsAreTheBaseTheFileOverrides) {
  broker_options opts;
  opts.ttl = 3;
  opts.forward = false;
  EXPECT_EQ(configuration{opts}.options().ttl, 3u);
  conf("broker.ttl = 5\n");
  configuration cfg{opts};
  EXPECT_EQ(cfg.options().ttl, 5u);
  EXPECT_FALSE(cfg.options().forward);
}

TEST_F(ConfigSources, Precedence) {
  // file < environment < command line < set()
  conf("caf.logger.console.verbosity = 'info'\n"
       "caf.logger.file.verbosity = 'info'\n"
       "broker.recording-directory = \"from-file\"\n");
  env.set("BROKER_CONSOLE_VERBOSITY", "debug");
  env.set("BROKER_FILE_VERBOSITY", "warning");
  auto cfg = from_args({"--caf.logger.console.verbosity=trace"});
  EXPECT_EQ(cfg.get_string("caf.logger.console.verbosity", ""), "trace");
  EXPECT_EQ(cfg.get_string("caf.logger.file.verbosity", ""), "warning");
  EXPECT_EQ(cfg.get_string("broker.recording-directory", ""), "from-file");
  cfg.set("caf.logger.console.verbosity", "quiet");
  EXPECT_EQ(cfg.get_string("caf.logger.console.verbosity", ""), "quiet");
  // The 2.1 spelling on the command line beats the variable as well.
  cfg = from_args({"--logger.file-verbosity=error"});
  EXPECT_EQ(cfg.get_string("caf.logger.file.verbosity", ""), "error");
}

TEST_F(ConfigSources, EnvironmentVariables) {
  env.set("BROKER_CONSOLE_VERBOSITY", "info");
  env.set("BROKER_FILE_VERBOSITY", "trace");
  env.set("BROKER_RECORDING_DIRECTORY", "/tmp/rec");
  env.set("BROKER_OUTPUT_GENERATOR_FILE_CAP", "1000");
  env.set("BROKER_METRICS_PORT", "9100");
  env.set("BROKER_METRICS_ENDPOINT_NAME", "node-1");
  env.set("BROKER_METRICS_EXPORT_TOPIC", "/metrics");
  env.set("BROKER_METRICS_EXPORT_INTERVAL", "5s");
  env.set("BROKER_METRICS_EXPORT_PREFIXES", " broker , zeek,, ");
  env.set("BROKER_METRICS_IMPORT_TOPICS", "/a,/b");
  configuration cfg;
  EXPECT_EQ(cfg.get_string("caf.logger.console.verbosity", ""), "info");
  EXPECT_EQ(cfg.get_string("caf.logger.file.verbosity", ""), "trace");
  EXPECT_EQ(cfg.get_string("broker.recording-directory", ""), "/tmp/rec");
  EXPECT_EQ(cfg.get_count("broker.output-generator-file-cap", 0), 1000u);
  EXPECT_EQ(cfg.get_count("broker.metrics.port", 0), 9100u);
  EXPECT_EQ(cfg.get_string("broker.metrics.endpoint-name", ""), "node-1");
  EXPECT_EQ(cfg.get_string("broker.metrics.export.topic", ""), "/metrics");
  EXPECT_EQ(cfg.get_timespan("broker.metrics.export.interval", 0s),
            timespan{5s});
  EXPECT_EQ(*cfg.get("broker.metrics.export.prefixes"),
            (data{vector{"broker", "zeek"}}));
  EXPECT_EQ(*cfg.get("broker.metrics.import.topics"),
            (data{vector{"/a", "/b"}}));
  // A list variable with nothing in it leaves the key alone.
  env.set("BROKER_METRICS_IMPORT_TOPICS", " , ");
  EXPECT_EQ(configuration{}.get("broker.metrics.import.topics"), nullptr);
}

TEST_F(ConfigSources, BadEnvironmentValuesThrowInvalidArgument) {
  auto check = [](const char* var, const char* value) {
    env_guard scoped;
    scoped.set(var, value);
    return error_of<std::invalid_argument>([] { configuration{}; });
  };
  EXPECT_EQ(check("BROKER_CONSOLE_VERBOSITY", "loud"),
            "environment variable BROKER_CONSOLE_VERBOSITY: invalid value "
            "for caf.logger.console.verbosity: 'loud' (expected one of quiet, "
            "error, warning, info, debug or trace)");
  EXPECT_EQ(check("BROKER_METRICS_PORT", "70000"),
            "environment variable BROKER_METRICS_PORT: invalid value for "
            "broker.metrics.port: '70000' (expected a whole number from 0 to "
            "65535)");
  EXPECT_EQ(check("BROKER_METRICS_PORT", "http"),
            "environment variable BROKER_METRICS_PORT: invalid value for "
            "broker.metrics.port: 'http' (expected a whole number from 0 to "
            "65535)");
  EXPECT_EQ(check("BROKER_OUTPUT_GENERATOR_FILE_CAP", "-1"),
            "environment variable BROKER_OUTPUT_GENERATOR_FILE_CAP: invalid "
            "value for broker.output-generator-file-cap: '-1' (expected a "
            "whole number of at least 0)");
  EXPECT_EQ(check("BROKER_METRICS_EXPORT_INTERVAL", "soon"),
            "environment variable BROKER_METRICS_EXPORT_INTERVAL: invalid "
            "value for broker.metrics.export.interval: 'soon' (expected a "
            "duration such as 10s or 500ms, at least 1ms)");
  EXPECT_EQ(check("BROKER_FILE_VERBOSITY", ""),
            "environment variable BROKER_FILE_VERBOSITY: invalid value for "
            "caf.logger.file.verbosity: '' (expected one of quiet, error, "
            "warning, info, debug or trace)");
}

TEST_F(ConfigSources, CommandLine) {
  auto cfg = from_args({"positional", "--broker.ttl=4",
                        "--broker.ssl.passphrase=12345",
                        "--broker.heartbeat-interval=250ms",
                        "--broker.metrics.import.topics=/x, /y", "-v",
                        "--broker.in-process-shortcut", "--",
                        "--broker.disable-ssl=true"});
  EXPECT_EQ(cfg.options().ttl, 4u);
  // A string key keeps digits as text.
  EXPECT_EQ(cfg.get_string("broker.ssl.passphrase", ""), "12345");
  EXPECT_EQ(cfg.get_timespan("broker.heartbeat-interval", 0s),
            timespan{250ms});
  EXPECT_EQ(*cfg.get("broker.metrics.import.topics"),
            (data{vector{"/x", "/y"}}));
  EXPECT_EQ(*cfg.get("broker.in-process-shortcut"), data{true});
  EXPECT_TRUE(cfg.options().disable_ssl);
  EXPECT_EQ(cfg.remainder(),
            (std::vector<std::string>{"positional", "-v", "--"}));
  auto lists = from_args({"--broker.metrics.export.prefixes=['a', 'b,c']"});
  EXPECT_EQ(*lists.get("broker.metrics.export.prefixes"),
            (data{vector{"a", "b,c"}}));
}

TEST_F(ConfigSources, BadArgumentsThrowRuntimeError) {
  auto check = [](std::string arg) {
    return error_of<std::runtime_error>([&] { from_args({arg}); });
  };
  EXPECT_EQ(check("--broker.ttl=0"),
            "Error while parsing CLI arguments: argument --broker.ttl=0: "
            "invalid value for broker.ttl: '0' (expected a whole number from "
            "1 to 65535)");
  EXPECT_EQ(check("--broker.peer-overflow-policy=block"),
            "Error while parsing CLI arguments: argument "
            "--broker.peer-overflow-policy=block: invalid value for "
            "broker.peer-overflow-policy: 'block' (expected one of "
            "disconnect, drop_newest or drop_oldest)");
  EXPECT_EQ(check("--broker.disable-forwarding=yes"),
            "Error while parsing CLI arguments: argument "
            "--broker.disable-forwarding=yes: invalid value for "
            "broker.disable-forwarding: 'yes' (expected true or false)");
  EXPECT_EQ(check("--broker.ttl"),
            "Error while parsing CLI arguments: argument --broker.ttl: needs "
            "a value (--broker.ttl=VALUE)");
}

TEST_F(ConfigSources, BadFileValuesNameFileLineAndColumn) {
  conf("broker {\n"
       "  ttl = 5\n"
       "  subscriber-overflow-policy = \"drop_all\"\n"
       "}\n");
  EXPECT_EQ(error_of<std::runtime_error>([] { configuration{}; }),
            "Error while reading configuration file: broker.conf:3:3: invalid "
            "value for broker.subscriber-overflow-policy: 'drop_all' "
            "(expected one of drop_oldest, drop_newest or block)");
  conf("broker.handshake-timeout = -5s\n");
  EXPECT_EQ(error_of<std::runtime_error>([] { configuration{}; }),
            "Error while reading configuration file: broker.conf:1:1: invalid "
            "value for broker.handshake-timeout: -5000000000ns (expected a "
            "duration such as 10s or 500ms)");
  conf("broker.metrics.import.topics = [1, 2]\n");
  EXPECT_EQ(error_of<std::runtime_error>([] { configuration{}; }),
            "Error while reading configuration file: broker.conf:1:1: invalid "
            "value for broker.metrics.import.topics: (1, 2) (expected a list "
            "of strings)");
}

TEST_F(ConfigSources, SyntaxErrorsNameFileLineAndColumn) {
  conf("broker {\n  ttl = 5\n  forward = maybe\n}\n");
  EXPECT_EQ(error_of<std::runtime_error>([] { configuration{}; }),
            "Error while reading configuration file: broker.conf:3:13: "
            "unquoted text 'maybe': write strings in quotes (\"...\" or "
            "'...')");
}

TEST_F(ConfigSources, UnknownKeysWarnWithTheirOrigin) {
  conf("broker {\n  ttl = 5\n  tll = 6\n}\ncaf.scheduler.policy = 'stealing'\n");
  auto cfg = from_args({"--broker.frobnicate=3"});
  ASSERT_EQ(warnings.messages.size(), 3u);
  EXPECT_EQ(warnings.messages[0],
            "broker.conf:3:3: unknown key broker.tll (kept, but nothing in "
            "Broker reads it)");
  EXPECT_EQ(warnings.messages[1],
            "broker.conf:5:1: unknown key caf.scheduler.policy (kept, but "
            "nothing in Broker reads it)");
  EXPECT_EQ(warnings.messages[2],
            "argument --broker.frobnicate=3: unknown key broker.frobnicate "
            "(kept, but nothing in Broker reads it)");
  EXPECT_EQ(cfg.warnings(), warnings.messages);
  // Kept as given (a number stays a number).
  EXPECT_EQ(cfg.get_count("broker.tll", 0), 6u);
  EXPECT_EQ(cfg.get_count("broker.frobnicate", 0), 3u);
  EXPECT_EQ(cfg.options().ttl, 5u);
  // set() stores unknown keys silently: applications may keep their own.
  cfg.set("myapp.level", count{1});
  EXPECT_EQ(warnings.messages.size(), 3u);
}

TEST_F(ConfigSources, WarningsGoToStderrWithoutAHandler) {
  auto previous = configuration::set_warning_handler(nullptr);
  conf("nonsense = 1\n");
  ::testing::internal::CaptureStderr();
  configuration cfg;
  auto err = ::testing::internal::GetCapturedStderr();
  configuration::set_warning_handler(std::move(previous));
  EXPECT_EQ(err, "broker: warning: broker.conf:1:1: unknown key nonsense "
                 "(kept, but nothing in Broker reads it)\n");
}

TEST_F(ConfigSources, HelpPrintsEveryKeyAndReadsNothing) {
  conf("this is not a configuration file");
  ::testing::internal::CaptureStdout();
  auto cfg = from_args({"--broker.ttl=5", "--help"});
  auto out = ::testing::internal::GetCapturedStdout();
  EXPECT_TRUE(cfg.cli_helptext_printed());
  EXPECT_EQ(cfg.options().ttl, 20u);
  EXPECT_EQ(out, cfg.help_text());
  for (auto& spec : detail::config::keys()) {
    EXPECT_NE(out.find("--" + std::string{spec.name} + "="), std::string::npos)
      << spec.name;
    if (!spec.env.empty())
      EXPECT_NE(out.find(std::string{spec.env}), std::string::npos)
        << spec.env;
  }
  for (auto& alias : detail::config::aliases())
    EXPECT_NE(out.find("--" + std::string{alias.alias}), std::string::npos)
      << alias.alias;
  EXPECT_NE(out.find("--broker.ttl=<count 1-65535>  (default 20)"),
            std::string::npos);
  EXPECT_NE(out.find("--config-file=PATH"), std::string::npos);
  for (auto flag : {"-h", "-?"}) {
    ::testing::internal::CaptureStdout();
    EXPECT_TRUE(from_args({flag}).cli_helptext_printed());
    ::testing::internal::GetCapturedStdout();
  }
}

TEST_F(ConfigSources, HelpMakesTheEndpointExitZero) {
  EXPECT_EXIT(
    {
      ::testing::internal::CaptureStdout();
      auto cfg = from_args({"--help"});
      endpoint ep{std::move(cfg)};
      std::_Exit(3); // not reached
    },
    ::testing::ExitedWithCode(0), "");
}
