#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

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

/// Endpoint configuration: the `broker_options` plus named settings
/// (`broker.*` keys; see docs/configuration.md).
class configuration {
public:
  configuration();

  explicit configuration(broker_options opts);

  /// Reads `--key=value` arguments (e.g. `--broker.ttl=5`).
  configuration(int argc, char** argv);

  const broker_options& options() const noexcept { return options_; }

  broker_options& options() noexcept { return options_; }

  /// Sets a named setting, e.g. `set("broker.subscriber-buffer-size", 100u)`.
  /// Upstream 2.3+ spellings (e.g. `broker.disable-forwarding`) are stored
  /// under our key, inverted where their meaning is (docs/configuration.md).
  void set(std::string key, data value);

  /// The value of a named setting, or nullptr. Accepts the 2.3+ spellings
  /// too, reading the value in their sense.
  const data* get(std::string_view key) const;

  /// A count setting, falling back to `fallback` when unset or mistyped.
  uint64_t get_count(std::string_view key, uint64_t fallback) const;

  /// A string setting, falling back to `fallback` when unset or mistyped.
  std::string get_string(std::string_view key, std::string fallback) const;

  /// A duration setting: a timespan, a string such as "500ms" or "10s", or
  /// a number of seconds; `fallback` when unset or mistyped.
  timespan get_timespan(std::string_view key, timespan fallback) const;

  const std::map<std::string, data, std::less<>>& settings() const noexcept {
    return settings_;
  }

private:
  /// Mirrors a setting that upstream binds to a `broker_options` member.
  void bind_option(std::string_view key, const data& value);

  broker_options options_;
  std::map<std::string, data, std::less<>> settings_;
};

} // namespace broker
