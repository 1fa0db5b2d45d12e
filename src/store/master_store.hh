#pragma once

#include <memory>
#include <optional>

#include "store/abstract_backend.hh"
#include "store/store_frontend.hh"

namespace broker::detail {

/// The authoritative copy of a store (docs/stores.md, "Masters and clones"). Applies every
/// mutation, local or from a clone, to its backend, emits the store events,
/// and broadcasts the result to the clones as a numbered update.
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
  void begin_batch() override;
  void end_batch() override;

private:
  void apply_put(const store_command& cmd);
  void apply_put_unique(const store_command& cmd, bool* inserted);
  void apply_erase(const store_command& cmd);
  void apply_clear(const store_command& cmd);
  void apply_add_or_subtract(const store_command& cmd);
  void send_snapshot(const node_id& clone);
  void answer_put_unique(const store_command& cmd);
  /// True (and the update numbered) if no peer could receive an update.
  bool skip_broadcast();
  void broadcast(store_command cmd);
  void arm_expiry(const data& key, timestamp when);
  void on_expiry(const data& key);
  void emit_change(const data& key, const std::optional<data>& old_value,
                   const data& new_value, std::optional<timespan> expiry,
                   const publisher_id& who);
  std::optional<timestamp> absolute(std::optional<timespan> expiry) const;
  std::optional<data> lookup(const data& key);
  void fail(const error& err, const char* what, const data& key);

  std::unique_ptr<abstract_backend> backend_;
  topic clone_topic_;
  uint64_t seq_ = 0;
};

} // namespace broker::detail
