// endpoint::attach_master and endpoint::attach_clone: the checks upstream
// makes, then a frontend on a thread of its own.
#include "broker/endpoint.hh"

#include "core/core.hh"
#include "format/internal_command.hh"
#include "log/log.hh"
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

/// Whether a direct peer advertises `t` itself, as a master does with its
/// master topic; fails if the core does not answer. A shorter prefix (a
/// data subscriber to the store's name, a relay subscribed to everything)
/// says nothing about masters.
expected<bool> peers_advertise(detail::core& c, const topic& t) {
  auto subs = c.peer_subscriptions();
  if (!subs)
    return subs.error();
  for (auto& sub : *subs)
    if (sub == t)
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
  auto master_topic = format::store_master_topic(name);
  auto covered = peers_advertise(*core_, master_topic);
  if (!covered)
    return covered.error();
  if (*covered) {
    BROKER_INFO("[{}] cannot attach a master for store {}: a peer has one",
                core_->log_name(), name);
    return error{ec::master_exists,
                 "a peer already has a master for store " + name};
  }
  auto be = detail::make_backend(type, opts);
  if (!be) {
    BROKER_WARNING("[{}] cannot attach a master for store {}: {}",
                   core_->log_name(), name, be.error().message());
    return be.error();
  }
  auto id = publisher_id{core_->id(), stores.next_object_id()};
  auto master = std::make_shared<detail::master_store>(store_host_, name, id,
                                                       std::move(*be));
  master->start({master_topic});
  stores.add(master);
  BROKER_INFO("[{}] attached the master of store {} ({} backend)",
              core_->log_name(), name, to_string(type));
  return store{master};
}

expected<store> endpoint::attach_clone(std::string name,
                                       double resync_interval,
                                       double stale_interval,
                                       double mutation_buffer_interval) {
  if (core_->is_shutdown())
    return shut_down();
  auto& stores = *stores_;
  if (stores.find(frontend::master, name)) {
    BROKER_INFO("[{}] cannot attach a clone of store {}: the master is here",
                core_->log_name(), name);
    return error{ec::no_such_master,
                 "this endpoint has the master of store " + name};
  }
  if (auto existing = stores.find(frontend::clone, name))
    return store{existing};
  // resync_interval has no role left: the replication channel repeats its
  // attach request every broker.store.nack-timeout (docs/stores.md).
  static_cast<void>(resync_interval);
  detail::clone_timing timing{seconds_of(stale_interval),
                              seconds_of(mutation_buffer_interval)};
  auto id = publisher_id{core_->id(), stores.next_object_id()};
  auto clone = std::make_shared<detail::clone_store>(store_host_, name, id,
                                                     timing);
  clone->start({format::store_clone_topic(name), topic::statuses()});
  stores.add(clone);
  BROKER_INFO("[{}] attached a clone of store {}", core_->log_name(), name);
  return store{clone};
}

} // namespace broker
