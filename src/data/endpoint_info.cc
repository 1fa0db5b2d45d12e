#include "broker/endpoint_info.hh"

#include <limits>
#include <ostream>

#include "broker/data.hh"

namespace broker {

std::string to_string(const endpoint_info& x) {
  std::string result = "endpoint_info(";
  result += x.node ? to_string(x.node) : std::string{"invalid-node"};
  result += ", ";
  if (x.network) {
    result += '*';
    result += to_string(*x.network);
  } else {
    result += "none";
  }
  result += ')';
  return result;
}

bool convert(const endpoint_info& x, std::string& str) {
  str = to_string(x);
  return true;
}

std::ostream& operator<<(std::ostream& out, const endpoint_info& x) {
  return out << to_string(x);
}

namespace {

// Parses the node slot: nil means "no node" (e.g. an unreachable peer).
bool load_node(const data& src, node_id& dst) {
  if (is<none>(src)) {
    dst = node_id{};
    return true;
  }
  auto str = get_if<std::string>(src);
  return str && convert(*str, dst);
}

// Parses the three network slots; all nil means "no network".
bool load_network(const vector& xs, std::optional<network_info>& dst) {
  if (is<none>(xs[1]) && is<none>(xs[2]) && is<none>(xs[3])) {
    dst.reset();
    return true;
  }
  auto addr = get_if<std::string>(xs[1]);
  auto prt = get_if<port>(xs[2]);
  auto retry = get_if<count>(xs[3]);
  using rep = timeout::seconds::rep;
  if (!addr || !prt || !retry
      || *retry > static_cast<count>(std::numeric_limits<rep>::max()))
    return false;
  dst.emplace(*addr, prt->number(),
              timeout::seconds{static_cast<rep>(*retry)});
  return true;
}

} // namespace

bool convert(const data& src, endpoint_info& dst) {
  auto xs = get_if<vector>(src);
  if (!xs || xs->size() != 4)
    return false;
  endpoint_info result;
  if (!load_node((*xs)[0], result.node)
      || !load_network(*xs, result.network))
    return false;
  dst = std::move(result);
  return true;
}

bool convertible_to_endpoint_info(const data& src) {
  endpoint_info tmp;
  return convert(src, tmp);
}

bool convert(const endpoint_info& src, data& dst) {
  vector result;
  result.reserve(4);
  if (src.node)
    result.emplace_back(to_string(src.node));
  else
    result.emplace_back(nil);
  if (src.network) {
    const auto& net = *src.network;
    result.emplace_back(net.address);
    result.emplace_back(port{net.port, port::protocol::tcp});
    auto secs = net.retry.count();
    result.emplace_back(static_cast<count>(secs < 0 ? 0 : secs));
  } else {
    result.resize(4);
  }
  dst = std::move(result);
  return true;
}

} // namespace broker
