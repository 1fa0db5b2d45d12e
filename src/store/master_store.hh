#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "store/abstract_backend.hh"
#include "store/consumer_link.hh"
#include "store/producer_link.hh"
#include "store/store_frontend.hh"

namespace broker::detail {

/// The authoritative copy of a store (docs/stores.md, "Masters and
/// clones"). Applies every mutation, local or from a clone's writer
/// channel, to its backend, emits the store events, and feeds the result to
/// the clones over its replication channel (docs/stores.md,
/// "Replication"): the wire protocol of upstream 2.3+.
class master_store : public store_frontend {
public:
  master_store(std::shared_ptr<store_host> owner, std::string name,
               publisher_id id, std::unique_ptr<abstract_backend> backend);

  frontend kind() const noexcept override { return frontend::master; }

protected:
  void on_start() override;
  void on_message(const data_message& msg) override;
  void on_query(store_query q, store_responder r) override;
  void on_mutation(store_command cmd) override;
  void on_tick() override;
  void begin_batch() override;
  void end_batch() override;
  bool idle() const override;
  store_stats::channel_state channel_state() const override;

private:
  // -- mutations (master_store.cc) --------------------------------------------

  void apply_put(const store_command& cmd);
  bool apply_put_unique(const store_command& cmd);
  void answer_put_unique(const store_command& cmd);
  void apply_erase(const store_command& cmd);
  void apply_clear(const store_command& cmd);
  void apply_add_or_subtract(const store_command& cmd);
  void arm_expiry(const data& key, timestamp when);
  void on_expiry(const data& key);
  void emit_change(const data& key, const std::optional<data>& old_value,
                   const data& new_value, std::optional<timespan> expiry,
                   const publisher_id& who);
  std::optional<timestamp> absolute(std::optional<timespan> expiry) const;
  std::optional<data> lookup(const data& key);
  void fail(const error& err, const char* what, const data& key);

  // -- metrics ----------------------------------------------------------------

  /// Counts the backend's entries if they changed; unless `force`, at most
  /// once per tick interval.
  void refresh_entries(bool force);

  // -- replication (master_channels.cc) ---------------------------------------

  /// Sends an action to the clones.
  void broadcast(const store_command& cmd);
  /// True (and the action numbered) if no clone listens: building the
  /// update would be wasted work.
  bool no_clones();
  void dispatch(format::internal_command&& cmd);
  void on_writer_control(const format::internal_command& cmd);
  void attach_writer(const format::entity_id& writer,
                     const format::attach_writer_command& x);
  consumer_link* writer(const format::entity_id& id);
  format::command_content make_ack_clone(const channel::handshake& hs);
  void send(format::internal_command&& cmd, const node_id* target);

  std::unique_ptr<abstract_backend> backend_;
  topic clone_topic_;
  /// The stream to the clones.
  producer_link clones_;
  /// One input channel per clone that writes through us.
  std::map<format::entity_id, std::unique_ptr<consumer_link>> writers_;
  /// Writers whose channel failed, removed after the current call.
  std::vector<format::entity_id> failed_writers_;
  /// The entries gauge needs a count (store_stats).
  bool entries_stale_ = true;
  std::chrono::steady_clock::time_point entries_counted_;
};

} // namespace broker::detail
