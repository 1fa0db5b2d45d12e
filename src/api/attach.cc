// endpoint::attach_master and endpoint::attach_clone: the checks upstream
// makes, then a frontend on a thread of its own.
#include "broker/endpoint.hh"

#include "core/core.hh"
#include "store/backend_factory.hh"
#include "store/clone_store.hh"
#include "store/master_store.hh"
#include "store/store_registry.hh"

namespace broker {

namespace {

timespan seconds_of(double secs) {
  return std::chrono::duration_cast<timespan>(
    std::chrono::duration<double>{secs});
}

/// Whether a direct peer subscribes to (a prefix of) `t`; fails if the
/// core does not answer.
expected<bool> peers_cover(detail::core& c, const topic& t) {
  auto subs = c.peer_subscriptions();
  if (!subs)
    return subs.error();
  for (auto& sub : *subs)
    if (sub.prefix_of(t))
      return true;
  return false;
}

error shut_down() {
  return detail::core::shut_down_error();
}

} // namespace

expected<store> endpoint::attach_master(std::string name, backend type,
                                        backend_options opts) {
  if (core_->is_shutdown())
    return shut_down();
  auto& stores = *stores_;
  if (auto existing = stores.find(frontend::master, name))
    return store{existing};
  auto master_topic = topic{name} / topic::master_suffix();
  auto covered = peers_cover(*core_, master_topic);
  if (!covered)
    return covered.error();
  if (*covered)
    return error{ec::master_exists,
                 "a peer already has a master for store " + name};
  auto be = detail::make_backend(type, opts);
  if (!be)
    return be.error();
  auto id = publisher_id{core_->id(), stores.next_object_id()};
  auto master = std::make_shared<detail::master_store>(store_host_, name, id,
                                                       std::move(*be));
  master->start({master_topic});
  stores.add(master);
  return store{master};
}

expected<store> endpoint::attach_clone(std::string name,
                                       double resync_interval,
                                       double stale_interval,
                                       double mutation_buffer_interval) {
  if (core_->is_shutdown())
    return shut_down();
  auto& stores = *stores_;
  if (stores.find(frontend::master, name))
    return error{ec::no_such_master,
                 "this endpoint has the master of store " + name};
  if (auto existing = stores.find(frontend::clone, name))
    return store{existing};
  detail::clone_timing timing{seconds_of(resync_interval),
                              seconds_of(stale_interval),
                              seconds_of(mutation_buffer_interval)};
  auto id = publisher_id{core_->id(), stores.next_object_id()};
  auto clone = std::make_shared<detail::clone_store>(store_host_, name, id,
                                                     timing);
  clone->start({topic{name} / topic::clone_suffix(), topic::statuses()});
  stores.add(clone);
  return store{clone};
}

} // namespace broker
