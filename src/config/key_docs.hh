#pragma once

// Texts made from the key table (config/key_table.hh): the `--help` output
// and the markdown tables in docs/configuration.md and README.md.

#include <string>

namespace broker::detail::config {

/// What `--help` prints: every key with its type, default, environment
/// variable and meaning, then the other spellings.
std::string help_text();

/// The markdown table of every key (key, type, default, environment
/// variable, meaning).
std::string markdown_key_table();

/// The markdown table of the BROKER_* environment variables (variable,
/// key, accepted value).
std::string markdown_env_table();

/// The markdown table of the other spellings.
std::string markdown_alias_table();

} // namespace broker::detail::config
