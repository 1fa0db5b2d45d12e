#pragma once

#include <functional>
#include <utility>

#include "store/channel_consumer.hh"
#include "store/command_convert.hh"
#include "store/command_sink.hh"

namespace broker::detail {

/// The receiving end of a replication channel on the wire: a
/// channel::consumer whose ACKs and NACKs become internal_commands. A clone
/// consumes its master's stream through one; a master consumes each
/// clone's writes through one.
class consumer_link final
  : public channel::consumer_backend<format::entity_id, command_ptr> {
public:
  using consumer_type = channel::consumer<format::entity_id, command_ptr>;
  using deliver_fn = std::function<void(const format::command_content&)>;
  using failure_fn = std::function<void(channel::failure)>;

  consumer_link(format::entity_id self, command_sink sink, deliver_fn deliver,
                failure_fn on_failure, channel::settings cfg)
    : self_(self),
      sink_(std::move(sink)),
      deliver_(std::move(deliver)),
      failure_(std::move(on_failure)),
      consumer_(this, cfg) {}

  consumer_type& channel() noexcept { return consumer_; }

  const consumer_type& channel() const noexcept { return consumer_; }

  /// Feeds an action with its channel sequence number.
  void handle_event(const format::entity_id& from, uint64_t seq,
                    format::command_content x) {
    consumer_.handle_event(
      from, channel::event<command_ptr>{
              seq, std::make_shared<const format::command_content>(
                     std::move(x))});
  }

  void send(const format::entity_id& to,
            const channel::consumer_message& msg) override {
    emit(msg, to, &to.endpoint);
  }

  void broadcast(const channel::consumer_message& msg) override {
    emit(msg, format::entity_id{}, nullptr);
  }

  void deliver(command_ptr x) override { deliver_(*x); }

  void on_failure(channel::failure why) override { failure_(why); }

private:
  void emit(const channel::consumer_message& msg,
            const format::entity_id& receiver, const node_id* target) {
    format::internal_command cmd;
    cmd.sender = self_;
    cmd.receiver = receiver;
    if (auto ack = std::get_if<channel::cumulative_ack>(&msg))
      cmd.content = format::cumulative_ack_command{ack->seq};
    else
      cmd.content = format::nack_command{std::get<channel::nack>(msg).seqs};
    sink_(std::move(cmd), target);
  }

  format::entity_id self_;
  command_sink sink_;
  deliver_fn deliver_;
  failure_fn failure_;
  consumer_type consumer_;
};

} // namespace broker::detail
