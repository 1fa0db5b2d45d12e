#pragma once

#include <functional>
#include <utility>

#include "store/channel_producer.hh"
#include "store/command_convert.hh"
#include "store/command_sink.hh"

namespace broker::detail {

/// The sending end of a replication channel on the wire: a
/// channel::producer whose messages become internal_commands. A master
/// feeds its clones through one (handshake: ack_clone); a clone feeds its
/// writes to the master through one (handshake: attach_writer).
class producer_link final
  : public channel::producer_backend<format::entity_id, command_ptr> {
public:
  using producer_type = channel::producer<format::entity_id, command_ptr>;

  /// Builds the handshake command for a consumer.
  using handshake_fn =
    std::function<format::command_content(const channel::handshake&)>;

  /// `broadcast_to` is the receiver of broadcasts: nil for a master's,
  /// the master's entity for a clone's writes.
  producer_link(format::entity_id self, format::entity_id broadcast_to,
                command_sink sink, handshake_fn handshake,
                channel::settings cfg, producer_type::catch_up mode)
    : self_(self),
      broadcast_to_(broadcast_to),
      sink_(std::move(sink)),
      handshake_(std::move(handshake)),
      producer_(this, cfg, mode) {}

  producer_type& channel() noexcept { return producer_; }

  const producer_type& channel() const noexcept { return producer_; }

  const format::entity_id& self() const noexcept { return self_; }

  void set_broadcast_receiver(const format::entity_id& x) { broadcast_to_ = x; }

  /// Numbers an action and sends it (or holds it, see catch_up).
  void produce(format::command_content x) {
    producer_.produce(std::make_shared<const format::command_content>(
      std::move(x)));
  }

  void send(const format::entity_id& to, const message& msg) override {
    emit(msg, to, &to.endpoint);
  }

  void broadcast(const message& msg) override {
    emit(msg, broadcast_to_, nullptr);
  }

  void on_drop(const format::entity_id&) override {
    // A dropped consumer re-attaches on its own (NACK 0 or attach_writer).
  }

private:
  void emit(const message& msg, const format::entity_id& receiver,
            const node_id* target) {
    format::internal_command cmd;
    cmd.sender = self_;
    cmd.receiver = receiver;
    std::visit([&](const auto& x) { fill(cmd, x); }, msg);
    sink_(std::move(cmd), target);
  }

  void fill(format::internal_command& cmd, const channel::handshake& x) {
    cmd.content = handshake_(x);
    // ack_clone carries its offset as the command's sequence number too.
    if (std::holds_alternative<format::ack_clone_command>(cmd.content))
      cmd.seq = x.offset;
  }

  void fill(format::internal_command& cmd,
            const channel::event<command_ptr>& x) {
    cmd.seq = x.seq;
    cmd.content = *x.content;
  }

  void fill(format::internal_command& cmd, const channel::keepalive& x) {
    cmd.content = format::keepalive_command{x.seq};
  }

  void fill(format::internal_command& cmd,
            const channel::retransmit_failed& x) {
    cmd.content = format::retransmit_failed_command{x.seq};
  }

  format::entity_id self_;
  format::entity_id broadcast_to_;
  command_sink sink_;
  handshake_fn handshake_;
  producer_type producer_;
};

} // namespace broker::detail
