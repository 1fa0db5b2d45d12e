#pragma once

#include <chrono>
#include <optional>

#include "broker/endpoint.hh"
#include "broker/topic.hh"
#include "event_loop.hh"

namespace broker::tools {

/// Whether some peer's filter covers `t` and every peer is past its
/// handshake, i.e. a publication on `t` would leave this endpoint.
bool has_subscriber(endpoint& ep, const topic& t);

/// Runs `loop` until a peer's filter covers `t` (true), or until the
/// timeout passes or a signal arrives (false). Filters arrive without a
/// status event, so the loop checks every 10 ms.
bool wait_for_subscriber(endpoint& ep, event_loop& loop, const topic& t,
                         double timeout_s);

/// Bytes in this process's TCP sockets that their peers have not
/// acknowledged yet (SIOCOUTQ summed over the sockets in /proc/self/fd).
size_t unacknowledged_bytes();

/// Runs `loop` until no TCP socket of the process held unacknowledged
/// bytes for 5 ms (true), or until a signal or `stall_timeout_s` seconds
/// in which the queued bytes did not shrink (false). endpoint::shutdown
/// itself delivers what is queued, but gives up after
/// broker.unpeer-timeout and says nothing about it; a tool waits here
/// first so that a slow peer gets longer and a stall becomes its exit code.
bool wait_until_sent(event_loop& loop, double stall_timeout_s);

/// A deadline `secs` from now; nothing for secs < 0 (no deadline).
std::optional<event_loop::clock::time_point> deadline_in(double secs);

} // namespace broker::tools
