#include "runtime/flare.hh"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace broker::detail {

flare::flare() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "eventfd");
}

flare::~flare() {
  ::close(fd_);
}

void flare::fire() noexcept {
  uint64_t one = 1;
  // Saturating the counter is impossible in practice; EAGAIN would only mean
  // the descriptor is readable already, which is what we want.
  [[maybe_unused]] auto res = ::write(fd_, &one, sizeof(one));
}

void flare::extinguish() noexcept {
  uint64_t value = 0;
  // Reading resets the counter to zero; EAGAIN means it already was.
  [[maybe_unused]] auto res = ::read(fd_, &value, sizeof(value));
}

} // namespace broker::detail
