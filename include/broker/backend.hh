#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace broker {

/// The storage engines a master can keep its data in. The numbers are part
/// of the API (Python bindings); upstream 2.1 removed RocksDB (value 2).
enum class backend : uint8_t {
  memory = 0,
  sqlite = 1,
};

/// Returns "memory" or "sqlite".
const char* to_string(backend x) noexcept;

/// Parses "memory" or "sqlite".
bool convert(const std::string& str, backend& x);

std::ostream& operator<<(std::ostream& out, backend x);

} // namespace broker
