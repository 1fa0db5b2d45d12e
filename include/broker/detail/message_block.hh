#pragma once

#include <atomic>
#include <cstdint>

#include "broker/data.hh"
#include "broker/topic.hh"

namespace broker::detail {

/// The shared, reference-counted content of a `data_message`. Blocks are
/// recycled through a per-thread pool (src/data/message_pool.cc): a block
/// whose last reference drops keeps its (small) content until a thread
/// reuses the block, so that the content is freed by the thread that
/// allocates the next message rather than by the subscriber's thread.
/// Freeing on the allocating thread keeps glibc's malloc on its lock-free
/// per-thread cache instead of its arena lock.
struct message_block {
  message_block(topic t, data d) : topic_(std::move(t)), data_(std::move(d)) {}

  std::atomic<uint32_t> refs{1};
  /// Link in a pool's free list.
  message_block* next = nullptr;
  /// Whether the pool may keep the content alive until the block's reuse
  /// (decided at creation, while the content is still in the cache).
  bool small = false;
  /// A store command (a type-2 node message) rather than data: `data_`
  /// then holds the encoded command as a string (docs/stores.md).
  bool command = false;
  topic topic_;
  data data_;
};

/// A block holding `t` and `d` with one reference, from the pool if possible.
message_block* make_message_block(topic t, data d);

/// A block with one reference whose content is whatever its previous use
/// left (or empty): for writing a message in place, e.g. decoding into the
/// buffers a recycled message still owns. Call `seal_message_block` once
/// the content is final.
message_block* reuse_message_block();

/// Records whether the pool may keep the final content of `ptr` alive.
void seal_message_block(message_block* ptr) noexcept;

/// Called when the last reference to `ptr` went away.
void recycle_message_block(message_block* ptr) noexcept;

inline void retain(message_block* ptr) noexcept {
  if (ptr)
    ptr->refs.fetch_add(1, std::memory_order_relaxed);
}

inline void release(message_block* ptr) noexcept {
  if (ptr && ptr->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    recycle_message_block(ptr);
}

/// Returns blocks of the calling thread's pool cache to the shared pool;
/// tests use it to make pool state deterministic.
void flush_message_pool() noexcept;

} // namespace broker::detail
