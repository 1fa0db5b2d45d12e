// The endpoint's metrics: names, labels and help texts (docs/metrics.md
// lists them). Upstream's names where upstream has the metric.
#include "api/endpoint_metrics.hh"

#include "broker/message.hh"

namespace broker::detail {

namespace {

using metrics::label_list;
using metrics::metric_type;

constexpr auto counter = metric_type::counter;
constexpr auto gauge = metric_type::gauge;

std::string join(const filter_type& topics) {
  std::string result;
  for (auto& t : topics) {
    if (!result.empty())
      result += ',';
    result += t.string();
  }
  return result;
}

double num(uint64_t x) {
  return static_cast<double>(x);
}

} // namespace

endpoint_metrics::endpoint_metrics(std::shared_ptr<core> engine,
                                   const store_registry& stores,
                                   metrics::metrics_params params)
  : core_(std::move(engine)), stores_(stores), name_(params.endpoint_name) {
  std::shared_ptr<subscriber_queue> imports;
  // Imports are served over HTTP and nowhere else: no server, no imports.
  if (params.port && !params.import_topics.empty())
    imports = core_->add_subscriber(params.import_topics, 0);
  service_ = std::make_unique<metrics::metrics_service>(
    core_->context(), std::move(params), *this, std::move(imports));
}

endpoint_metrics::~endpoint_metrics() = default;

void endpoint_metrics::start() {
  // A failure is logged and reported by the service itself.
  core_->call("metrics", [this] {
    service_->start();
    return true;
  });
}

void endpoint_metrics::change_export(
  const std::function<void(metrics::metrics_params&)>& f) {
  core_->call("metrics export", [this, &f] {
    service_->change_export(f);
    return true;
  });
}

metrics::metric_set endpoint_metrics::collect() {
  metrics::metric_set out;
  auto stats = core_->stats();
  add_core(out, stats);
  add_peers(out, stats);
  add_subscribers(out, stats);
  add_stores(out);
  if (!name_.empty())
    out.set_label("endpoint", name_);
  return out;
}

void endpoint_metrics::add_core(metrics::metric_set& out,
                                const core_stats& stats) const {
  out.add("broker_connections", "Number of active network connections.",
          gauge, {}, num(stats.connections));
  auto& processed = out.family("broker_processed_messages_total",
                               "Total number of processed messages.", counter);
  for (size_t i = 0; i < message_kind_count; ++i)
    processed.samples.push_back(
      {{{"type", to_string(static_cast<message_kind>(i))}},
       num(stats.processed[i])});
}

void endpoint_metrics::add_peers(metrics::metric_set& out,
                                 const core_stats& stats) const {
  for (auto& peer : stats.peers) {
    label_list who{{"peer", to_string(peer.id)}};
    out.add("broker_peer_received_messages_total",
            "Data messages and store commands received from a peer.", counter,
            who, num(peer.traffic.messages_in));
    out.add("broker_peer_sent_messages_total",
            "Data messages and store commands sent to a peer.", counter, who,
            num(peer.traffic.messages_out));
    out.add("broker_peer_received_bytes_total",
            "Bytes received from a peer over TCP (0 in memory).", counter, who,
            num(peer.bytes_in));
    out.add("broker_peer_sent_bytes_total",
            "Bytes sent to a peer over TCP (0 in memory).", counter, who,
            num(peer.bytes_out));
    out.add("broker_peer_buffered_messages",
            "Messages waiting to be sent to a peer.", gauge, who,
            num(peer.buffered));
    out.add("broker_peer_buffer_capacity",
            "Messages that may wait toward a peer (broker.peer-buffer-size).",
            gauge, who, num(peer.capacity));
    out.add("broker_peer_dropped_messages_total",
            "Messages the peer overflow policy dropped toward a peer.",
            counter, who, num(peer.traffic.dropped));
  }
}

void endpoint_metrics::add_subscribers(metrics::metric_set& out,
                                       const core_stats& stats) const {
  for (auto& sub : stats.subscribers) {
    label_list who{{"subscriber", std::to_string(sub.id)},
                   {"kind", sub.store ? "store" : "data"},
                   {"topics", join(sub.topics)}};
    out.add("broker_subscriber_buffered_messages",
            "Messages waiting in a local subscriber's queue.", gauge, who,
            num(sub.buffered));
    out.add("broker_subscriber_buffer_capacity",
            "Messages a local subscriber's queue holds.", gauge, who,
            num(sub.capacity));
    out.add("broker_subscriber_dropped_messages_total",
            "Messages a full subscriber queue dropped.", counter, who,
            num(sub.dropped));
  }
}

void endpoint_metrics::add_store_channels(
  metrics::metric_set& out, const label_list& who,
  const store_stats::channel_state& x) const {
  out.add("broker_store_input_channels",
          "Replication channels the store receives on (a master: one per "
          "writing clone; a clone: its master's).",
          gauge, who, num(x.inputs));
  out.add("broker_store_output_channels",
          "Consumers of the store's outgoing replication channel.", gauge,
          who, num(x.outputs));
  out.add("broker_store_out_of_order_updates",
          "Received updates waiting for an earlier, missing one.", gauge, who,
          num(x.out_of_order));
  out.add("broker_store_unacknowledged_updates",
          "Sent updates not yet acknowledged by every consumer.", gauge, who,
          num(x.unacknowledged));
}

void endpoint_metrics::add_stores(metrics::metric_set& out) const {
  for (auto& st : stores_.stats()) {
    label_list who{{"name", st.name}};
    out.add("broker_store_entries", "Number of entries in the data store.",
            gauge, who, num(st.entries));
    out.add("broker_store_processed_updates_total",
            "Total number of processed data store updates.", counter, who,
            num(st.updates));
    add_store_channels(out, who, st.channels);
    auto& ops = out.family("broker_store_operations_total",
                           "Operations requested of a data store, by kind.",
                           counter);
    for (size_t i = 0; i < store_op_count; ++i) {
      auto labels = who;
      labels.emplace_back("role", st.kind == frontend::master ? "master"
                                                             : "clone");
      labels.emplace_back("op", to_string(static_cast<store_op>(i)));
      ops.samples.push_back({std::move(labels), num(st.operations[i])});
    }
  }
}

void endpoint_metrics::publish(const topic& t, data content) {
  core_->publish_here(data_message{t, std::move(content)});
}

void endpoint_metrics::report(error err) {
  core_->report_error(std::move(err));
}

} // namespace broker::detail
