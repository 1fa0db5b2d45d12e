// The clone's side of replication (docs/stores.md, "Replication"): the
// master's stream to us, our writer channel to the master, and finding the
// master again when it goes away.
#include "store/clone_store.hh"

#include "broker/status.hh"
#include "log/log.hh"

namespace broker::detail {

void clone_store::send(format::internal_command&& cmd, const node_id* target) {
  send_command(master_topic_, std::move(cmd), target);
}

// -- input -----------------------------------------------------------------------

void clone_store::on_message(const data_message& msg) {
  if (get_topic(msg) == topic::statuses()) {
    on_status(get_data(msg));
    return;
  }
  if (auto cmd = decode(msg); cmd && for_me(*cmd))
    dispatch(std::move(*cmd));
}

void clone_store::dispatch(format::internal_command&& cmd) {
  auto& from = cmd.sender;
  auto& in = input_.channel();
  if (auto x = content_as<format::ack_clone_command>(cmd))
    on_ack_clone(from, *x);
  else if (format::is_action(cmd.content))
    input_.handle_event(from, cmd.seq, std::move(cmd.content));
  else if (auto x = content_as<format::keepalive_command>(cmd))
    in.handle_keepalive(from, channel::keepalive{x->seq});
  else if (auto x = content_as<format::retransmit_failed_command>(cmd))
    in.handle_retransmit_failed(from, channel::retransmit_failed{x->seq});
  else
    on_writer_control(cmd);
}

void clone_store::on_ack_clone(const format::entity_id& from,
                               const format::ack_clone_command& x) {
  auto& in = input_.channel();
  channel::handshake hs{x.offset, x.heartbeat_interval};
  if (in.running()) {
    in.handle_handshake(from, hs); // a repeat: acknowledged, not loaded
    return;
  }
  BROKER_INFO("[{}] store {}: clone {} with master {} ({} entries)",
              log_name(), name(), master_ ? "resynchronised" : "attached",
              format::to_string(from), x.state.size());
  // The snapshot goes in first: the events the handshake releases from the
  // consumer's buffer apply on top of it.
  load_snapshot(x.state, from);
  in.handle_handshake(from, hs);
  if (master_ && *master_ != from)
    writes_.channel().drop(*master_);
  master_ = from;
  stale_ = false;
  gave_up_ = false;
  ++generation_;
  writes_.set_broadcast_receiver(from);
  open_writer();
  answer_held_reads();
}

void clone_store::on_writer_control(const format::internal_command& cmd) {
  auto& out = writes_.channel();
  if (auto x = content_as<format::cumulative_ack_command>(cmd))
    out.handle_ack(cmd.sender, x->seq);
  else if (auto x = content_as<format::nack_command>(cmd))
    out.handle_nack(cmd.sender, x->seqs);
}

void clone_store::open_writer() {
  // attach_writer goes out now; held mutations follow it.
  if (master_ && !writes_.channel().has_consumer(*master_))
    writes_.channel().add(*master_);
}

// -- finding the master ------------------------------------------------------------

void clone_store::attach() {
  BROKER_DEBUG("[{}] store {}: clone asks for its master", log_name(), name());
  input_.channel().attach();
}

void clone_store::on_status(const data& x) {
  status st;
  if (!convert(x, st) || !st.context())
    return;
  auto code = st.code();
  if (code == sc::peer_added && !input_.channel().running())
    attach(); // a new peer may have the master: ask at once
  else if ((code == sc::peer_lost || code == sc::peer_removed) && master_
           && st.context()->node == master_->endpoint)
    master_lost();
}

void clone_store::on_input_failure(channel::failure why) {
  if (why == channel::failure::connection_timeout) {
    master_lost();
    return;
  }
  // The master lost events we missed: start over from a fresh snapshot,
  // serving the current copy meanwhile.
  BROKER_INFO("[{}] store {}: clone missed updates, resynchronising",
              log_name(), name());
  attach();
}

void clone_store::master_lost() {
  if (!master_)
    return;
  BROKER_INFO("[{}] store {}: clone lost its master {}; looking for one",
              log_name(), name(), format::to_string(*master_));
  // Unacknowledged writes stay in the writer channel for the next master.
  writes_.channel().drop(*master_);
  master_.reset();
  ++generation_;
  buffer_until_ = now() + timing_.mutation_buffer_interval;
  if (timing_.stale_interval.count() >= 0)
    at(now() + timing_.stale_interval, [this, gen = generation_] {
      if (gen == generation_)
        give_up();
    });
  attach();
}

// -- time ------------------------------------------------------------------------

bool clone_store::idle() const {
  return pending_.empty() && held_reads_.empty()
         && input_.channel().buffered() == 0 && writes_.channel().idle();
}

store_stats::channel_state clone_store::channel_state() const {
  store_stats::channel_state x;
  x.inputs = master_ ? 1 : 0;
  x.out_of_order = input_.channel().buffered();
  x.outputs = writes_.channel().num_consumers();
  x.unacknowledged = writes_.channel().buffered();
  return x;
}

void clone_store::on_tick() {
  input_.channel().tick();
  writes_.channel().tick();
  // A master that dropped our writer channel (silent for too long) gets a
  // fresh attach_writer; the unacknowledged writes follow it.
  if (master_ && input_.channel().running())
    open_writer();
  expire_buffer();
}

void clone_store::expire_buffer() {
  if (master_ || can_buffer())
    return;
  answer_held_reads(); // stale_data: no master came in time
  if (auto n = writes_.channel().drop_held(); n > 0) {
    // Upstream drops them silently; nothing should fail unseen.
    report(error{ec::no_such_master,
                 "store " + name() + ": " + std::to_string(n)
                   + " mutation(s) dropped, the clone has no master and its "
                     "mutation buffer expired"});
    fail_pending(error{ec::no_such_master,
                       "store " + name() + ": no master to ask, "
                                           "its mutation buffer expired"});
  }
}

} // namespace broker::detail
