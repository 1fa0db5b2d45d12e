#include "broker/network_info.hh"

#include <ostream>

namespace broker {

std::string to_string(const network_info& x) {
  std::string result = x.address;
  result += ':';
  result += std::to_string(x.port);
  return result;
}

bool convert(const network_info& x, std::string& str) {
  str = to_string(x);
  return true;
}

std::ostream& operator<<(std::ostream& out, const network_info& x) {
  return out << to_string(x);
}

} // namespace broker
