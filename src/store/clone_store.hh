#pragma once

#include <map>
#include <optional>
#include <vector>

#include "broker/snapshot.hh"
#include "store/consumer_link.hh"
#include "store/producer_link.hh"
#include "store/store_frontend.hh"

namespace broker::detail {

/// Timing of a clone, from `attach_clone` (seconds there).
/// (`resync_interval` has no equivalent: attach requests repeat every NACK
/// timeout of the replication channel, as in upstream 2.3+.)
struct clone_timing {
  /// Negative: never stale once synchronised.
  timespan stale_interval;
  timespan mutation_buffer_interval;
};

/// A replica of a master's store on another endpoint (docs/stores.md,
/// "Masters and clones"). It answers queries from its own copy, consumes
/// the master's replication channel, and sends its mutations to the master
/// over a writer channel of its own (docs/stores.md, "Replication"): the
/// wire protocol of upstream 2.3+.
class clone_store : public store_frontend {
public:
  clone_store(std::shared_ptr<store_host> owner, std::string name,
              publisher_id id, clone_timing timing);

  /// Stops first: the stop hook runs on the thread and uses this class.
  ~clone_store() override { stop(); }

  frontend kind() const noexcept override { return frontend::clone; }

protected:
  void on_start() override;
  void on_message(const data_message& msg) override;
  void on_query(store_query q, store_responder r) override;
  void on_mutation(store_command cmd) override;
  void on_tick() override;
  void on_stop() override;
  bool idle() const override;
  store_stats::channel_state channel_state() const override;

private:
  // -- the master's stream (clone_channels.cc) --------------------------------

  void dispatch(format::internal_command&& cmd);
  void on_ack_clone(const format::entity_id& from,
                    const format::ack_clone_command& x);
  void on_writer_control(const format::internal_command& cmd);
  void on_status(const data& x);
  void on_input_failure(channel::failure why);
  void attach();
  void master_lost();
  void open_writer();
  void send(format::internal_command&& cmd, const node_id* target);

  // -- the local copy (clone_store.cc) ----------------------------------------

  void load_snapshot(const format::snapshot_entries& state,
                     const format::entity_id& master);
  void apply_update(const format::command_content& content);
  void apply_update(const store_command& cmd);
  /// Counts an update from the master that changes the content.
  void count_update(store_command::tag t);
  void emit_snapshot_events(const format::snapshot_entries& state,
                            const publisher_id& who);
  void erase_key(const data& key, const publisher_id& who);
  void answer(const store_command& result);
  /// Whether a mutation without a master may still wait for one.
  bool can_buffer() const;
  /// Drops held mutations once the buffer interval passed without master.
  void expire_buffer();
  /// Sends a put_unique to the master, or holds it until there is one.
  void ask_master(store_query q, store_responder r);
  void fail_pending(const error& why);
  /// Answers the reads from the local copy (kind != put_unique).
  void read_cache(const store_query& q, const store_responder& r);
  /// Runs the held reads again: answered once synchronised or given up.
  void answer_held_reads();
  /// The stale interval passed without a master.
  void give_up();
  bool has_master() const;

  clone_timing timing_;
  topic master_topic_;
  /// The master's stream to us.
  consumer_link input_;
  /// Our mutations to the master; held while there is none.
  producer_link writes_;
  broker::snapshot cache_;
  std::optional<format::entity_id> master_;
  bool stale_ = true;
  /// Set when the stale interval passes without a master: no put_unique
  /// waits for it any longer (mutations still do, for their buffer time).
  bool gave_up_ = false;
  /// Bumped whenever the clone loses or finds its master, so that timers
  /// armed for an earlier state do nothing.
  uint64_t generation_ = 0;
  timestamp buffer_until_;
  std::map<uint64_t, store_responder> pending_;
  /// Reads that arrived before the clone first found its master; they
  /// wait for it as upstream's do (at most the mutation buffer interval).
  std::vector<std::pair<store_query, store_responder>> held_reads_;
  uint64_t next_request_ = 0;
};

} // namespace broker::detail
