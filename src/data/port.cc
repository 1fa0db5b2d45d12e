#include "broker/port.hh"

#include "data/hashing.hh"

namespace broker {

namespace {

const char* protocol_suffix(port::protocol proto) {
  switch (proto) {
    case port::protocol::tcp:
      return "tcp";
    case port::protocol::udp:
      return "udp";
    case port::protocol::icmp:
      return "icmp";
    default:
      return "?";
  }
}

} // namespace

size_t port::hash() const noexcept {
  return static_cast<size_t>(
    detail::hash_combine(detail::mix64(num_), static_cast<uint64_t>(proto_)));
}

bool convert(const port& p, std::string& str) {
  str = std::to_string(p.number());
  str += '/';
  str += protocol_suffix(p.type());
  return true;
}

} // namespace broker
