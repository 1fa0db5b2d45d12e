#include "store/clone_store.hh"

#include "broker/status.hh"
#include "store/event_builder.hh"
#include "store/value_ops.hh"

namespace broker::detail {

using tag = store_command::tag;

namespace {

/// Updates that arrive before the snapshot are kept up to this many.
constexpr size_t max_early_updates = 1 << 20;

} // namespace

clone_store::clone_store(std::shared_ptr<store_host> owner, std::string name,
                         publisher_id id, clone_timing timing)
  : store_frontend(std::move(owner), std::move(name), id),
    timing_(timing),
    master_topic_(topic{this->name()} / topic::master_suffix()) {}

void clone_store::on_start() {
  buffer_until_ = now() + timing_.mutation_buffer_interval;
  request_snapshot();
  schedule_resync();
}

// -- input ---------------------------------------------------------------------

void clone_store::on_message(const data_message& msg) {
  if (get_topic(msg) == topic::statuses()) {
    on_status(get_data(msg));
    return;
  }
  auto cmd = decode(msg);
  if (!cmd)
    return;
  switch (cmd->type) {
    case tag::snapshot:
      apply_snapshot(*cmd);
      break;
    case tag::put_unique_result:
      if (cmd->peer == owner().id()) {
        if (auto i = pending_.find(cmd->request); i != pending_.end()) {
          i->second(cmd->value);
          pending_.erase(i);
        }
      }
      break;
    default:
      on_update(std::move(*cmd));
  }
}

void clone_store::on_status(const data& x) {
  status st;
  if (!convert(x, st) || !st.context())
    return;
  if (st.code() == sc::peer_added && !synced_)
    request_snapshot();
  else if ((st.code() == sc::peer_lost || st.code() == sc::peer_removed)
           && synced_ && st.context()->node == master_)
    master_lost();
}

void clone_store::on_update(store_command cmd) {
  if (!synced_) {
    if (early_updates_.size() < max_early_updates)
      early_updates_.push_back(std::move(cmd));
    return;
  }
  if (cmd.peer != master_ || cmd.seq <= seq_)
    return; // Another master's, or already in the snapshot.
  if (cmd.seq != seq_ + 1) {
    // A gap: something was lost on the way. Start over from a snapshot.
    synced_ = false;
    ++generation_;
    early_updates_.push_back(std::move(cmd));
    request_snapshot();
    schedule_resync();
    return;
  }
  seq_ = cmd.seq;
  apply_update(cmd);
}

// -- applying the master's state ----------------------------------------------

void clone_store::apply_snapshot(store_command& cmd) {
  auto content = get_if<table>(cmd.value);
  if (!content)
    return;
  if (wants_events())
    emit_snapshot_events(*content, cmd.publisher);
  broker::snapshot fresh;
  fresh.reserve(content->size());
  for (auto& [key, value] : *content)
    fresh.emplace(key, value);
  cache_ = std::move(fresh);
  master_ = cmd.peer;
  seq_ = cmd.seq;
  synced_ = true;
  stale_ = false;
  gave_up_ = false;
  ++generation_;
  auto early = std::move(early_updates_);
  early_updates_.clear();
  for (auto& update : early)
    on_update(std::move(update));
  auto buffered = std::move(mutation_buffer_);
  mutation_buffer_.clear();
  for (auto& mutation : buffered)
    forward(std::move(mutation));
}

void clone_store::emit_snapshot_events(const table& content,
                                       const publisher_id& who) {
  for (auto& [key, value] : content) {
    auto i = cache_.find(key);
    if (i == cache_.end())
      emit_event(make_insert_event(name(), key, value, std::nullopt, who));
    else
      emit_event(make_update_event(name(), key, i->second, value,
                                   std::nullopt, who));
  }
  for (auto& [key, value] : cache_)
    if (content.count(key) == 0)
      emit_event(make_erase_event(name(), key, publisher_id{}));
}

void clone_store::apply_update(const store_command& cmd) {
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
    default:
      break;
  }
}

void clone_store::erase_key(const data& key, const publisher_id& who) {
  if (cache_.erase(key) > 0 && wants_events())
    emit_event(make_erase_event(name(), key, who));
}

// -- finding the master --------------------------------------------------------

void clone_store::request_snapshot() {
  store_command req;
  req.type = tag::snapshot_request;
  req.peer = owner().id();
  req.publisher = id();
  publish(master_topic_, req);
}

void clone_store::schedule_resync() {
  at(now() + timing_.resync_interval, [this, gen = generation_] {
    if (synced_ || gen != generation_)
      return;
    request_snapshot();
    schedule_resync();
  });
}

void clone_store::master_lost() {
  synced_ = false;
  ++generation_;
  buffer_until_ = now() + timing_.mutation_buffer_interval;
  if (timing_.stale_interval.count() >= 0)
    at(now() + timing_.stale_interval, [this, gen = generation_] {
      if (gen == generation_)
        give_up();
    });
  request_snapshot();
  schedule_resync();
}

// -- the local frontend --------------------------------------------------------

void clone_store::on_mutation(store_command cmd) {
  if (synced_) {
    forward(std::move(cmd));
    return;
  }
  if (can_buffer()) {
    mutation_buffer_.push_back(std::move(cmd));
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

void clone_store::forward(store_command cmd) {
  publish(master_topic_, cmd);
}

void clone_store::on_query(store_query q, store_responder r) {
  if (q.type == store_query::kind::put_unique) {
    ask_master(std::move(q), std::move(r));
    return;
  }
  if (stale_) {
    r(error{ec::stale_data, "store " + name() + ": clone not synchronised"});
    return;
  }
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
  if (!synced_ && (gave_up_ || !can_buffer())) {
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
  cmd.request = ++next_request_;
  cmd.peer = owner().id();
  pending_.emplace(cmd.request, std::move(r));
  // Without a master the request waits in the mutation buffer, in order
  // with the mutations before and after it (upstream holds it too).
  on_mutation(std::move(cmd));
}

void clone_store::fail_pending(const error& why) {
  auto waiting = std::move(pending_);
  pending_.clear();
  for (auto& [request, respond] : waiting)
    respond(why);
}

void clone_store::give_up() {
  stale_ = true;
  gave_up_ = true;
  // Held requests, and those sent to the lost master, would otherwise wait
  // for a master that may never come back, until each caller's timeout.
  std::vector<store_command> kept;
  for (auto& cmd : mutation_buffer_)
    if (cmd.type != tag::put_unique)
      kept.push_back(std::move(cmd));
  mutation_buffer_ = std::move(kept);
  fail_pending(error{ec::no_such_master,
                     "store " + name() + ": its master is gone"});
}

void clone_store::on_stop() {
  fail_pending(error{ec::unspecified, "store " + name() + " is closed"});
}

} // namespace broker::detail
