// The process-wide logger over spdlog (docs/logging.md). One spdlog logger
// that lets every line through to two sinks, each filtering by its own
// level: stderr (upstream's console layout) and a file slot, a distributing
// sink that holds the file sink while the file is open. Both sinks lock on
// their own, so log statements from any thread are safe, and configure()
// changes levels and files while other threads log.
#include "log/log.hh"

#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <unistd.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <mutex>

#include "log/formatters.hh"

namespace broker::log {

std::atomic<int> threshold{static_cast<int>(level::error)};

namespace {

constexpr const char* names[] = {"trace", "debug",   "info",
                                 "warning", "error", "quiet"};

/// Upstream's console layout is `[component/level] date message`.
constexpr const char* console_pattern
  = "[broker/%^%l%$] %Y-%m-%dT%H:%M:%S.%e %v";

spdlog::level::level_enum to_spdlog(level lvl) {
  switch (lvl) {
    case level::trace:
      return spdlog::level::trace;
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warning:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
    default:
      return spdlog::level::off;
  }
}

/// The sinks and what configure() last made of them.
struct state {
  std::mutex mtx; // configure() and the file's bookkeeping
  std::shared_ptr<spdlog::sinks::stderr_color_sink_mt> console;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> file_slot;
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<level> console_level{level::error};
  std::atomic<level> file_level{level::quiet};
  std::string path_template{default_file_path};
  std::string file_name; // empty while no file is open

  state() {
    console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern(console_pattern);
    console->set_level(to_spdlog(level::error));
    file_slot = std::make_shared<spdlog::sinks::dist_sink_mt>();
    file_slot->set_level(spdlog::level::off);
    logger = std::make_shared<spdlog::logger>(
      "broker", spdlog::sinks_init_list{console, file_slot});
    logger->set_level(spdlog::level::trace); // the sinks filter
    logger->flush_on(spdlog::level::info);
  }

  void update_threshold() {
    auto lowest = std::min(console_level.load(), file_level.load());
    threshold.store(static_cast<int>(lowest), std::memory_order_relaxed);
  }

  /// Opens the file for `path` (a template) unless it is open already.
  bool open_file(const std::string& path) {
    if (!file_name.empty() && path == path_template)
      return true;
    auto name = resolve_path(path);
    std::shared_ptr<spdlog::sinks::basic_file_sink_mt> sink;
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(name);
    } catch (const std::exception& ex) {
      logger->log(spdlog::level::err, "cannot open the log file {}: {}", name,
                  ex.what());
      return false;
    }
    sink->set_formatter(make_file_formatter());
    file_slot->set_sinks({sink});
    path_template = path;
    file_name = name;
    return true;
  }

  void close_file() {
    file_slot->set_sinks({});
    file_name.clear();
  }
};

/// Never destroyed: threads may still log while static objects go away at
/// exit (exit() flushes the file's stdio buffer).
state& instance() {
  static auto* result = new state;
  return *result;
}

} // namespace

const char* to_string(level lvl) noexcept {
  return names[static_cast<int>(lvl)];
}

std::optional<level> parse_level(std::string_view name) noexcept {
  for (int i = 0; i < static_cast<int>(std::size(names)); ++i) {
    std::string_view candidate{names[i]};
    if (candidate.size() != name.size())
      continue;
    bool same = true;
    for (size_t j = 0; j < name.size() && same; ++j)
      same = std::tolower(static_cast<unsigned char>(name[j])) == candidate[j];
    if (same)
      return static_cast<level>(i);
  }
  return std::nullopt;
}

const char* level_names() noexcept {
  return "quiet, error, warning, info, debug or trace";
}

void write(level lvl, const source& where, std::string_view msg) {
  auto& st = instance();
  st.logger->log(spdlog::source_loc{where.file, where.line, where.function},
                 to_spdlog(lvl), spdlog::string_view_t{msg.data(), msg.size()});
}

void configure(const sink_settings& settings) {
  auto& st = instance();
  std::lock_guard guard{st.mtx};
  if (settings.console) {
    st.console->set_level(to_spdlog(*settings.console));
    st.console_level = *settings.console;
  }
  auto file = settings.file.value_or(st.file_level.load());
  auto path = settings.file_path.value_or(st.path_template);
  if (file == level::quiet) {
    st.close_file();
    st.path_template = path;
  } else if (!st.open_file(path)) {
    file = level::quiet;
  }
  st.file_slot->set_level(to_spdlog(file));
  st.file_level = file;
  st.update_threshold();
}

level console_level() noexcept {
  return instance().console_level.load();
}

level file_level() noexcept {
  return instance().file_level.load();
}

std::string file_name() {
  auto& st = instance();
  std::lock_guard guard{st.mtx};
  return st.file_name;
}

void flush() {
  instance().logger->flush();
}

void reset() {
  configure(sink_settings{level::error, level::quiet,
                          std::string{default_file_path}});
}

std::string resolve_path(std::string_view path_template) {
  std::string result{path_template};
  auto replace = [&result](std::string_view what, const std::string& by) {
    for (auto pos = result.find(what); pos != std::string::npos;
         pos = result.find(what, pos + by.size()))
      result.replace(pos, what.size(), by);
  };
  replace("[PID]", std::to_string(::getpid()));
  char stamp[32];
  auto now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%S", &local);
  replace("[TIMESTAMP]", stamp);
  return result;
}

} // namespace broker::log
