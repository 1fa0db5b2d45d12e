#include "broker/peer_info.hh"

#include <iterator>
#include <ostream>
#include <utility>

namespace broker {

namespace {

// Indexed by the numeric value of peer_status.
constexpr const char* peer_status_names[] = {
  "initialized", "connecting",   "connected",
  "peered",      "disconnected", "reconnecting",
};

} // namespace

std::string to_string(peer_flags x) {
  static constexpr std::pair<peer_flags, const char*> names[] = {
    {peer_flags::local, "local"},
    {peer_flags::remote, "remote"},
    {peer_flags::outbound, "outbound"},
    {peer_flags::inbound, "inbound"},
  };
  std::string result;
  for (const auto& [flag, name] : names) {
    if (!has_flag(x, flag))
      continue;
    if (!result.empty())
      result += '|';
    result += name;
  }
  return result.empty() ? std::string{"invalid"} : result;
}

const char* to_string(peer_status x) noexcept {
  auto index = static_cast<size_t>(x);
  if (index < std::size(peer_status_names))
    return peer_status_names[index];
  return "<unknown>";
}

bool convert(peer_status x, std::string& str) {
  str = to_string(x);
  return true;
}

bool convert(const std::string& str, peer_status& x) {
  for (size_t i = 0; i < std::size(peer_status_names); ++i) {
    if (str == peer_status_names[i]) {
      x = static_cast<peer_status>(i);
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& out, peer_status x) {
  return out << to_string(x);
}

std::string to_string(const peer_info& x) {
  std::string result = "peer_info(";
  result += to_string(x.peer);
  result += ", ";
  result += to_string(x.flags);
  result += ", ";
  result += to_string(x.status);
  result += ')';
  return result;
}

std::ostream& operator<<(std::ostream& out, const peer_info& x) {
  return out << to_string(x);
}

} // namespace broker
