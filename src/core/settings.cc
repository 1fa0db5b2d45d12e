#include "core/settings.hh"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "broker/convert.hh"
#include "broker/defaults.hh"
#include "data/log_format.hh"

namespace broker::detail {

namespace {

/// The configuration checks policy names when they are set
/// (docs/configuration.md), so an unknown name cannot get here; should one
/// ever, it is an error rather than a silent fallback to the default.
overflow_policy policy_setting(const configuration& cfg, std::string_view key,
                               overflow_policy fallback) {
  overflow_policy result = fallback;
  auto str = cfg.get_string(key, "");
  if (!str.empty() && !convert(str, result))
    throw std::invalid_argument("invalid value for " + std::string{key}
                                + ": '" + str + "' (not a policy name)");
  return result;
}

bool bool_setting(const configuration& cfg, std::string_view key,
                  bool fallback) {
  auto x = cfg.get(key);
  auto b = x ? get_if<boolean>(*x) : nullptr;
  return b ? *b : fallback;
}

/// broker.endpoint-id if set (the configuration accepted only valid ids),
/// else a fresh random id.
node_id endpoint_id(const configuration& cfg) {
  node_id id;
  auto x = cfg.get("broker.endpoint-id");
  auto str = x ? get_if<std::string>(*x) : nullptr;
  if (str && convert(*str, id))
    return id;
  return node_id::random();
}

net::connection_timing timing_settings(const configuration& cfg) {
  using std::chrono::duration_cast;
  using ms = std::chrono::milliseconds;
  net::connection_timing result;
  auto get = [&cfg](const char* key, ms fallback) {
    return duration_cast<ms>(cfg.get_timespan(key, fallback));
  };
  result.handshake_timeout = get("broker.handshake-timeout",
                                 result.handshake_timeout);
  result.heartbeat_interval = std::max(
    ms{1}, get("broker.heartbeat-interval", result.heartbeat_interval));
  result.peer_timeout = get("broker.peer-timeout", result.peer_timeout);
  result.bye_timeout = get("broker.unpeer-timeout", result.bye_timeout);
  result.routing_update_limit = static_cast<uint32_t>(
    std::min<count>(UINT32_MAX, cfg.get_count("broker.routing-update-limit",
                                               result.routing_update_limit)));
  return result;
}

} // namespace

core_settings core_settings::from(const configuration& cfg) {
  core_settings result;
  result.id = endpoint_id(cfg);
  result.name = log_name(result.id);
  result.ttl = static_cast<uint16_t>(
    std::clamp<unsigned>(cfg.options().ttl, 1, UINT16_MAX));
  result.forward = cfg.options().forward;
  result.real_time = cfg.options().use_real_time;
  result.subscriber_buffer = cfg.get_count("broker.subscriber-buffer-size",
                                           defaults::subscriber_buffer_size);
  result.subscriber_policy = policy_setting(
    cfg, "broker.subscriber-overflow-policy", overflow_policy::drop_oldest);
  result.peer_buffer = cfg.get_count("broker.peer-buffer-size",
                                     defaults::peer_buffer_size);
  result.peer_buffer_bytes = cfg.get_count("broker.peer-buffer-bytes",
                                           defaults::peer_buffer_bytes);
  result.peer_policy = policy_setting(cfg, "broker.peer-overflow-policy",
                                      overflow_policy::disconnect);
  result.spin = std::chrono::microseconds{
    cfg.get_count("broker.core-spin-us", defaults::core_spin_us)};
  result.timing = timing_settings(cfg);
  result.call_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
    cfg.get_timespan("broker.core-call-timeout", result.call_timeout));
  result.shortcut = bool_setting(cfg, "broker.in-process-shortcut", true);
  return result;
}

} // namespace broker::detail
