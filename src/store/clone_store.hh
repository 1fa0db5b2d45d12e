#pragma once

#include <map>
#include <optional>
#include <vector>

#include "broker/snapshot.hh"
#include "store/store_frontend.hh"

namespace broker::detail {

/// Timing of a clone, from `attach_clone` (seconds there).
struct clone_timing {
  timespan resync_interval;
  /// Negative: never stale once synchronised.
  timespan stale_interval;
  timespan mutation_buffer_interval;
};

/// A replica of a master's store on another endpoint (docs/stores.md, "Masters and clones").
/// It answers queries from its own copy, forwards mutations to the master,
/// and applies the master's numbered updates in order; a gap, a lost master
/// or a new peering makes it ask for a fresh snapshot.
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
  void on_stop() override;

private:
  void on_status(const data& x);
  void on_update(store_command cmd);
  void apply_snapshot(store_command& cmd);
  void apply_update(const store_command& cmd);
  void emit_snapshot_events(const table& content, const publisher_id& who);
  void request_snapshot();
  void schedule_resync();
  void master_lost();
  void forward(store_command cmd);
  /// Whether a mutation without a master may still wait for one.
  bool can_buffer() const;
  /// Sends a put_unique to the master, or holds it until there is one.
  void ask_master(store_query q, store_responder r);
  void fail_pending(const error& why);
  /// The stale interval passed without a master.
  void give_up();
  void erase_key(const data& key, const publisher_id& who);

  clone_timing timing_;
  topic master_topic_;
  broker::snapshot cache_;
  node_id master_;
  uint64_t seq_ = 0;
  bool synced_ = false;
  bool stale_ = true;
  /// Set when the stale interval passes without a master: no put_unique
  /// waits for it any longer (mutations still do, for their buffer time).
  bool gave_up_ = false;
  /// Bumped whenever the clone loses or finds its master, so that timers
  /// armed for an earlier state do nothing.
  uint64_t generation_ = 0;
  std::vector<store_command> early_updates_;
  std::vector<store_command> mutation_buffer_;
  timestamp buffer_until_;
  std::map<uint64_t, store_responder> pending_;
  uint64_t next_request_ = 0;
};

} // namespace broker::detail
