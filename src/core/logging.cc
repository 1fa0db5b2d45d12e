#include "core/logging.hh"

#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "log/log.hh"

namespace broker::detail {

namespace {

constexpr const char* console_key = "caf.logger.console.verbosity";
constexpr const char* file_key = "caf.logger.file.verbosity";
constexpr const char* path_key = "caf.logger.file.path";

log::level parse_or_throw(const std::string& value, const std::string& where) {
  if (auto lvl = log::parse_level(value))
    return *lvl;
  throw std::invalid_argument(where + ": invalid verbosity '" + value
                              + "' (expected " + log::level_names() + ")");
}

// ---------------------------------------------------------------------------
// TEMPORARY FALLBACK, to be removed once src/config reads the environment
// (issue 14, item 1): until then the configuration does not carry
// BROKER_CONSOLE_VERBOSITY / BROKER_FILE_VERBOSITY, so the manual's advice
// (§2.1.4) is honoured here. A key set in the configuration (API, command
// line) wins over the variable.
std::optional<log::level> verbosity_from_environment(const char* variable) {
  auto value = std::getenv(variable);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return parse_or_throw(value, std::string{"environment variable "} + variable);
}
// ---------------------------------------------------------------------------

/// The verbosity under `key`, if the configuration sets it.
std::optional<log::level> configured_verbosity(const configuration& cfg,
                                               const char* key) {
  auto x = cfg.get(key);
  if (x == nullptr)
    return std::nullopt;
  auto value = cfg.get_string(key, "");
  if (get_if<std::string>(*x) == nullptr)
    throw std::invalid_argument(std::string{key} + ": invalid verbosity '"
                                + to_string(*x) + "' (expected "
                                + log::level_names() + ")");
  return parse_or_throw(value, key);
}

std::optional<log::level> verbosity(const configuration& cfg, const char* key,
                                    const char* variable) {
  if (auto lvl = configured_verbosity(cfg, key))
    return lvl;
  return verbosity_from_environment(variable);
}

} // namespace

void apply_log_settings(const configuration& cfg) {
  log::sink_settings settings;
  settings.console = verbosity(cfg, console_key, "BROKER_CONSOLE_VERBOSITY");
  settings.file = verbosity(cfg, file_key, "BROKER_FILE_VERBOSITY");
  if (auto x = cfg.get(path_key)) {
    auto path = get_if<std::string>(*x);
    if (path == nullptr || path->empty())
      throw std::invalid_argument(std::string{path_key}
                                  + ": invalid file name '" + to_string(*x)
                                  + "' (expected a string)");
    settings.file_path = *path;
  }
  log::configure(settings);
}

} // namespace broker::detail
