// The master's side of replication (docs/stores.md, "Replication"): the
// channel that feeds the clones, and one input channel per clone writing
// through this master.
#include "store/master_store.hh"

#include "log/log.hh"
#include "store/command_convert.hh"

namespace broker::detail {

// -- output ----------------------------------------------------------------------

bool master_store::no_clones() {
  if (clones_.channel().num_consumers() > 0)
    return false;
  // Without consumers the producer only counts (a clone that joins later
  // starts from a snapshot), so there is nothing to build.
  clones_.channel().produce(nullptr);
  return true;
}

void master_store::broadcast(const store_command& cmd) {
  clones_.produce(to_content(cmd));
}

void master_store::send(format::internal_command&& cmd,
                        const node_id* target) {
  send_command(clone_topic_, std::move(cmd), target);
}

format::command_content
master_store::make_ack_clone(const channel::handshake& hs) {
  format::ack_clone_command result;
  result.offset = hs.offset;
  result.heartbeat_interval = hs.heartbeat_interval;
  // The state as of now, which is the state at `offset`: the master numbers
  // and applies on this thread only.
  if (auto snap = backend_->snapshot()) {
    BROKER_INFO("[{}] store {}: snapshot of {} entries to a clone (offset {})",
                log_name(), name(), snap->size(), hs.offset);
    result.state.reserve(snap->size());
    for (auto& [key, value] : *snap)
      result.state.emplace_back(key, value);
  } else {
    report(snap.error());
  }
  return result;
}

// -- input -----------------------------------------------------------------------

void master_store::on_message(const data_message& msg) {
  if (auto cmd = decode(msg); cmd && for_me(*cmd))
    dispatch(std::move(*cmd));
  for (auto& id : failed_writers_)
    writers_.erase(id);
  failed_writers_.clear();
}

void master_store::dispatch(format::internal_command&& cmd) {
  auto& from = cmd.sender;
  if (format::is_action(cmd.content)) {
    // An action without an open writer channel has no place in any order.
    if (auto w = writer(from))
      w->handle_event(from, cmd.seq, std::move(cmd.content));
    return;
  }
  if (auto x = content_as<format::nack_command>(cmd)) {
    if (x->seqs.size() == 1 && x->seqs.front() == 0)
      BROKER_INFO("[{}] store {}: clone {} asks to attach", log_name(), name(),
                  format::to_string(from));
    clones_.channel().handle_nack(from, x->seqs);
  } else if (auto x = content_as<format::cumulative_ack_command>(cmd)) {
    clones_.channel().handle_ack(from, x->seq);
  } else if (auto x = content_as<format::attach_writer_command>(cmd)) {
    attach_writer(from, *x);
  } else {
    on_writer_control(cmd);
  }
}

void master_store::on_writer_control(const format::internal_command& cmd) {
  auto w = writer(cmd.sender);
  if (!w)
    return;
  if (auto x = content_as<format::keepalive_command>(cmd))
    w->channel().handle_keepalive(cmd.sender, channel::keepalive{x->seq});
  else if (auto x = content_as<format::retransmit_failed_command>(cmd))
    w->channel().handle_retransmit_failed(cmd.sender,
                                          channel::retransmit_failed{x->seq});
}

void master_store::attach_writer(const format::entity_id& id,
                                 const format::attach_writer_command& x) {
  auto i = writers_.find(id);
  if (i == writers_.end()) {
    BROKER_DEBUG("[{}] store {}: writer channel from {}", log_name(), name(),
                 format::to_string(id));
    auto sink = [this](format::internal_command&& cmd, const node_id* to) {
      send(std::move(cmd), to);
    };
    auto deliver = [this](const format::command_content& content) {
      if (auto cmd = to_store_command(content))
        on_mutation(std::move(*cmd));
    };
    auto failed = [this, id](channel::failure) {
      BROKER_INFO("[{}] store {}: writer {} gone", log_name(), name(),
                  format::to_string(id));
      failed_writers_.push_back(id);
    };
    auto link = std::make_unique<consumer_link>(entity(), sink, deliver,
                                                failed, channel_config());
    i = writers_.emplace(id, std::move(link)).first;
  }
  i->second->channel().handle_handshake(
    id, channel::handshake{x.offset, x.heartbeat_interval});
}

consumer_link* master_store::writer(const format::entity_id& id) {
  auto i = writers_.find(id);
  return i != writers_.end() ? i->second.get() : nullptr;
}

// -- time ------------------------------------------------------------------------

bool master_store::idle() const {
  for (auto& [id, link] : writers_)
    if (link->channel().buffered() > 0)
      return false;
  return clones_.channel().idle();
}

store_stats::channel_state master_store::channel_state() const {
  store_stats::channel_state x;
  x.inputs = writers_.size();
  for (auto& [id, link] : writers_)
    x.out_of_order += link->channel().buffered();
  x.outputs = clones_.channel().num_consumers();
  x.unacknowledged = clones_.channel().buffered();
  return x;
}

void master_store::on_tick() {
  refresh_entries(true);
  clones_.channel().tick();
  for (auto& [id, link] : writers_)
    link->channel().tick();
  for (auto& id : failed_writers_)
    writers_.erase(id);
  failed_writers_.clear();
}

} // namespace broker::detail
