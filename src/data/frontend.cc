#include "broker/frontend.hh"

#include <ostream>

namespace broker {

const char* to_string(frontend x) noexcept {
  switch (x) {
    case clone:
      return "clone";
    case master:
      return "master";
  }
  return "invalid";
}

std::ostream& operator<<(std::ostream& out, frontend x) {
  return out << to_string(x);
}

} // namespace broker
