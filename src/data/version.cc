#include "broker/version.hh"

namespace broker::version {

std::string string() {
  auto result = std::to_string(major) + '.' + std::to_string(minor) + '.'
                + std::to_string(patch);
  result += suffix;
  return result;
}

} // namespace broker::version
