// Reading the configuration sources: the file, the environment and the
// command line (docs/configuration.md, "Sources").

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include "broker/configuration.hh"
#include "config/config_parser.hh"
#include "config/key_table.hh"

namespace broker {

namespace {

namespace cfg = detail::config;

constexpr std::string_view default_file = "broker.conf";
constexpr std::string_view file_option = "--config-file";
constexpr std::string_view file_error = "Error while reading configuration "
                                        "file: ";
constexpr std::string_view cli_error = "Error while parsing CLI arguments: ";

bool is_help(std::string_view arg) {
  return arg == "--help" || arg == "-h" || arg == "-?";
}

bool starts_with(std::string_view str, std::string_view prefix) {
  return str.substr(0, prefix.size()) == prefix;
}

/// The file a `--config-file=PATH` argument names (the last one counts),
/// or an empty string.
std::string config_file_argument(const std::vector<std::string>& args) {
  std::string result;
  for (auto& arg : args) {
    if (arg == file_option)
      throw std::runtime_error(std::string{cli_error} + "argument " + arg
                               + ": needs a path (--config-file=PATH)");
    if (starts_with(arg, std::string{file_option} + "=")) {
      result = arg.substr(file_option.size() + 1);
      if (result.empty())
        throw std::runtime_error(std::string{cli_error} + "argument " + arg
                                 + ": empty path");
    }
  }
  return result;
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error(std::string{file_error} + path
                             + ": cannot open the file");
  std::string text{std::istreambuf_iterator<char>{in},
                   std::istreambuf_iterator<char>{}};
  if (in.bad())
    throw std::runtime_error(std::string{file_error} + path
                             + ": cannot read the file");
  return text;
}

} // namespace

void configuration::init(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i)
    args.emplace_back(argv[i]);
  for (auto& arg : args) {
    if (is_help(arg)) {
      std::fputs(help_text().c_str(), stdout);
      std::fflush(stdout);
      helptext_printed_ = true;
      return;
    }
  }
  if (auto path = config_file_argument(args); !path.empty()) {
    read_file(path);
  } else if (!options_.ignore_broker_conf) {
    std::error_code err;
    if (std::filesystem::exists(std::string{default_file}, err))
      read_file(std::string{default_file});
  }
  read_environment();
  read_arguments(args);
}

void configuration::read_file(const std::string& path) {
  std::vector<cfg::entry> entries;
  try {
    entries = cfg::parse_file(read_whole_file(path), path);
  } catch (const cfg::syntax_error& err) {
    throw std::runtime_error(std::string{file_error} + err.what());
  }
  for (auto& x : entries) {
    auto origin = path + ":" + std::to_string(x.line) + ":"
                  + std::to_string(x.column);
    try {
      put(std::move(x.key), std::move(x.value), origin, true);
    } catch (const std::invalid_argument& err) {
      throw std::runtime_error(std::string{file_error} + err.what());
    }
  }
}

void configuration::read_environment() {
  for (auto& spec : cfg::keys()) {
    if (spec.env.empty())
      continue;
    auto value = std::getenv(std::string{spec.env}.c_str());
    if (value == nullptr)
      continue;
    // As upstream: a list variable with nothing but commas and blanks
    // leaves the key alone.
    if (spec.type == cfg::value_type::string_list
        && cfg::split_list(value).empty())
      continue;
    put_text(std::string{spec.name}, value,
             "environment variable " + std::string{spec.env});
  }
}

void configuration::read_arguments(const std::vector<std::string>& args) {
  for (auto& arg : args) {
    if (!starts_with(arg, "--") || arg == "--") {
      remainder_.push_back(arg);
      continue;
    }
    if (starts_with(arg, std::string{file_option} + "="))
      continue; // read before the environment
    auto body = std::string_view{arg}.substr(2);
    auto eq = body.find('=');
    auto key = std::string{body.substr(0, eq)};
    auto origin = "argument " + arg;
    try {
      if (eq != std::string_view::npos) {
        put_text(std::move(key), body.substr(eq + 1), origin);
        continue;
      }
      // A bare --key: true for a boolean, missing for anything else.
      auto alias = cfg::find_alias(key);
      auto spec = cfg::find_key(alias ? alias->key : std::string_view{key});
      if (spec && spec->type != cfg::value_type::boolean)
        throw std::invalid_argument(origin + ": needs a value (--" + key
                                    + "=VALUE)");
      put_text(std::move(key), "true", origin);
    } catch (const std::invalid_argument& err) {
      throw std::runtime_error(std::string{cli_error} + err.what());
    }
  }
}

} // namespace broker
