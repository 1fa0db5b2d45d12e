#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace broker {

/// The clock that anchors timestamps (UNIX epoch).
using clock = std::chrono::system_clock;

/// A relative duration with nanosecond resolution.
using timespan = std::chrono::duration<int64_t, std::nano>;

/// An absolute point in time since the UNIX epoch.
using timestamp = std::chrono::time_point<clock, timespan>;

/// Returns the current wall-clock time.
timestamp now();

/// Converts (fractional) seconds to a timespan.
timespan to_timespan(double secs);

/// Converts (fractional) seconds since the epoch to a timestamp.
timestamp to_timestamp(double secs);

/// Converts (fractional) seconds to a timespan (alias of `to_timespan`).
timespan to_duration(double secs);

bool convert(timespan ts, double& secs);
bool convert(timestamp ts, double& secs);
bool convert(double secs, timespan& ts);
bool convert(double secs, timestamp& ts);

/// Renders `<n>ns`.
bool convert(timespan ts, std::string& str);

/// Renders the nanoseconds since the epoch as `<n>ns`.
bool convert(timestamp ts, std::string& str);

/// Parses `<n><unit>` with unit one of ns, us, ms, s, min, mins, h, hrs.
bool convert(const std::string& str, timespan& ts);

/// Parses the nanoseconds since the epoch in the form `<n>ns` (or any unit
/// accepted for timespan).
bool convert(const std::string& str, timestamp& ts);

} // namespace broker
