#pragma once

#include <cstddef>
#include <cstdint>

namespace broker::defaults {

/// Hops a published message may travel (`broker.ttl`).
inline constexpr uint16_t ttl = 20;

/// Messages a subscriber buffers before its overflow policy applies
/// (`broker.subscriber-buffer-size`). Large enough that a reader that falls
/// behind loses nothing in bursts of tens of thousands of messages.
inline constexpr size_t subscriber_buffer_size = 65536;

/// Messages queued from user threads to an endpoint's core before
/// `publish` waits for the core to catch up (`broker.core-inbox-size`).
/// The inbox's memory is this many messages plus the batch the core drains
/// (bench/stuck_peer.py: 16384 grew a publisher of 1 KiB messages by about
/// 80 MiB, 4096 by 34 MiB); throughput was the same within noise.
inline constexpr size_t core_inbox_size = 4096;

/// Messages pending toward one peer before the peer overflow policy applies
/// (`broker.peer-buffer-size`).
inline constexpr size_t peer_buffer_size = 65536;

/// Bytes of encoded messages queued toward one TCP peer before the peer
/// overflow policy applies (`broker.peer-buffer-bytes`). With the write in
/// progress, a stuck peer holds at most about twice this in the publisher.
inline constexpr size_t peer_buffer_bytes = 8 * 1024 * 1024;

/// Microseconds an idle core or store thread keeps polling for work before
/// it sleeps, and a blocking store query polls for its answer
/// (`broker.core-spin-us`; 0 = sleep at once).
inline constexpr size_t core_spin_us = 50;

/// The fixed queue capacity of a `publisher`, as upstream.
inline constexpr size_t publisher_capacity = 30;

} // namespace broker::defaults
