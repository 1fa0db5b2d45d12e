#pragma once

// Command-line handling shared by the tools (broker-node, broker-pipe,
// broker-benchmark): CLI11 for the tool's own flags, the library's
// configuration for `--broker.*`, `--caf.*` and `--config-file`, and one
// convention for exit codes and error messages (tools/README.md).

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "broker/configuration.hh"

namespace broker::tools {

/// Exit codes of every tool.
enum exit_code : int {
  /// Success, also after SIGINT or SIGTERM.
  exit_ok = 0,
  /// The run failed (listen failed, no peer, a lost peer, a timeout).
  exit_failure = 1,
  /// Bad command line or configuration; nothing was started.
  exit_usage = 2,
};

/// A tool's arguments, sorted: CLI11 parses `cli` (argv[0] first), the
/// library's configuration receives `library` (argv[0] first, then every
/// `--broker.*` and `--caf.*` argument in order).
struct split_arguments {
  std::vector<std::string> cli;
  std::vector<std::string> library;
};

/// Sorts the arguments. Library settings never reach CLI11, which would
/// reject every key it does not know.
split_arguments split_library_arguments(int argc, char** argv);

/// Parses `args` with `app`. `--help` prints the help and exits 0, so does
/// `--library-help` with every key the library knows
/// (configuration::help_text); a usage error prints
/// `<tool>: usage error: <what>` and a hint on stderr and
/// exits with exit_usage.
void parse_or_exit(CLI::App& app, const std::string& tool,
                   std::vector<std::string> args);

/// The flags every tool has for the library's configuration.
struct library_flags {
  /// `--config-file PATH`: passed on as `--config-file=PATH`.
  std::string config_file;
  /// `--library-help` (handled by parse_or_exit, which prints the
  /// library's keys and exits before the tool's flags are checked).
  bool help = false;
};

/// Adds `--config-file PATH` and `--library-help` to `app`.
void add_library_options(CLI::App& app, library_flags& flags);

/// The library configuration from `args` (and `--config-file=<path>` when
/// `flags.config_file` is not empty). Any exception the configuration
/// throws (a bad value) is a usage error: printed and exit_usage.
configuration make_configuration(const std::string& tool,
                                 std::vector<std::string> args,
                                 const library_flags& flags);

/// Prints `<tool>: error: <what>` on stderr.
void print_error(const std::string& tool, const std::string& what);

/// Prints `<tool>: usage error: <what>` and a hint; exits with exit_usage.
[[noreturn]] void usage_error(const std::string& tool,
                              const std::string& what);

/// Flattens list arguments: each may hold several items separated by
/// commas, optionally in CAF's list syntax (`["/a", "/b"]`, as upstream's
/// tools take them). Blanks around items and their quotes are removed;
/// empty items are dropped.
std::vector<std::string> split_lists(const std::vector<std::string>& args);

} // namespace broker::tools
