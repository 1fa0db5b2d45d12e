#include "cli.hh"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace broker::tools {

namespace {

bool is_library_setting(std::string_view arg) {
  return arg.rfind("--broker.", 0) == 0 || arg.rfind("--caf.", 0) == 0;
}

/// Blanks and one level of matching quotes removed.
std::string trim_item(std::string_view item) {
  constexpr std::string_view blanks = " \t";
  auto first = item.find_first_not_of(blanks);
  if (first == std::string_view::npos)
    return {};
  auto last = item.find_last_not_of(blanks);
  item = item.substr(first, last - first + 1);
  if (item.size() >= 2 && (item.front() == '"' || item.front() == '\'')
      && item.back() == item.front())
    item = item.substr(1, item.size() - 2);
  return std::string{item};
}

std::vector<char*> as_argv(std::vector<std::string>& args) {
  std::vector<char*> result;
  for (auto& arg : args)
    result.push_back(arg.data());
  return result;
}

} // namespace

split_arguments split_library_arguments(int argc, char** argv) {
  split_arguments result;
  result.cli.emplace_back(argv[0]);
  result.library.emplace_back(argv[0]);
  for (int i = 1; i < argc; ++i)
    (is_library_setting(argv[i]) ? result.library : result.cli)
      .emplace_back(argv[i]);
  return result;
}

void parse_or_exit(CLI::App& app, const std::string& tool,
                   std::vector<std::string> args) {
  // Before parsing, as --help: the tool's required flags do not apply.
  if (std::find(args.begin() + 1, args.end(), "--library-help")
      != args.end()) {
    std::fputs(configuration{skip_init}.help_text().c_str(), stdout);
    std::exit(exit_ok);
  }
  auto argv = as_argv(args);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: usage error: %s\nRun '%s --help' for the "
                         "flags.\n",
                 tool.c_str(), e.what(), tool.c_str());
    std::exit(exit_usage);
  }
}

void add_library_options(CLI::App& app, library_flags& flags) {
  app.add_option("--config-file", flags.config_file,
                 "configuration file, passed to the library as "
                 "--config-file=PATH");
  app.add_flag("--library-help", flags.help,
               "print the library's settings (--broker.<key>=<value>) with "
               "their defaults and exit");
}

configuration make_configuration(const std::string& tool,
                                 std::vector<std::string> args,
                                 const library_flags& flags) {
  if (!flags.config_file.empty())
    args.push_back("--config-file=" + flags.config_file);
  auto argv = as_argv(args);
  try {
    return configuration{static_cast<int>(argv.size()), argv.data()};
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: usage error: configuration: %s\n", tool.c_str(),
                 e.what());
    std::exit(exit_usage);
  }
}

void print_error(const std::string& tool, const std::string& what) {
  std::fprintf(stderr, "%s: error: %s\n", tool.c_str(), what.c_str());
  std::fflush(stderr);
}

void usage_error(const std::string& tool, const std::string& what) {
  std::fprintf(stderr, "%s: usage error: %s\nRun '%s --help' for the "
                       "flags.\n",
               tool.c_str(), what.c_str(), tool.c_str());
  std::exit(exit_usage);
}

std::vector<std::string> split_lists(const std::vector<std::string>& args) {
  std::vector<std::string> result;
  for (std::string_view arg : args) {
    if (arg.size() >= 2 && arg.front() == '[' && arg.back() == ']')
      arg = arg.substr(1, arg.size() - 2);
    size_t start = 0;
    for (;;) {
      auto comma = arg.find(',', start);
      auto item = trim_item(arg.substr(start, comma - start));
      if (!item.empty())
        result.push_back(std::move(item));
      if (comma == std::string_view::npos)
        break;
      start = comma + 1;
    }
  }
  return result;
}

} // namespace broker::tools
