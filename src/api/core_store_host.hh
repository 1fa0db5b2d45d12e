#pragma once

#include <memory>

#include "core/core.hh"
#include "store/store_host.hh"

namespace broker::detail {

/// broker.store.* from an endpoint's configuration (docs/configuration.md).
channel::settings channel_settings_from(const configuration& cfg);

/// The stores' way into an endpoint's core: forwards each call of the
/// store layer's interface to the core. Lives in the API layer, the one
/// layer that sees both, so that the core knows nothing of stores and the
/// stores nothing of the core. Holds the core alive as long as a store
/// holds it.
class core_store_host final : public store_host {
public:
  explicit core_store_host(std::shared_ptr<core> c) : core_(std::move(c)) {}

  const node_id& id() const noexcept override { return core_->id(); }

  bool publish(std::vector<publish_request>& reqs) override {
    return core_->publish(reqs);
  }

  std::shared_ptr<subscriber_queue> add_subscriber(const filter_type& topics,
                                                   size_t max_qsize) override {
    return core_->add_subscriber(topics, max_qsize, true);
  }

  void
  remove_subscriber(const std::shared_ptr<subscriber_queue>& queue) override {
    core_->remove_subscriber(queue);
  }

  void deliver_local(topic t, std::vector<data> xs) override {
    core_->deliver_local(std::move(t), std::move(xs));
  }

  std::shared_ptr<const local_interest> watch_local(topic t) override {
    return core_->watch_local(std::move(t));
  }

  bool anyone_local(const local_interest& x) const noexcept override {
    return core_->anyone_local(x);
  }

  void report_error(error err) override {
    core_->report_error(std::move(err));
  }

  timestamp now() const override { return core_->now(); }

  void schedule_any(timestamp when, std::function<void()> f) override {
    core_->schedule_any(when, std::move(f));
  }

  channel::settings channel_settings() const override {
    return channel_settings_from(core_->config());
  }

  std::chrono::microseconds spin() const noexcept override {
    return core_->spin();
  }

private:
  std::shared_ptr<core> core_;
};

} // namespace broker::detail
