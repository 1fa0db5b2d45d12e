#include "addresses.hh"

#include "cli.hh"

#include <cstdlib>
#include <string_view>

namespace broker::tools {

namespace {

/// A decimal number in [0, 65535] that fills `str` entirely.
std::optional<uint16_t> port_number(const std::string& str) {
  if (str.empty() || str.size() > 5
      || str.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto value = std::strtoul(str.c_str(), nullptr, 10);
  if (value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

/// Splits `host:port` at the last colon; strips the brackets of `[v6]`.
std::optional<std::pair<std::string, std::string>>
split_host_port(const std::string& str) {
  auto colon = str.rfind(':');
  if (colon == std::string::npos)
    return std::nullopt;
  auto host = str.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::make_pair(host, str.substr(colon + 1));
}

} // namespace

std::optional<network_info> parse_peer(std::string str, uint32_t retry_s) {
  constexpr std::string_view scheme = "tcp://";
  if (str.rfind(scheme, 0) == 0)
    str.erase(0, scheme.size());
  auto parts = split_host_port(str);
  if (!parts || parts->first.empty())
    return std::nullopt;
  auto port = port_number(parts->second);
  if (!port || *port == 0)
    return std::nullopt;
  return network_info{parts->first, *port, timeout::seconds{retry_s}};
}

std::optional<uint16_t> parse_port(const std::string& str) {
  auto slash = str.find('/');
  if (slash != std::string::npos && str.substr(slash) != "/tcp")
    return std::nullopt;
  return port_number(str.substr(0, slash));
}

std::optional<std::pair<std::string, uint16_t>>
parse_listen_point(const std::string& str) {
  auto parts = split_host_port(str);
  if (!parts)
    return std::nullopt;
  auto port = parse_port(parts->second);
  if (!port)
    return std::nullopt;
  return std::make_pair(parts->first, *port);
}

network_flags parse_network_flags(const std::string& tool,
                                  const std::string& port,
                                  const std::vector<std::string>& peers,
                                  uint32_t retry_s) {
  network_flags result;
  if (!port.empty()) {
    result.local_port = parse_port(port);
    if (!result.local_port)
      usage_error(tool, "bad port: " + port);
  }
  for (auto& p : split_lists(peers)) {
    auto where = parse_peer(p, retry_s);
    if (!where)
      usage_error(tool, "bad peer address: " + p);
    result.peers.push_back(std::move(*where));
  }
  return result;
}

} // namespace broker::tools
