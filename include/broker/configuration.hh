#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/data.hh"
#include "broker/defaults.hh"
#include "broker/time.hh"

namespace broker {

/// The options upstream Broker binds directly to struct members.
struct broker_options {
  /// Peer without TLS.
  bool disable_ssl = false;
  /// Relay messages received from peers to other peers.
  bool forward = true;
  /// Hops a message published here may travel.
  unsigned int ttl = defaults::ttl;
  /// Use the wall clock; false = a simulated clock moved by advance_time().
  bool use_real_time = true;
  /// Skip reading broker.conf.
  bool ignore_broker_conf = false;
};

/// What happens when a local subscriber's buffer is full.
enum class overflow_policy : uint8_t {
  /// Discard the oldest buffered message (default for subscribers).
  drop_oldest,
  /// Discard the incoming message.
  drop_newest,
  /// Stall the endpoint's core until the reader catches up (lossless, as
  /// upstream, but one slow reader then slows everything).
  block,
  /// Drop the connection (peers only).
  disconnect,
};

const char* to_string(overflow_policy policy) noexcept;

bool convert(const std::string& str, overflow_policy& policy);

/// Selects the constructor that reads no configuration sources.
struct skip_init_t {
  explicit skip_init_t() = default;
};

inline constexpr skip_init_t skip_init{};

/// Endpoint configuration: the `broker_options` plus named settings
/// (`broker.*` keys; docs/configuration.md lists them all).
///
/// Settings come from four sources; a later one overrides an earlier one:
/// 1. the defaults (and the `broker_options` given to the constructor),
/// 2. the file `broker.conf` in the working directory, or the file named by
///    a `--config-file=PATH` argument (`broker_options::ignore_broker_conf`
///    skips `broker.conf`, not an explicit `--config-file`),
/// 3. the `BROKER_*` environment variables (e.g. `BROKER_CONSOLE_VERBOSITY`),
/// 4. `--key=value` command-line arguments.
/// `set()` after construction overrides them all.
///
/// A key this library does not know is stored and reported as a warning
/// (see `set_warning_handler`). A bad value for a known key is an error
/// that names the key, the value and its source: `std::runtime_error` for
/// the file and the command line, `std::invalid_argument` for environment
/// variables and `set()`.
class configuration {
public:
  /// Receives warnings about configuration sources (unknown keys).
  using warning_handler = std::function<void(const std::string&)>;

  /// Reads `broker.conf` and the environment.
  configuration();

  /// Starts from `opts`, then reads `broker.conf` (unless
  /// `opts.ignore_broker_conf`) and the environment.
  explicit configuration(broker_options opts);

  /// Reads `broker.conf` (or `--config-file=PATH`), the environment and
  /// the arguments (`--broker.ttl=5`, ...; argv[0] is skipped). With
  /// `--help` (or `-h`, `-?`) it prints `help_text()` to stdout instead and
  /// reads nothing; an endpoint made from it then exits with status 0.
  configuration(int argc, char** argv);

  /// Reads no source: the defaults and whatever `set()` adds. `init()`
  /// may read the sources later.
  explicit configuration(skip_init_t);

  /// Reads the sources as `configuration(argc, argv)` does, on top of what
  /// this configuration holds (argv may be null when argc is 0).
  void init(int argc, char** argv);

  const broker_options& options() const noexcept { return options_; }

  broker_options& options() noexcept { return options_; }

  /// Every known key with its type, default, environment variable and
  /// meaning, and the other spellings of keys.
  std::string help_text() const;

  /// Whether `--help` printed the help text (upstream's name).
  bool cli_helptext_printed() const noexcept { return helptext_printed_; }

  /// The arguments that were not settings (those not starting with `--`).
  const std::vector<std::string>& remainder() const noexcept {
    return remainder_;
  }

  /// The warnings reading the sources raised, in order.
  const std::vector<std::string>& warnings() const noexcept {
    return warnings_;
  }

  /// Where warnings go besides `warnings()`; by default to stderr, one
  /// line each. A null handler restores that. Returns the previous one.
  /// Process-wide; the handler runs under a lock and must not call this.
  static warning_handler set_warning_handler(warning_handler handler);

  /// Sets a named setting, e.g. `set("broker.subscriber-buffer-size", 100u)`.
  /// Other spellings (upstream 2.3+ `broker.disable-forwarding`, 2.1
  /// `caf.openssl.*`, ...) are stored under our key, inverted where their
  /// meaning is. A known key takes only a valid value (throws
  /// `std::invalid_argument` otherwise) and stores it in the key's form (a
  /// duration as `timespan`, a count as `count`); an unknown key is stored
  /// as given, without a warning.
  void set(std::string key, data value);

  /// The value of a named setting, or nullptr. Accepts the other spellings
  /// too, reading the value in their sense.
  const data* get(std::string_view key) const;

  /// A count setting (or a non-negative integer), or `fallback` when unset
  /// or of another type.
  uint64_t get_count(std::string_view key, uint64_t fallback) const;

  /// A string setting, or `fallback` when unset or of another type.
  std::string get_string(std::string_view key, std::string fallback) const;

  /// A duration setting: a timespan, a string such as "500ms" or "10s", or
  /// a number of seconds; `fallback` when unset or of another type. (Known
  /// keys always hold a timespan.)
  timespan get_timespan(std::string_view key, timespan fallback) const;

  const std::map<std::string, data, std::less<>>& settings() const noexcept {
    return settings_;
  }

private:
  /// Stores a value from a source (a file entry or `set()`); `origin` names
  /// the source in the error (`std::invalid_argument`) for a bad value.
  /// Unknown keys are reported as warnings when `warn_unknown`.
  void put(std::string key, data value, const std::string& origin,
           bool warn_unknown);

  /// Stores the text of an environment variable or argument, read as the
  /// key's type requires; errors and warnings as `put`.
  void put_text(std::string key, std::string_view text,
                const std::string& origin);

  void read_file(const std::string& path);

  void read_environment();

  void read_arguments(const std::vector<std::string>& args);

  void warn(std::string message);

  /// Mirrors a setting that upstream binds to a `broker_options` member.
  void bind_option(std::string_view key, const data& value);

  broker_options options_;
  std::map<std::string, data, std::less<>> settings_;
  std::vector<std::string> remainder_;
  std::vector<std::string> warnings_;
  bool helptext_printed_ = false;
};

} // namespace broker
