#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace broker::tools {

/// A live progress line on stderr, drawn only when stderr is a terminal
/// (scripts that capture stderr never see it). update() redraws at most
/// four times a second; clear() erases the line before other output or at
/// the end.
class progress_line {
public:
  using clock = std::chrono::steady_clock;

  progress_line();

  bool enabled() const noexcept { return enabled_; }

  /// Redraws with `text()` if the last redraw is old enough.
  void update(const std::function<std::string()>& text);

  void clear();

private:
  bool enabled_;
  bool drawn_ = false;
  clock::time_point last_;
};

/// Seconds since `start` as a double.
double seconds_since(std::chrono::steady_clock::time_point start);

/// `n / secs`, or 0 for an empty interval.
double per_second(double n, double secs);

/// A compact quantity: 950, 12.3k, 4.56M, 7.89G.
std::string compact(double x);

} // namespace broker::tools
