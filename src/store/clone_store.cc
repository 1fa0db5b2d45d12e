#include "store/clone_store.hh"

#include <unordered_set>

#include "log/log.hh"
#include "store/event_builder.hh"
#include "store/value_ops.hh"

namespace broker::detail {

using tag = store_command::tag;

clone_store::clone_store(std::shared_ptr<store_host> owner, std::string name,
                         publisher_id id, clone_timing timing)
  : store_frontend(std::move(owner), std::move(name), id),
    timing_(timing),
    master_topic_(format::store_master_topic(this->name())),
    input_(entity(),
           [this](format::internal_command&& cmd, const node_id* target) {
             send(std::move(cmd), target);
           },
           [this](const format::command_content& x) { apply_update(x); },
           [this](channel::failure why) { on_input_failure(why); },
           channel_config()),
    writes_(entity(), format::entity_id{},
            [this](format::internal_command&& cmd, const node_id* target) {
              send(std::move(cmd), target);
            },
            [](const channel::handshake& hs) -> format::command_content {
              return format::attach_writer_command{hs.offset,
                                                   hs.heartbeat_interval};
            },
            channel_config(), producer_link::producer_type::catch_up::replay) {}

void clone_store::on_start() {
  buffer_until_ = now() + timing_.mutation_buffer_interval;
  attach();
  start_ticks();
}

// -- the local copy ------------------------------------------------------------

void clone_store::load_snapshot(const format::snapshot_entries& state,
                                const format::entity_id& master) {
  if (wants_events())
    emit_snapshot_events(state, to_publisher(master));
  broker::snapshot fresh;
  fresh.reserve(state.size());
  for (auto& [key, value] : state)
    fresh.emplace(key, value);
  cache_ = std::move(fresh);
  counters().set_entries(cache_.size());
}

void clone_store::emit_snapshot_events(const format::snapshot_entries& state,
                                       const publisher_id& who) {
  std::unordered_set<data> seen;
  for (auto& [key, value] : state) {
    seen.insert(key);
    auto i = cache_.find(key);
    if (i == cache_.end())
      emit_event(make_insert_event(name(), key, value, std::nullopt, who));
    else
      emit_event(make_update_event(name(), key, i->second, value,
                                   std::nullopt, who));
  }
  for (auto& [key, value] : cache_)
    if (seen.count(key) == 0)
      emit_event(make_erase_event(name(), key, publisher_id{}));
}

void clone_store::apply_update(const format::command_content& content) {
  if (auto cmd = to_store_command(content))
    apply_update(*cmd);
}

void clone_store::apply_update(const store_command& cmd) {
  count_update(cmd.type);
  auto events = wants_events();
  switch (cmd.type) {
    case tag::put: {
      auto i = cache_.find(cmd.key);
      if (i == cache_.end()) {
        if (events)
          emit_event(make_insert_event(name(), cmd.key, cmd.value,
                                       cmd.expiry, cmd.publisher));
        cache_.emplace(cmd.key, cmd.value);
      } else {
        if (events)
          emit_event(make_update_event(name(), cmd.key, i->second, cmd.value,
                                       cmd.expiry, cmd.publisher));
        i->second = cmd.value;
      }
      break;
    }
    case tag::erase:
      erase_key(cmd.key, cmd.publisher);
      break;
    case tag::expire:
      if (cache_.erase(cmd.key) > 0 && events)
        emit_event(make_expire_event(name(), cmd.key, cmd.publisher));
      break;
    case tag::clear: {
      auto old = std::move(cache_);
      cache_.clear();
      if (events)
        for (auto& [key, value] : old)
          emit_event(make_erase_event(name(), key, cmd.publisher));
      break;
    }
    case tag::put_unique_result:
      answer(cmd);
      break;
    default:
      break; // Masters never send the others.
  }
  counters().set_entries(cache_.size());
}

void clone_store::count_update(store_command::tag t) {
  switch (t) {
    case tag::put:
    case tag::erase:
    case tag::expire:
    case tag::clear:
      counters().count_update();
      break;
    default:
      break;
  }
}

void clone_store::erase_key(const data& key, const publisher_id& who) {
  if (cache_.erase(key) > 0 && wants_events())
    emit_event(make_erase_event(name(), key, who));
}

void clone_store::answer(const store_command& result) {
  // Every clone sees every answer: ours name us.
  if (result.who != id())
    return;
  if (auto i = pending_.find(result.request); i != pending_.end()) {
    i->second(result.value);
    pending_.erase(i);
  }
}

// -- the local frontend --------------------------------------------------------

void clone_store::on_mutation(store_command cmd) {
  if (auto op = op_of(cmd.type))
    counters().count(*op);
  if (master_ || can_buffer()) {
    writes_.produce(to_content(cmd));
    return;
  }
  // Upstream drops it silently; nothing should fail unseen.
  report(error{ec::no_such_master,
               describe(cmd.key) + ": mutation dropped, the clone has no "
                                   "master and its mutation buffer expired"});
}

bool clone_store::can_buffer() const {
  return timing_.mutation_buffer_interval.count() > 0
         && now() < buffer_until_;
}

void clone_store::on_query(store_query q, store_responder r) {
  counters().count(q.type == store_query::kind::put_unique ? store_op::put_unique
                                                           : store_op::query);
  if (q.type == store_query::kind::put_unique) {
    ask_master(std::move(q), std::move(r));
    return;
  }
  if (stale_ && !gave_up_ && can_buffer()) {
    // Upstream's new clone holds every query until it found its master.
    held_reads_.emplace_back(std::move(q), std::move(r));
    return;
  }
  if (stale_) {
    r(error{ec::stale_data, "store " + name() + ": clone not synchronised"});
    return;
  }
  read_cache(q, r);
}

void clone_store::read_cache(const store_query& q, const store_responder& r) {
  auto i = cache_.find(q.key);
  switch (q.type) {
    case store_query::kind::exists:
      r(data{i != cache_.end()});
      return;
    case store_query::kind::get:
      if (i == cache_.end())
        r(error{ec::no_such_key, describe(q.key) + ": no such key"});
      else
        r(i->second);
      return;
    case store_query::kind::get_index:
      if (i == cache_.end())
        r(error{ec::no_such_key, describe(q.key) + ": no such key"});
      else
        r(index_into(i->second, q.arg));
      return;
    case store_query::kind::keys:
    default: {
      set ks;
      for (auto& [key, value] : cache_)
        ks.insert(key);
      r(data{std::move(ks)});
      return;
    }
  }
}

void clone_store::ask_master(store_query q, store_responder r) {
  if (!master_ && (gave_up_ || !can_buffer())) {
    auto why = gave_up_ ? "its master is gone" : "its mutation buffer expired";
    r(error{ec::no_such_master,
            "store " + name() + ": no master to ask, " + why});
    return;
  }
  store_command cmd;
  cmd.type = tag::put_unique;
  cmd.key = std::move(q.key);
  cmd.value = std::move(q.arg);
  cmd.expiry = q.expiry;
  cmd.publisher = q.publisher;
  cmd.who = id();
  cmd.request = ++next_request_;
  pending_.emplace(cmd.request, std::move(r));
  // Without a master the request waits in the writer channel, in order
  // with the mutations before and after it (upstream holds it too).
  writes_.produce(to_content(cmd));
}

void clone_store::fail_pending(const error& why) {
  auto waiting = std::move(pending_);
  pending_.clear();
  for (auto& [request, respond] : waiting)
    respond(why);
}

void clone_store::answer_held_reads() {
  auto held = std::move(held_reads_);
  held_reads_.clear();
  for (auto& [q, r] : held)
    on_query(std::move(q), std::move(r));
}

void clone_store::give_up() {
  BROKER_WARNING("[{}] store {}: clone without a master for {} s, now stale",
                 log_name(), name(),
                 std::chrono::duration<double>(timing_.stale_interval).count());
  stale_ = true;
  gave_up_ = true;
  // Requests would otherwise wait for a master that may never come back,
  // until each caller's timeout.
  fail_pending(error{ec::no_such_master,
                     "store " + name() + ": its master is gone"});
  answer_held_reads(); // stale_data now
}

void clone_store::on_stop() {
  error closed{ec::unspecified, "store " + name() + " is closed"};
  fail_pending(closed);
  for (auto& [q, r] : held_reads_)
    r(closed);
  held_reads_.clear();
}

} // namespace broker::detail
