#pragma once

namespace broker::detail {

/// A descriptor that is readable while "lit": the readiness signal behind
/// subscriber::fd() and publisher::fd(). Backed by an eventfd; the owner
/// lights and extinguishes it only on empty/non-empty transitions.
class flare {
public:
  flare();
  ~flare();

  flare(const flare&) = delete;
  flare& operator=(const flare&) = delete;

  int fd() const noexcept { return fd_; }

  /// Makes fd() readable (idempotent).
  void fire() noexcept;

  /// Makes fd() unreadable (idempotent).
  void extinguish() noexcept;

private:
  int fd_;
};

} // namespace broker::detail
