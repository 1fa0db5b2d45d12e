#include "store/master_store.hh"

#include "store/event_builder.hh"

namespace broker::detail {

using tag = store_command::tag;

master_store::master_store(std::shared_ptr<store_host> owner,
                           std::string name, publisher_id id,
                           std::unique_ptr<abstract_backend> backend)
  : store_frontend(std::move(owner), std::move(name), id),
    backend_(std::move(backend)),
    clone_topic_(format::store_clone_topic(this->name())),
    clones_(entity(), format::entity_id{},
            [this](format::internal_command&& cmd, const node_id* target) {
              send(std::move(cmd), target);
            },
            [this](const channel::handshake& hs) {
              return make_ack_clone(hs);
            },
            channel_config(), producer_link::producer_type::catch_up::snapshot) {}

void master_store::on_start() {
  // Entries that expired while the store was closed go at once.
  if (auto xs = backend_->expiries())
    for (auto& [key, when] : *xs)
      arm_expiry(key, when);
  else
    report(xs.error());
  refresh_entries(true);
  start_ticks();
}

void master_store::begin_batch() {
  if (auto ok = backend_->begin_batch(); !ok)
    report(ok.error());
}

void master_store::end_batch() {
  // One transaction per burst; a failed commit loses the burst, so say so.
  if (auto ok = backend_->commit_batch(); !ok)
    report(error{ok.error().code(), "store " + name()
                                      + ": committing a batch failed: "
                                      + ok.error().message()});
  refresh_entries(false);
}

void master_store::refresh_entries(bool force) {
  // Counting may cost a query (SQLite): at most once per tick interval
  // while mutations keep coming, and once more on the tick after them.
  auto now = std::chrono::steady_clock::now();
  if (!entries_stale_
      || (!force && now - entries_counted_ < channel_config().tick_interval))
    return;
  if (auto n = backend_->size()) {
    counters().set_entries(*n);
    entries_stale_ = false;
    entries_counted_ = now;
  }
}

// -- input ---------------------------------------------------------------------

void master_store::on_mutation(store_command cmd) {
  if (auto op = op_of(cmd.type)) {
    counters().count(*op);
    counters().count_update();
    entries_stale_ = true;
  }
  switch (cmd.type) {
    case tag::put:
      apply_put(cmd);
      break;
    case tag::erase:
      apply_erase(cmd);
      break;
    case tag::clear:
      apply_clear(cmd);
      break;
    case tag::add:
    case tag::subtract:
      apply_add_or_subtract(cmd);
      break;
    case tag::put_unique:
      answer_put_unique(cmd);
      break;
    case tag::expire:
      break; // Only a master expires, and only its own keys.
    default:
      report(error{ec::invalid_data, "store " + name()
                                       + ": unexpected command for a master"});
  }
}

void master_store::on_query(store_query q, store_responder r) {
  counters().count(q.type == store_query::kind::put_unique ? store_op::put_unique
                                                           : store_op::query);
  if (q.type == store_query::kind::put_unique)
    entries_stale_ = true;
  switch (q.type) {
    case store_query::kind::exists:
      r(backend_->exists(q.key).value_or(false));
      return;
    case store_query::kind::get:
      r(backend_->get(q.key));
      return;
    case store_query::kind::get_index:
      r(backend_->get(q.key, q.arg));
      return;
    case store_query::kind::keys: {
      auto ks = backend_->keys();
      r(ks ? expected<data>{data{std::move(*ks)}} : expected<data>{ks.error()});
      return;
    }
    case store_query::kind::put_unique: {
      store_command cmd;
      cmd.type = tag::put_unique;
      cmd.key = std::move(q.key);
      cmd.value = std::move(q.arg);
      cmd.expiry = q.expiry;
      cmd.publisher = q.publisher;
      r(data{apply_put_unique(cmd)});
      return;
    }
  }
}

// -- mutations -----------------------------------------------------------------

void master_store::apply_put(const store_command& cmd) {
  // The old value only feeds the event: skip the lookup without a reader.
  auto events = wants_events();
  auto old = events ? lookup(cmd.key) : std::nullopt;
  if (auto ok = backend_->put(cmd.key, cmd.value, absolute(cmd.expiry)); !ok)
    return fail(ok.error(), "put", cmd.key);
  if (cmd.expiry)
    arm_expiry(cmd.key, *absolute(cmd.expiry));
  if (events)
    emit_change(cmd.key, old, cmd.value, cmd.expiry, cmd.publisher);
  if (!no_clones())
    broadcast(cmd); // a put, also when put_unique inserted
}

bool master_store::apply_put_unique(const store_command& cmd) {
  auto exists = backend_->exists(cmd.key);
  if (!exists) {
    fail(exists.error(), "put_unique", cmd.key);
    return false;
  }
  if (*exists)
    return false;
  store_command put = cmd;
  put.type = tag::put;
  apply_put(put);
  return backend_->exists(cmd.key).value_or(false);
}

void master_store::answer_put_unique(const store_command& cmd) {
  // A clone's request: the put (if any) and then the answer go to every
  // clone, in this order; the asking clone picks its answer by `who`.
  store_command reply;
  reply.type = tag::put_unique_result;
  reply.value = apply_put_unique(cmd);
  reply.who = cmd.who;
  reply.request = cmd.request;
  reply.publisher = id();
  broadcast(reply);
}

void master_store::apply_erase(const store_command& cmd) {
  if (auto ok = backend_->erase(cmd.key); !ok)
    return fail(ok.error(), "erase", cmd.key);
  if (wants_events())
    emit_event(make_erase_event(name(), cmd.key, cmd.publisher));
  if (no_clones())
    return;
  store_command update;
  update.type = tag::erase;
  update.key = cmd.key;
  update.publisher = cmd.publisher;
  broadcast(update);
}

void master_store::apply_clear(const store_command& cmd) {
  if (wants_events())
    if (auto ks = backend_->keys())
      for (auto& key : *ks)
        emit_event(make_erase_event(name(), key, cmd.publisher));
  if (auto ok = backend_->clear(); !ok)
    return fail(ok.error(), "clear", data{});
  if (no_clones())
    return;
  store_command update;
  update.type = tag::clear;
  update.publisher = cmd.publisher;
  broadcast(update);
}

void master_store::apply_add_or_subtract(const store_command& cmd) {
  auto events = wants_events();
  auto old = events ? lookup(cmd.key) : std::nullopt;
  auto when = absolute(cmd.expiry);
  auto ok = cmd.type == tag::add
              ? backend_->add(cmd.key, cmd.value, cmd.init_type, when)
              : backend_->subtract(cmd.key, cmd.value, when);
  if (!ok)
    return fail(ok.error(), cmd.type == tag::add ? "add" : "subtract",
                cmd.key);
  auto now_value = lookup(cmd.key);
  if (!now_value)
    return;
  if (when)
    arm_expiry(cmd.key, *when);
  if (events)
    emit_change(cmd.key, old, *now_value, cmd.expiry, cmd.publisher);
  // Clones get the result, as a put without expiry (clones never expire),
  // as upstream sends it.
  if (no_clones())
    return;
  store_command update;
  update.type = tag::put;
  update.key = cmd.key;
  update.value = std::move(*now_value);
  update.publisher = cmd.publisher;
  broadcast(update);
}

// -- expiry --------------------------------------------------------------------

void master_store::arm_expiry(const data& key, timestamp when) {
  at(when, [this, key] { on_expiry(key); });
}

void master_store::on_expiry(const data& key) {
  // A later put may have moved or cleared the expiry: expire() checks.
  auto removed = backend_->expire(key, now());
  if (!removed)
    return fail(removed.error(), "expire", key);
  if (!*removed)
    return;
  counters().count(store_op::expire);
  counters().count_update();
  entries_stale_ = true;
  if (wants_events())
    emit_event(make_expire_event(name(), key, id()));
  if (no_clones())
    return;
  store_command update;
  update.type = tag::expire;
  update.key = key;
  update.publisher = id();
  broadcast(update);
}

// -- helpers -------------------------------------------------------------------

void master_store::emit_change(const data& key,
                               const std::optional<data>& old_value,
                               const data& new_value,
                               std::optional<timespan> expiry,
                               const publisher_id& who) {
  if (old_value)
    emit_event(
      make_update_event(name(), key, *old_value, new_value, expiry, who));
  else
    emit_event(make_insert_event(name(), key, new_value, expiry, who));
}

std::optional<timestamp>
master_store::absolute(std::optional<timespan> expiry) const {
  if (!expiry)
    return std::nullopt;
  return now() + *expiry;
}

std::optional<data> master_store::lookup(const data& key) {
  auto x = backend_->get(key);
  if (x)
    return std::move(*x);
  return std::nullopt;
}

void master_store::fail(const error& err, const char* what, const data& key) {
  // Upstream only logs these; here they reach the status subscribers.
  report(error{err.code(), "store " + name() + ": " + what + " of "
                             + to_string(key) + " failed: " + err.message()});
}

} // namespace broker::detail
