#include "broker/publisher_id.hh"

#include <ostream>

#include "data/hashing.hh"

namespace broker {

size_t publisher_id::hash() const noexcept {
  return static_cast<size_t>(detail::hash_combine(endpoint.hash(), object));
}

std::string to_string(const publisher_id& x) {
  std::string result;
  convert(x, result);
  return result;
}

bool convert(const publisher_id& x, std::string& str) {
  if (!x) {
    str = "none";
    return true;
  }
  str = std::to_string(x.object);
  str += '@';
  str += to_string(x.endpoint);
  return true;
}

std::ostream& operator<<(std::ostream& out, const publisher_id& x) {
  return out << to_string(x);
}

} // namespace broker
