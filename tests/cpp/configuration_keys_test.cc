// The key table (src/config/key_table.hh) is the single source of --help,
// validation and the documents: its defaults must be what the library
// applies, its aliases must lead to known keys, and the tables in
// docs/configuration.md and README.md must be the ones it generates.

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "api/core_store_host.hh"
#include "broker/configuration.hh"
#include "broker/defaults.hh"
#include "config/config_parser.hh"
#include "config/key_docs.hh"
#include "config/key_table.hh"
#include "core/settings.hh"

using namespace broker;
using namespace broker::detail::config;
using namespace std::chrono_literals;

namespace {

/// The table's default of `name` in the key's stored form.
data default_of(std::string_view name) {
  auto spec = find_key(name);
  if (!spec) {
    ADD_FAILURE() << "no key " << name;
    return data{};
  }
  auto parsed = parse_value(spec->default_text);
  auto value = parsed ? *parsed : data{std::string{spec->default_text}};
  auto result = coerce(*spec, value);
  if (!result) {
    ADD_FAILURE() << "default of " << name << " is no valid value";
    return data{};
  }
  return *result;
}

timespan default_duration(std::string_view name) {
  return get<timespan>(default_of(name));
}

count default_count(std::string_view name) {
  return get<count>(default_of(name));
}

std::string read_source_file(const std::string& relative) {
  std::ifstream in{std::string{BROKER_SOURCE_DIR} + "/" + relative};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

/// The text between `<!-- name -->\n` and `<!-- /name -->` in `doc`.
std::optional<std::string> block(const std::string& doc,
                                 const std::string& name) {
  auto open = "<!-- " + name + " -->\n";
  auto close = "<!-- /" + name + " -->";
  auto first = doc.find(open);
  if (first == std::string::npos)
    return std::nullopt;
  first += open.size();
  auto last = doc.find(close, first);
  if (last == std::string::npos)
    return std::nullopt;
  return doc.substr(first, last - first);
}

/// Replaces the block `name` in the source file `relative` by `text`.
void rewrite_block(const std::string& relative, const std::string& name,
                   const std::string& text) {
  auto path = std::string{BROKER_SOURCE_DIR} + "/" + relative;
  auto doc = read_source_file(relative);
  auto open = "<!-- " + name + " -->\n";
  auto first = doc.find(open) + open.size();
  auto last = doc.find("<!-- /" + name + " -->", first);
  doc.replace(first, last - first, text);
  std::ofstream{path} << doc;
}

} // namespace

TEST(ConfigKeys, NamesAndVariablesAreUnique) {
  std::set<std::string_view> names;
  std::set<std::string_view> vars;
  for (auto& spec : keys()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_FALSE(spec.meaning.empty()) << spec.name;
    if (!spec.env.empty()) {
      EXPECT_EQ(spec.env.rfind("BROKER_", 0), 0u) << spec.env;
      EXPECT_TRUE(vars.insert(spec.env).second) << spec.env;
    }
  }
  EXPECT_EQ(vars.size(), 10u); // upstream's ten (docs/configuration.md)
}

TEST(ConfigKeys, EveryDefaultIsAValidValue) {
  for (auto& spec : keys()) {
    if (spec.default_text == "unset")
      continue;
    default_of(spec.name);
  }
}

TEST(ConfigKeys, AliasesLeadToKnownKeys) {
  for (auto& alias : aliases()) {
    auto spec = find_key(alias.key);
    ASSERT_NE(spec, nullptr) << alias.alias;
    EXPECT_EQ(find_key(alias.alias), nullptr) << alias.alias;
    if (alias.inverted)
      EXPECT_EQ(spec->type, value_type::boolean) << alias.alias;
  }
}

TEST(ConfigKeys, DefaultsAreWhatTheCoreApplies) {
  auto core = detail::core_settings::from(configuration{skip_init});
  broker_options opts;
  EXPECT_EQ(default_count("broker.ttl"), core.ttl);
  EXPECT_EQ(default_of("broker.forward"), data{opts.forward});
  EXPECT_EQ(default_of("broker.disable_ssl"), data{opts.disable_ssl});
  EXPECT_EQ(default_count("broker.subscriber-buffer-size"),
            core.subscriber_buffer);
  EXPECT_EQ(default_of("broker.subscriber-overflow-policy"),
            data{to_string(core.subscriber_policy)});
  EXPECT_EQ(default_count("broker.peer-buffer-size"), core.peer_buffer);
  EXPECT_EQ(default_of("broker.peer-overflow-policy"),
            data{to_string(core.peer_policy)});
  EXPECT_EQ(default_count("broker.core-spin-us"),
            static_cast<count>(core.spin.count()));
  EXPECT_EQ(default_count("broker.core-inbox-size"),
            defaults::core_inbox_size);
  EXPECT_EQ(default_duration("broker.core-call-timeout"),
            timespan{core.call_timeout});
  EXPECT_EQ(default_of("broker.in-process-shortcut"), data{core.shortcut});
  auto& t = core.timing;
  EXPECT_EQ(default_duration("broker.handshake-timeout"),
            timespan{t.handshake_timeout});
  EXPECT_EQ(default_duration("broker.heartbeat-interval"),
            timespan{t.heartbeat_interval});
  EXPECT_EQ(default_duration("broker.peer-timeout"), timespan{t.peer_timeout});
  EXPECT_EQ(default_duration("broker.unpeer-timeout"),
            timespan{t.bye_timeout});
  EXPECT_EQ(default_count("broker.routing-update-limit"),
            t.routing_update_limit);
}

TEST(ConfigKeys, StoreDefaultsAreWhatTheStoresApply) {
  auto ch = detail::channel_settings_from(configuration{skip_init});
  EXPECT_EQ(default_duration("broker.store.tick-interval"),
            timespan{ch.tick_interval});
  EXPECT_EQ(default_count("broker.store.heartbeat-interval"),
            ch.heartbeat_interval);
  EXPECT_EQ(default_count("broker.store.nack-timeout"), ch.nack_timeout);
  EXPECT_EQ(default_count("broker.store.connection-timeout"),
            ch.connection_timeout_factor);
}

TEST(ConfigKeys, SettingsReachTheCore) {
  configuration cfg{skip_init};
  cfg.set("broker.ttl", count{7});
  cfg.set("broker.subscriber-overflow-policy", "block");
  cfg.set("broker.peer-overflow-policy", "drop_oldest");
  cfg.set("broker.heartbeat-interval", "250ms");
  cfg.set("broker.peer-timeout", count{3}); // seconds
  cfg.set("broker.unpeer-timeout", real{0.5});
  auto core = detail::core_settings::from(cfg);
  EXPECT_EQ(core.ttl, 7u);
  EXPECT_EQ(core.subscriber_policy, overflow_policy::block);
  EXPECT_EQ(core.peer_policy, overflow_policy::drop_oldest);
  EXPECT_EQ(core.timing.heartbeat_interval, 250ms);
  EXPECT_EQ(core.timing.peer_timeout, 3s);
  EXPECT_EQ(core.timing.bye_timeout, 500ms);
}

TEST(ConfigKeys, DocumentsCarryTheGeneratedTables) {
  // UPDATE_CONFIG_DOCS=1 rewrites the blocks from the table instead.
  bool update = std::getenv("UPDATE_CONFIG_DOCS") != nullptr;
  struct {
    const char* file;
    const char* block;
    std::string text;
  } expected[] = {
    {"docs/configuration.md", "config-keys", markdown_key_table()},
    {"docs/configuration.md", "config-env", markdown_env_table()},
    {"docs/configuration.md", "config-aliases", markdown_alias_table()},
    {"README.md", "config-keys", markdown_key_table()},
  };
  for (auto& x : expected) {
    if (update)
      rewrite_block(x.file, x.block, x.text);
    auto found = block(read_source_file(x.file), x.block);
    ASSERT_TRUE(found) << x.file << " lacks <!-- " << x.block << " -->";
    EXPECT_EQ(*found, x.text)
      << x.file << ": the block " << x.block << " differs from the key "
      << "table; run the test with UPDATE_CONFIG_DOCS=1 to rewrite it";
  }
}

TEST(ConfigKeys, HelpTextLinesFitAConsole) {
  std::istringstream in{help_text()};
  std::string line;
  while (std::getline(in, line)) {
    // Long key names stand on their own line; everything else wraps.
    if (line.rfind("  --", 0) == 0 && line.find("=<") != std::string::npos)
      continue;
    EXPECT_LE(line.size(), 79u) << line;
  }
}
