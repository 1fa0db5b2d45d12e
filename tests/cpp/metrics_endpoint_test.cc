// An endpoint's metrics over HTTP (docs/metrics.md): scraped with a plain
// HTTP/1.0 request from a test socket and parsed line by line. Every wait
// polls a condition until a deadline.
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "broker/configuration.hh"
#include "broker/endpoint.hh"
#include "broker/status_subscriber.hh"
#include "broker/store.hh"

using namespace broker;
using namespace std::chrono_literals;

namespace {

/// The response (status line, headers and body) to `GET path`.
std::string http_get(uint16_t port, const std::string& path) {
  asio::io_context io;
  asio::ip::tcp::socket sock{io};
  std::error_code ec;
  sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec)
    return {};
  auto req = "GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n";
  asio::write(sock, asio::buffer(req), ec);
  std::string out;
  asio::read(sock, asio::dynamic_buffer(out), ec); // until EOF
  return out;
}

std::string body_of(const std::string& response) {
  auto pos = response.find("\r\n\r\n");
  return pos == std::string::npos ? "" : response.substr(pos + 4);
}

/// Samples by their full text before the value: `name{labels}`.
std::map<std::string, double> scrape(uint16_t port) {
  std::map<std::string, double> result;
  std::istringstream in{body_of(http_get(port, "/metrics"))};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    auto sp = line.rfind(' ');
    result[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return result;
}

/// Polls `pred` for up to 10 s.
bool eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

configuration metrics_config(std::string name) {
  configuration cfg;
  cfg.set("broker.metrics.port", count{0});
  cfg.set("broker.metrics.address", "127.0.0.1");
  if (!name.empty())
    cfg.set("broker.metrics.endpoint-name", std::move(name));
  return cfg;
}

} // namespace

TEST(MetricsEndpoint, NoServerUnlessConfigured) {
  endpoint ep;
  EXPECT_EQ(ep.metrics_port(), 0);
}

TEST(MetricsEndpoint, ServesCountersPerPeerAndMessageKind) {
  endpoint a{metrics_config("a")};
  endpoint b;
  auto port = a.metrics_port();
  ASSERT_NE(port, 0);
  auto sub = b.make_subscriber({"/m"});
  ASSERT_TRUE(a.peer(b));
  for (int i = 0; i < 10; ++i)
    a.publish("/m", data{count{static_cast<uint64_t>(i)}});
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(sub.get(10s)) << i;
  auto peer = "peer=\"" + to_string(b.node_id()) + "\"";
  std::map<std::string, double> xs;
  ASSERT_TRUE(eventually([&] {
    xs = scrape(port);
    return xs["broker_peer_sent_messages_total{endpoint=\"a\"," + peer + "}"]
           == 10;
  }));
  EXPECT_EQ(xs["broker_processed_messages_total{endpoint=\"a\",type=\"data\"}"],
            10);
  EXPECT_EQ(xs["broker_peer_dropped_messages_total{endpoint=\"a\"," + peer
               + "}"],
            0);
  EXPECT_EQ(xs.count("broker_connections{endpoint=\"a\"}"), 1u);
  auto head = http_get(port, "/metrics");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_NE(head.find("Content-Type: text/plain; version=0.0.4"),
            std::string::npos);
  EXPECT_EQ(http_get(port, "/nothing").rfind("HTTP/1.1 404", 0), 0u);
}

TEST(MetricsEndpoint, StatusReportsPeersSubscribersAndStores) {
  endpoint a{metrics_config("")};
  endpoint b;
  ASSERT_TRUE(a.peer(b));
  auto sub = a.make_subscriber({"/status/test"});
  auto st = a.attach_master("kv", backend::memory);
  ASSERT_TRUE(st);
  st->put("x", 1);
  st->put("y", 2);
  nlohmann::json js;
  ASSERT_TRUE(eventually([&] {
    js = nlohmann::json::parse(
      body_of(http_get(a.metrics_port(), "/v1/status/json")), nullptr, false);
    return js.is_object() && js["masters"].contains("kv")
           && js["masters"]["kv"]["entries"] == 2;
  })) << js.dump(2);
  EXPECT_EQ(js["id"], to_string(a.node_id()));
  auto& peer = js["peerings"][to_string(b.node_id())];
  EXPECT_EQ(peer["state"], "peered");
  EXPECT_EQ(peer["transport"], "memory");
  EXPECT_TRUE(peer["output"].contains("buffered"));
  EXPECT_EQ(js["masters"]["kv"]["operations"]["put"], 2);
  bool found = false;
  for (auto& x : js["local-subscribers"])
    found = found || x["topics"] == nlohmann::json::array({"/status/test"});
  EXPECT_TRUE(found) << js.dump(2);
  auto xs = scrape(a.metrics_port());
  EXPECT_EQ(xs["broker_store_entries{name=\"kv\"}"], 2);
  EXPECT_EQ(xs["broker_store_operations_total{name=\"kv\",role=\"master\","
               "op=\"put\"}"],
            2);
}

// Upstream's store channel gauges: a master with one clone has one output
// channel (to the clone) and one input channel (the clone's writer); the
// clone the mirror image.
TEST(MetricsEndpoint, StoreChannelsAreCounted) {
  endpoint a{metrics_config("")};
  endpoint b{metrics_config("")};
  ASSERT_TRUE(a.peer(b));
  auto master = a.attach_master("ch", backend::memory);
  ASSERT_TRUE(master);
  auto clone = b.attach_clone("ch");
  ASSERT_TRUE(clone);
  clone->put("k", 1); // opens the clone's writer channel
  auto gauge = [](uint16_t port, const char* what) {
    auto xs = scrape(port);
    auto i = xs.find(std::string{"broker_store_"} + what + "{name=\"ch\"}");
    return i == xs.end() ? -1.0 : i->second;
  };
  auto settled = [&] {
    return gauge(a.metrics_port(), "output_channels") == 1
           && gauge(a.metrics_port(), "input_channels") == 1
           && gauge(b.metrics_port(), "input_channels") == 1
           && gauge(b.metrics_port(), "output_channels") == 1
           && gauge(a.metrics_port(), "unacknowledged_updates") == 0
           && gauge(b.metrics_port(), "unacknowledged_updates") == 0;
  };
  EXPECT_TRUE(eventually(settled));
  EXPECT_EQ(gauge(a.metrics_port(), "out_of_order_updates"), 0);
  EXPECT_EQ(gauge(b.metrics_port(), "out_of_order_updates"), 0);
}

TEST(MetricsEndpoint, PortInUseIsAReportedErrorNotACrash) {
  asio::io_context io;
  asio::ip::tcp::acceptor taken{
    io, {asio::ip::make_address("127.0.0.1"), 0}};
  auto port = taken.local_endpoint().port();
  configuration cfg;
  cfg.set("broker.metrics.port", count{port});
  cfg.set("broker.metrics.address", "127.0.0.1");
  endpoint ep{std::move(cfg)};
  EXPECT_EQ(ep.metrics_port(), 0);
  // The error went to the status subscribers before any existed: the
  // endpoint lives on and peers as usual.
  endpoint other;
  EXPECT_TRUE(ep.peer(other));
}

TEST(MetricsEndpoint, ExportsAreImportedAndServedWithTheirEndpointLabel) {
  configuration exporter_cfg;
  exporter_cfg.set("broker.metrics.export.topic", "/metrics/node-a");
  exporter_cfg.set("broker.metrics.export.interval", timespan{50ms});
  exporter_cfg.set("broker.metrics.export.prefixes", vector{"broker"});
  endpoint a{std::move(exporter_cfg)};
  auto cfg = metrics_config("b");
  cfg.set("broker.metrics.import.topics", vector{"/metrics"});
  endpoint b{std::move(cfg)};
  ASSERT_TRUE(b.peer(a));
  std::map<std::string, double> xs;
  ASSERT_TRUE(eventually([&] {
    xs = scrape(b.metrics_port());
    return xs.count("broker_connections{endpoint=\"node-a\"}") > 0;
  }));
  // Both endpoints' metrics, each with its name.
  EXPECT_EQ(xs.count("broker_connections{endpoint=\"b\"}"), 1u);
  EXPECT_GE(xs["broker_processed_messages_total{endpoint=\"node-a\","
               "type=\"data\"}"],
            0);
}

// Upstream's run-time setters: an endpoint configured without metrics
// starts exporting on set_target, with the id, prefixes and interval set.
TEST(MetricsEndpoint, TheExporterStartsAndChangesTheExportAtRunTime) {
  endpoint a;
  endpoint b;
  auto sub = b.make_subscriber({"/metrics"});
  ASSERT_TRUE(b.peer(a));
  auto exporter = a.metrics_exporter();
  exporter.set_interval(timespan{0}); // ignored
  exporter.set_target(topic{""});     // ignored
  exporter.set_prefixes({"broker"});
  exporter.set_id("node-a");
  exporter.set_interval(timespan{50ms});
  exporter.set_target(topic{"/metrics/a"});
  // The layout: [[id, time], [prefix, name, ...], ...] (docs/metrics.md).
  auto is_export_of = [](const data_message& msg, const std::string& id) {
    auto xs = get_if<vector>(get_data(msg));
    auto head = xs && !xs->empty() ? get_if<vector>(xs->front()) : nullptr;
    auto name = head && !head->empty() ? get_if<std::string>(head->front())
                                       : nullptr;
    return name && *name == id;
  };
  auto msg = sub.get(10s);
  ASSERT_TRUE(msg);
  EXPECT_EQ(get_topic(*msg), "/metrics/a");
  EXPECT_TRUE(is_export_of(*msg, "node-a"));
  auto& rows = *get_if<vector>(get_data(*msg));
  ASSERT_GT(rows.size(), 1u);
  for (size_t i = 1; i < rows.size(); ++i)
    EXPECT_EQ(get_if<vector>(rows[i])->front(), data{"broker"});
  exporter.set_id("node-a2");
  ASSERT_TRUE(eventually([&] {
    auto next = sub.get(100ms);
    return next && is_export_of(*next, "node-a2");
  }));
}

