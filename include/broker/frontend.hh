#pragma once

#include <iosfwd>

namespace broker {

/// The role of a store handle. Unscoped and numbered as upstream, which puts
/// `clone` first.
enum frontend {
  clone = 0,
  master = 1,
};

/// Returns "clone" or "master".
const char* to_string(frontend x) noexcept;

std::ostream& operator<<(std::ostream& out, frontend x);

} // namespace broker
