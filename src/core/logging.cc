#include "core/logging.hh"

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

} // namespace

void apply_log_settings(const configuration& cfg) {
  log::sink_settings settings;
  // The configuration carries BROKER_CONSOLE_VERBOSITY and
  // BROKER_FILE_VERBOSITY under these keys (docs/configuration.md).
  settings.console = configured_verbosity(cfg, console_key);
  settings.file = configured_verbosity(cfg, file_key);
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
