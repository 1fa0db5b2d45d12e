// The metrics layer without an endpoint: Prometheus' text format, the
// export layout (upstream's), and the collector of imported exports.
#include <gtest/gtest.h>

#include "broker/data.hh"
#include "metrics/metric_collector.hh"
#include "metrics/metric_export.hh"
#include "metrics/metric_set.hh"
#include "metrics/prometheus_text.hh"
#include "metrics/status_json.hh"

using namespace broker;
using namespace broker::detail::metrics;

namespace {

metric_set sample_set() {
  metric_set xs;
  xs.add("broker_connections", "Number of active network connections.",
         metric_type::gauge, {}, 2);
  xs.add("broker_processed_messages_total", "Total number of processed "
         "messages.", metric_type::counter, {{"type", "data"}}, 42);
  xs.add("broker_processed_messages_total", "ignored: family exists",
         metric_type::counter, {{"type", "ping"}}, 7);
  xs.add("zeek_events_total", "Zeek events.", metric_type::counter, {}, 1);
  return xs;
}

} // namespace

TEST(MetricsText, FamiliesWithHelpTypeAndSamples) {
  EXPECT_EQ(prometheus_text(sample_set()),
            "# HELP broker_connections Number of active network connections.\n"
            "# TYPE broker_connections gauge\n"
            "broker_connections 2\n"
            "# HELP broker_processed_messages_total Total number of processed "
            "messages.\n"
            "# TYPE broker_processed_messages_total counter\n"
            "broker_processed_messages_total{type=\"data\"} 42\n"
            "broker_processed_messages_total{type=\"ping\"} 7\n"
            "# HELP zeek_events_total Zeek events.\n"
            "# TYPE zeek_events_total counter\n"
            "zeek_events_total 1\n");
}

TEST(MetricsText, EscapesLabelValuesAndFixesNames) {
  metric_set xs;
  xs.add("bad-name", "a\\b\nc", metric_type::gauge,
         {{"topic", "say \"hi\"\\\n"}, {"9x", "v"}}, 0.5);
  EXPECT_EQ(prometheus_text(xs),
            "# HELP bad_name a\\\\b\\nc\n"
            "# TYPE bad_name gauge\n"
            "bad_name{topic=\"say \\\"hi\\\"\\\\\\n\",_x=\"v\"} 0.5\n");
}

TEST(MetricsText, SelectMatchesThePrefixBeforeTheFirstUnderscore) {
  auto xs = sample_set();
  EXPECT_EQ(xs.select({}).families().size(), 3u);
  auto zeek = xs.select({"zeek"});
  ASSERT_EQ(zeek.families().size(), 1u);
  EXPECT_EQ(zeek.families()[0].name, "zeek_events_total");
  EXPECT_TRUE(xs.select({"broke"}).empty());
}

TEST(MetricsExport, UpstreamLayout) {
  metric_export x;
  x.id = "node-a";
  x.time = timestamp{std::chrono::seconds{10}};
  x.metrics.add("broker_processed_messages_total", "help",
                metric_type::counter, {{"type", "data"}}, 42);
  auto encoded = to_data(x);
  table labels;
  labels.emplace("type", "data");
  vector expected{vector{"node-a", x.time},
                  vector{"broker", "processed-messages", "counter", "1",
                         "help", true, labels, integer{42}}};
  EXPECT_EQ(encoded, data{expected});
}

TEST(MetricsExport, RoundTrip) {
  metric_export x;
  x.id = "node-a";
  x.time = timestamp{std::chrono::seconds{10}};
  x.metrics = sample_set();
  x.metrics.add("process_cpu_seconds_total", "cpu", metric_type::counter, {},
                1.25);
  auto back = from_data(to_data(x));
  ASSERT_TRUE(back) << to_string(back.error());
  EXPECT_EQ(back->id, "node-a");
  EXPECT_EQ(back->time, x.time);
  EXPECT_EQ(prometheus_text(back->metrics), prometheus_text(x.metrics));
}

TEST(MetricsExport, ReadsCafUnitsAndSkipsHistograms) {
  table no_labels;
  vector msg{vector{"zeek-1", timestamp{std::chrono::seconds{1}}},
             vector{"process", "cpu", "counter", "seconds", "CPU time",
                    true, no_labels, real{1.5}},
             vector{"zeek", "latency", "histogram", "seconds", "h", false,
                    no_labels, vector{}}};
  auto x = from_data(data{msg});
  ASSERT_TRUE(x) << to_string(x.error());
  ASSERT_EQ(x->metrics.families().size(), 1u);
  EXPECT_EQ(x->metrics.families()[0].name, "process_cpu_seconds_total");
  EXPECT_DOUBLE_EQ(x->metrics.families()[0].samples[0].value, 1.5);
}

TEST(MetricsExport, RejectsOtherLayouts) {
  EXPECT_FALSE(from_data(data{"metrics"}));
  EXPECT_FALSE(from_data(data{vector{vector{"id"}}}));
  EXPECT_FALSE(from_data(
    data{vector{vector{"id", timestamp{}}, vector{"short", "row"}}}));
}

TEST(MetricsCollector, KeepsTheLatestExportPerEndpointWithItsLabel) {
  metric_collector collector;
  auto make = [](std::string id, int secs, double value) {
    metric_export x;
    x.id = std::move(id);
    x.time = timestamp{std::chrono::seconds{secs}};
    x.metrics.add("broker_connections", "c", metric_type::gauge, {}, value);
    return to_data(x);
  };
  // 1: taken, 0: ignored, -1: an error.
  auto add = [&collector](const data& x) {
    auto res = collector.add(x);
    return res ? (*res ? 1 : 0) : -1;
  };
  EXPECT_EQ(add(make("a", 2, 1)), 1);
  EXPECT_EQ(add(make("b", 1, 5)), 1);
  // Older than what we have from "a": ignored.
  EXPECT_EQ(add(make("a", 1, 9)), 0);
  EXPECT_EQ(add(data{"junk"}), -1);
  metric_set out;
  collector.append_to(out);
  EXPECT_EQ(prometheus_text(out), "# HELP broker_connections c\n"
                                  "# TYPE broker_connections gauge\n"
                                  "broker_connections{endpoint=\"a\"} 1\n"
                                  "broker_connections{endpoint=\"b\"} 5\n");
  EXPECT_EQ(add(make("a", 3, 4)), 1);
  out = metric_set{};
  collector.append_to(out);
  EXPECT_NE(prometheus_text(out).find("{endpoint=\"a\"} 4\n"),
            std::string::npos);
}

TEST(MetricsStatusJson, TablesBecomeObjects) {
  table inner;
  inner.emplace("n", count{3});
  table report;
  report.emplace("id", "x");
  report.emplace("inner", inner);
  report.emplace("list", vector{integer{-1}, true, nil});
  report.emplace("odd", table{{count{1}, "one"}});
  EXPECT_EQ(status_json(data{report}),
            "{\n  \"id\": \"x\",\n  \"inner\": {\n    \"n\": 3\n  },\n"
            "  \"list\": [\n    -1,\n    true,\n    null\n  ],\n"
            "  \"odd\": [\n    [\n      1,\n      \"one\"\n    ]\n  ]\n}\n");
}
