#pragma once

// The library's log (docs/logging.md): one process-wide logger with a
// console sink (stderr) and a file sink, each with a verbosity of its own.
// spdlog sits behind log.cc; what the other layers see is this header: the
// levels, the check `enabled()` and the BROKER_<LEVEL> macros.
//
// A macro checks the level before it evaluates its arguments: with the
// level off, a log statement costs one relaxed load of an atomic and a
// branch predicted not taken, and formats or allocates nothing.

#include <fmt/format.h>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace broker::log {

/// The verbosities of the manual (§2.1.4), most detailed first; a sink
/// writes the lines at its level and above. `quiet` writes nothing.
enum class level : int {
  trace = 0,
  debug = 1,
  info = 2,
  warning = 3,
  error = 4,
  quiet = 5,
};

/// The name of a level, as the configuration spells it.
const char* to_string(level lvl) noexcept;

/// Parses a level name (trace, debug, info, warning, error, quiet; in any
/// letter case); nullopt for anything else.
std::optional<level> parse_level(std::string_view name) noexcept;

/// The names parse_level accepts, for error messages.
const char* level_names() noexcept;

/// The most detailed level any sink writes now (`quiet` when none writes).
/// Written by configure(), read by every log statement.
extern std::atomic<int> threshold;

/// Whether a line at `lvl` would go anywhere.
inline bool enabled(level lvl) noexcept {
  return static_cast<int>(lvl) >= threshold.load(std::memory_order_relaxed);
}

/// Where a log statement is.
struct source {
  const char* file;
  int line;
  /// The compiler's full name of the function (__PRETTY_FUNCTION__); the
  /// file sink shortens it to class::function.
  const char* function;
};

/// Writes one finished line to the sinks whose level admits `lvl`.
void write(level lvl, const source& where, std::string_view msg);

/// What an endpoint's configuration says about the sinks. An unset field
/// leaves the sink as it is (see configure()).
struct sink_settings {
  std::optional<level> console;
  std::optional<level> file;
  /// The file's name; `[PID]` and `[TIMESTAMP]` are replaced.
  std::optional<std::string> file_path;
};

/// The file name of the default file log (REFERENCE.md §3).
inline constexpr const char* default_file_path = "broker_[PID]_[TIMESTAMP].log";

/// Applies settings to the process-wide sinks: what is set replaces what
/// an earlier call set, what is unset stays. Opens the file when its level
/// leaves `quiet` (and reopens it when the path changes); a file that
/// cannot be opened is reported as an error on the console.
void configure(const sink_settings& settings);

/// The current console and file levels.
level console_level() noexcept;
level file_level() noexcept;

/// The name of the open log file, or empty.
std::string file_name();

/// Writes buffered file lines out (the file flushes on its own at `info`
/// and above; finer lines may wait in the buffer until then).
void flush();

/// Back to the defaults: console `error`, file `quiet` and closed. For
/// tests.
void reset();

/// Replaces `[PID]` and `[TIMESTAMP]` in a file name template.
std::string resolve_path(std::string_view path_template);

} // namespace broker::log

/// The statements: BROKER_INFO("listening on {}:{}", address, port). The
/// format string is checked at compile time (fmt's FMT_STRING).
/// The formatting and writing sit in a lambda that is never inlined and
/// marked cold: the function around a statement keeps only the check
/// inline, and the compiler lays the rest out away from the hot code.
#define BROKER_LOG(lvl, format_string, ...)                                    \
  do {                                                                         \
    if (__builtin_expect(::broker::log::enabled(lvl), 0))                      \
      [&]() __attribute__((noinline, cold)) {                                  \
        ::broker::log::write(                                                  \
          lvl,                                                                 \
          ::broker::log::source{__FILE__, __LINE__, __PRETTY_FUNCTION__},      \
          ::fmt::format(FMT_STRING(format_string), ##__VA_ARGS__));            \
      }();                                                                     \
  } while (false)

#define BROKER_TRACE(...) BROKER_LOG(::broker::log::level::trace, __VA_ARGS__)
#define BROKER_DEBUG(...) BROKER_LOG(::broker::log::level::debug, __VA_ARGS__)
#define BROKER_INFO(...) BROKER_LOG(::broker::log::level::info, __VA_ARGS__)
#define BROKER_WARNING(...)                                                    \
  BROKER_LOG(::broker::log::level::warning, __VA_ARGS__)
#define BROKER_ERROR(...) BROKER_LOG(::broker::log::level::error, __VA_ARGS__)
