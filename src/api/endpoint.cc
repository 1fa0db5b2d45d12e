#include "broker/endpoint.hh"

#include <algorithm>
#include <cstdlib>

#include "api/core_store_host.hh"
#include "api/endpoint_metrics.hh"
#include "core/core.hh"
#include "store/store_registry.hh"

namespace broker {

namespace {

/// As upstream: a configuration that printed its `--help` text ends the
/// program when an endpoint is made from it (docs/configuration.md).
configuration exit_if_help_printed(configuration cfg) {
  if (cfg.cli_helptext_printed())
    std::exit(0);
  return cfg;
}

} // namespace

endpoint::endpoint() : endpoint(configuration{}) {}

endpoint::endpoint(configuration cfg)
  : core_(std::make_shared<detail::core>(
      exit_if_help_printed(std::move(cfg)))),
    store_host_(std::make_shared<detail::core_store_host>(core_)),
    stores_(std::make_unique<detail::store_registry>()) {
  core_->start();
  auto params = detail::metrics::metrics_params::from(core_->config());
  if (params.enabled()) {
    metrics_ = std::make_unique<detail::endpoint_metrics>(core_, *stores_,
                                                          std::move(params));
    metrics_->start();
  }
}

endpoint::~endpoint() {
  shutdown();
}

void endpoint::shutdown() {
  // Stores first: they publish through the core until they are gone.
  stores_->stop_all();
  core_->shutdown();
  // It ran on the core thread, which is gone now.
  std::lock_guard guard{metrics_mtx_};
  metrics_.reset();
}

uint16_t endpoint::metrics_port() const noexcept {
  std::lock_guard guard{metrics_mtx_};
  return metrics_ ? metrics_->port() : 0;
}

bool endpoint::is_shutdown() const noexcept {
  return core_->is_shutdown();
}

broker::node_id endpoint::node_id() const noexcept {
  return core_->id();
}

// A call the core did not answer in time already raised `request_timeout`
// on the status subscribers; here it gets the API's failure value.

expected<uint16_t> endpoint::checked_listen(const std::string& address,
                                            uint16_t port) {
  return core_->listen(address, port);
}

expected<bool> endpoint::checked_unpeer(const std::string& address,
                                        uint16_t port) {
  return core_->unpeer_remote(address, port);
}

expected<std::vector<peer_info>> endpoint::checked_peers() const {
  return core_->peers();
}

expected<std::vector<topic>> endpoint::checked_peer_subscriptions() const {
  return core_->peer_subscriptions();
}

void endpoint::block_core_for_testing(std::shared_future<void> release) {
  core_->post([release] { release.wait(); });
}

bool endpoint::peer(endpoint& other) {
  return core_->peer_with(other.core_).value_or(false);
}

bool endpoint::unpeer(endpoint& other) {
  return core_->unpeer_from(other.core_).value_or(false);
}

uint16_t endpoint::listen(const std::string& address, uint16_t port) {
  return core_->listen(address, port).value_or(0);
}

bool endpoint::peer(const std::string& address, uint16_t port,
                    timeout::seconds retry) {
  return core_->peer_remote(network_info{address, port, retry}, true);
}

bool endpoint::peer(const network_info& where) {
  return core_->peer_remote(where, true);
}

void endpoint::peer_nosync(const std::string& address, uint16_t port,
                           timeout::seconds retry) {
  core_->peer_remote(network_info{address, port, retry}, false);
}

bool endpoint::unpeer(const std::string& address, uint16_t port) {
  return core_->unpeer_remote(address, port).value_or(false);
}

void endpoint::unpeer_nosync(const std::string& address, uint16_t port) {
  core_->post([c = core_.get(), address, port] {
    // Runs on the core thread, where call() executes inline.
    c->unpeer_remote(address, port);
  });
}

std::vector<peer_info> endpoint::peers() const {
  auto result = core_->peers();
  return result ? std::move(*result) : std::vector<peer_info>{};
}

bool endpoint::await_peer(broker::node_id whom, timespan timeout) {
  auto deadline = detail::to_deadline(timeout);
  // Subscribed before the first look, so that a peering that completes in
  // between still wakes us.
  auto statuses = make_status_subscriber(true);
  auto is_peer = [&] {
    auto xs = core_->peers();
    return xs && std::any_of(xs->begin(), xs->end(), [&](const peer_info& x) {
             return x.peer.node == whom;
           });
  };
  for (;;) {
    if (is_shutdown())
      return false;
    if (is_peer())
      return true;
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    statuses.get_until(deadline); // Any status may mean a new peer.
  }
}

std::vector<topic> endpoint::peer_subscriptions() const {
  auto result = core_->peer_subscriptions();
  return result ? std::move(*result) : std::vector<topic>{};
}

void endpoint::forward(std::vector<topic> topics) {
  core_->forward(std::move(topics));
}

void endpoint::publish(topic t, data d) {
  core_->publish(detail::publish_request{
    data_message{std::move(t), std::move(d)}, nullptr, nullptr});
}

void endpoint::publish(const endpoint_info& dst, topic t, data d) {
  core_->publish(detail::publish_request{
    data_message{std::move(t), std::move(d)}, nullptr,
    std::make_shared<broker::node_id>(dst.node)});
}

void endpoint::publish(data_message msg) {
  core_->publish(detail::publish_request{std::move(msg), nullptr, nullptr});
}

void endpoint::publish(std::vector<data_message> msgs) {
  std::vector<detail::publish_request> reqs;
  reqs.reserve(msgs.size());
  for (auto& msg : msgs)
    reqs.push_back(detail::publish_request{std::move(msg), nullptr, nullptr});
  core_->publish(reqs);
}

publisher endpoint::make_publisher(topic t) {
  return publisher{core_, core_->add_publisher(std::move(t))};
}

subscriber endpoint::make_subscriber(std::vector<topic> topics,
                                     size_t max_qsize) {
  return subscriber{core_, core_->add_subscriber(topics, max_qsize)};
}

status_subscriber endpoint::make_status_subscriber(bool receive_statuses) {
  std::vector<topic> topics{topic::errors()};
  if (receive_statuses)
    topics.emplace_back(topic::statuses());
  return status_subscriber{
    subscriber{core_, core_->add_subscriber(topics, 0)}};
}

bool endpoint::use_real_time() const noexcept {
  return core_->use_real_time();
}

timestamp endpoint::now() const {
  return core_->now();
}

void endpoint::advance_time(timestamp t) {
  // A core that did not keep up has reported it (see core::call).
  if (core_->use_real_time() || !core_->advance_time(t))
    return;
  // Expiries fired above run on the stores' threads: wait for them, so the
  // caller sees their effects when this returns.
  if (auto late = stores_->sync_all(core_->call_timeout()); !late.empty())
    core_->report_timeout("advance_time (store " + late + ")");
}

void endpoint::run_producer(producer_step step, bool wait) {
  auto adapter = [step = std::move(step)](
                   std::vector<detail::publish_request>& out) mutable {
    downstream<data_message> sink;
    bool more = step(sink, defaults::publisher_capacity);
    for (auto& msg : sink.items())
      out.push_back(detail::publish_request{std::move(msg), nullptr, nullptr});
    return more;
  };
  core_->run_producer(std::move(adapter), wait);
}

} // namespace broker
