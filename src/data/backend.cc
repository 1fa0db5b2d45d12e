#include "broker/backend.hh"

#include <ostream>

namespace broker {

const char* to_string(backend x) noexcept {
  switch (x) {
    case backend::memory:
      return "memory";
    case backend::sqlite:
      return "sqlite";
  }
  return "invalid";
}

bool convert(const std::string& str, backend& x) {
  for (auto candidate : {backend::memory, backend::sqlite}) {
    if (str == to_string(candidate)) {
      x = candidate;
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& out, backend x) {
  return out << to_string(x);
}

} // namespace broker
