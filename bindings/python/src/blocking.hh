#pragma once

// Blocking calls release the GIL and wait in short slices, so that other
// Python threads run meanwhile and Ctrl-C (or any signal handler that
// raises) interrupts a wait that could otherwise last forever.

#include <algorithm>
#include <chrono>
#include <cmath>

#include "broker/detail/deadline.hh"
#include "module.hh"

namespace broker::python {

using steady_deadline = detail::steady_deadline;

/// How long one slice waits before signals are checked again.
inline constexpr auto wait_slice = std::chrono::milliseconds{50};

/// A timeout in seconds as a deadline: <= 0 means "do not wait", infinity
/// (or anything beyond the clock's range) means "forever"; NaN is an error.
inline steady_deadline deadline_after(double secs) {
  if (std::isnan(secs))
    throw py::value_error("a timeout must be a number of seconds, not NaN");
  return detail::to_deadline(std::chrono::duration<double>{secs});
}

/// Calls `step(slice_end)` without the GIL until it returns true or
/// `deadline` has passed; between slices, runs pending signal handlers and
/// propagates their exceptions (KeyboardInterrupt), then calls `check()`
/// (with the GIL), which may throw to abandon the wait. Returns whether
/// `step` succeeded.
template <class Step, class Check>
bool wait_interruptibly(steady_deadline deadline, Step&& step, Check&& check) {
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    auto slice_end = deadline - now > wait_slice ? now + wait_slice : deadline;
    bool done;
    {
      py::gil_scoped_release nogil;
      done = step(slice_end);
    }
    if (done)
      return true;
    if (PyErr_CheckSignals() != 0)
      throw py::error_already_set();
    check();
    if (slice_end >= deadline)
      return false;
  }
}

template <class Step>
bool wait_interruptibly(steady_deadline deadline, Step&& step) {
  return wait_interruptibly(deadline, std::forward<Step>(step), [] {});
}

} // namespace broker::python
