#include "broker/time.hh"

#include <cmath>
#include <cstdint>

namespace broker {

namespace {

constexpr double ns_per_second = 1e9;

// 2^63 is exactly representable as a double, which makes it a safe bound.
constexpr double int64_bound = 9223372036854775808.0;

// Converting an out-of-range double to an integer is undefined behaviour, so
// every double -> timespan path goes through this check first. Truncates
// toward zero like std::chrono::duration_cast.
bool seconds_to_ns(double secs, int64_t& ns) {
  double scaled = secs * ns_per_second;
  if (!(scaled >= -int64_bound && scaled < int64_bound))
    return false; // also catches NaN
  ns = static_cast<int64_t>(scaled);
  return true;
}

// The total functions must return something for NaN and infinities; they
// saturate rather than wrap.
timespan saturating_timespan(double secs) {
  int64_t ns = 0;
  if (seconds_to_ns(secs, ns))
    return timespan{ns};
  if (std::isnan(secs))
    return timespan{0};
  return secs < 0 ? timespan::min() : timespan::max();
}

} // namespace

timestamp now() {
  return std::chrono::time_point_cast<timespan>(clock::now());
}

timespan to_timespan(double secs) {
  return saturating_timespan(secs);
}

timestamp to_timestamp(double secs) {
  return timestamp{saturating_timespan(secs)};
}

timespan to_duration(double secs) {
  return saturating_timespan(secs);
}

bool convert(timespan ts, double& secs) {
  secs = std::chrono::duration<double>{ts}.count();
  return true;
}

bool convert(timestamp ts, double& secs) {
  return convert(ts.time_since_epoch(), secs);
}

bool convert(double secs, timespan& ts) {
  int64_t ns = 0;
  if (!seconds_to_ns(secs, ns))
    return false;
  ts = timespan{ns};
  return true;
}

bool convert(double secs, timestamp& ts) {
  timespan since_epoch;
  if (!convert(secs, since_epoch))
    return false;
  ts = timestamp{since_epoch};
  return true;
}

bool convert(timespan ts, std::string& str) {
  str = std::to_string(ts.count());
  str += "ns";
  return true;
}

bool convert(timestamp ts, std::string& str) {
  return convert(ts.time_since_epoch(), str);
}

} // namespace broker
