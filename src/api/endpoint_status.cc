// The status report of GET /v1/status/json (docs/metrics.md, "Status"):
// upstream 2.6's keys where it has them (id, time, native-connections,
// message-metrics, peerings, masters, clones), ours beside them.
#include "api/endpoint_metrics.hh"

#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "broker/convert.hh"

namespace broker::detail {

namespace {

using namespace std::string_literals;

vector topics_of(const filter_type& xs) {
  vector result;
  for (auto& t : xs)
    result.emplace_back(t.string());
  return result;
}

data peering(const peer_stats& peer) {
  table input;
  input.emplace("messages"s, peer.traffic.messages_in);
  input.emplace("bytes"s, peer.bytes_in);
  table output;
  output.emplace("messages"s, peer.traffic.messages_out);
  output.emplace("bytes"s, peer.bytes_out);
  output.emplace("buffered"s, count{peer.buffered});
  output.emplace("capacity"s, count{peer.capacity});
  output.emplace("dropped"s, peer.traffic.dropped);
  table result;
  result.emplace("address"s, peer.address ? to_string(*peer.address) : ""s);
  result.emplace("state"s, peer.state);
  result.emplace("outbound"s, peer.outbound);
  result.emplace("transport"s, peer.tcp ? "tcp"s : "memory"s);
  result.emplace("input"s, std::move(input));
  result.emplace("output"s, std::move(output));
  result.emplace("filter"s, topics_of(peer.filter));
  return result;
}

data subscriber(const subscriber_stats& sub) {
  table result;
  result.emplace("id"s, count{sub.id});
  result.emplace("kind"s, sub.store ? "store"s : "data"s);
  result.emplace("topics"s, topics_of(sub.topics));
  result.emplace("buffered"s, count{sub.buffered});
  result.emplace("capacity"s, count{sub.capacity});
  result.emplace("dropped"s, count{sub.dropped});
  return result;
}

data store_entry(const store_summary& st) {
  table ops;
  for (size_t i = 0; i < store_op_count; ++i)
    ops.emplace(to_string(static_cast<store_op>(i)), st.operations[i]);
  table result;
  result.emplace("entries"s, st.entries);
  result.emplace("processed-updates"s, st.updates);
  result.emplace("operations"s, std::move(ops));
  return result;
}

table message_metrics(const core_stats& stats) {
  table result;
  for (size_t i = 0; i < message_kind_count; ++i) {
    table vals;
    vals.emplace("processed"s, stats.processed[i]);
    result.emplace(to_string(static_cast<message_kind>(i)), std::move(vals));
  }
  return result;
}

/// UTC with milliseconds, e.g. 2026-12-06T13:58:01.123Z.
std::string iso_time(timestamp t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm parts{};
  gmtime_r(&secs, &parts);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ",
                static_cast<int>(ms % 1000));
  return buf;
}

} // namespace

data endpoint_metrics::status() {
  auto stats = core_->stats();
  table peerings;
  for (auto& peer : stats.peers)
    peerings.emplace(to_string(peer.id), peering(peer));
  vector subscribers;
  for (auto& sub : stats.subscribers)
    subscribers.push_back(subscriber(sub));
  table masters;
  table clones;
  for (auto& st : stores_.stats())
    (st.kind == frontend::master ? masters : clones)
      .emplace(st.name, store_entry(st));
  table result;
  auto add = [&result](std::string key, data value) {
    result.emplace(std::move(key), std::move(value));
  };
  add("id", to_string(stats.id));
  add("endpoint-name", name_);
  // Upstream reports the Zeek cluster node name from the environment.
  auto node = std::getenv("CLUSTER_NODE");
  add("cluster-node", node ? node : "unknown");
  add("time", iso_time(broker::now()));
  add("native-connections", count{stats.connections});
  add("message-metrics", message_metrics(stats));
  add("peerings", std::move(peerings));
  add("subscriptions", topics_of(stats.advertised));
  add("local-subscribers", std::move(subscribers));
  add("masters", std::move(masters));
  add("clones", std::move(clones));
  return result;
}

} // namespace broker::detail
