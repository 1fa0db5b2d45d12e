#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/network_info.hh"

namespace broker::tools {

/// Parses a peer address: `host:port`, `[v6]:port` or `tcp://host:port`
/// (the URI form upstream's broker-node takes). `retry_s` becomes the
/// retry interval (0: one attempt).
std::optional<network_info> parse_peer(std::string str, uint32_t retry_s);

/// Parses a port: `9999` or Zeek's `9999/tcp`; 0 is allowed (any free
/// port).
std::optional<uint16_t> parse_port(const std::string& str);

/// The `--port` and `--peers` flags of a tool: the port to listen on (none
/// if `port` is empty) and the peers, each list flag split at commas;
/// `retry_s` as for parse_peer. A bad one is a usage error of `tool`.
struct network_flags {
  std::optional<uint16_t> local_port;
  std::vector<network_info> peers;
};

network_flags parse_network_flags(const std::string& tool,
                                  const std::string& port,
                                  const std::vector<std::string>& peers,
                                  uint32_t retry_s);

/// Parses `address:port` as a listening point (`--server` of
/// broker-benchmark); an empty address (`:9999`) means all interfaces.
std::optional<std::pair<std::string, uint16_t>>
parse_listen_point(const std::string& str);

} // namespace broker::tools
