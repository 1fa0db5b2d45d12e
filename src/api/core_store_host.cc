#include "api/core_store_host.hh"

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace broker::detail {

channel::settings channel_settings_from(const configuration& cfg) {
  using channel::settings;
  using std::chrono::milliseconds;
  auto ticks = [&cfg](std::string_view key, uint16_t fallback) {
    auto x = cfg.get_count(key, fallback);
    return static_cast<uint16_t>(std::clamp<uint64_t>(x, 1, UINT16_MAX));
  };
  settings result;
  result.tick_interval = std::max(
    milliseconds{1},
    std::chrono::duration_cast<milliseconds>(cfg.get_timespan(
      settings::tick_interval_key, settings::default_tick_interval)));
  result.heartbeat_interval = ticks(settings::heartbeat_interval_key,
                                    settings::default_heartbeat_interval);
  result.nack_timeout = ticks(settings::nack_timeout_key,
                              settings::default_nack_timeout);
  result.connection_timeout_factor = ticks(
    settings::connection_timeout_key,
    settings::default_connection_timeout_factor);
  return result;
}

} // namespace broker::detail
