#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "broker/frontend.hh"

namespace broker::detail {

/// What a store counts, by kind (the `op` label of
/// `broker_store_operations_total`, docs/metrics.md).
enum class store_op : uint8_t {
  put,
  put_unique,
  erase,
  add,
  subtract,
  clear,
  expire,
  query,
};

constexpr size_t store_op_count = 8;

/// The label value: "put", "put_unique", "erase", ...
const char* to_string(store_op x) noexcept;

/// The counters of one master or clone. The store's thread writes them,
/// the metrics read them from the core thread: relaxed atomics, and since
/// there is one writer, an increment is a load and a store (no locked
/// read-modify-write on the store's hot path).
class store_stats {
public:
  void count(store_op op) noexcept { bump(ops_[static_cast<size_t>(op)]); }

  /// A mutation applied to the store's content (upstream's
  /// broker_store_processed_updates_total).
  void count_update() noexcept { bump(updates_); }

  void set_entries(uint64_t n) noexcept {
    entries_.store(n, std::memory_order_relaxed);
  }

  uint64_t entries() const noexcept {
    return entries_.load(std::memory_order_relaxed);
  }

  uint64_t updates() const noexcept {
    return updates_.load(std::memory_order_relaxed);
  }

  uint64_t operations(store_op op) const noexcept {
    return ops_[static_cast<size_t>(op)].load(std::memory_order_relaxed);
  }

  /// The replication channels' state (upstream's store channel gauges).
  struct channel_state {
    uint64_t inputs = 0;
    uint64_t outputs = 0;
    /// Updates received ahead of a gap, waiting for it to fill.
    uint64_t out_of_order = 0;
    /// Updates sent and not acknowledged by every consumer yet.
    uint64_t unacknowledged = 0;
  };

  void set_channels(const channel_state& x) noexcept {
    constexpr auto relaxed = std::memory_order_relaxed;
    inputs_.store(x.inputs, relaxed);
    outputs_.store(x.outputs, relaxed);
    out_of_order_.store(x.out_of_order, relaxed);
    unacknowledged_.store(x.unacknowledged, relaxed);
  }

  channel_state channels() const noexcept {
    constexpr auto relaxed = std::memory_order_relaxed;
    return {inputs_.load(relaxed), outputs_.load(relaxed),
            out_of_order_.load(relaxed), unacknowledged_.load(relaxed)};
  }

private:
  static void bump(std::atomic<uint64_t>& x) noexcept {
    x.store(x.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::atomic<uint64_t> entries_{0};
  std::atomic<uint64_t> updates_{0};
  std::array<std::atomic<uint64_t>, store_op_count> ops_{};
  std::atomic<uint64_t> inputs_{0};
  std::atomic<uint64_t> outputs_{0};
  std::atomic<uint64_t> out_of_order_{0};
  std::atomic<uint64_t> unacknowledged_{0};
};

/// One store's counters as of a moment (store_registry::stats()).
struct store_summary {
  frontend kind = frontend::master;
  std::string name;
  uint64_t entries = 0;
  uint64_t updates = 0;
  std::array<uint64_t, store_op_count> operations{};
  store_stats::channel_state channels;
};

} // namespace broker::detail
