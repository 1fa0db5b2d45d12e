#pragma once

#include <chrono>

/// Upstream's timeout constants, in whole seconds. Calls that wait for the
/// endpoint's core (peers(), listen, unpeer, an in-process peer, blocking
/// subscription changes, ...) use broker.core-call-timeout instead
/// (docs/configuration.md).
namespace broker::timeout {

using seconds = std::chrono::seconds;

/// The default retry interval of `peer`/`peer_nosync` (upstream: also how
/// long a synchronous peering waits for a handshake step).
constexpr seconds peer{10};

/// Upstream's wait for a blocking subscription change; kept for source
/// compatibility, unused here.
constexpr seconds subscribe{5};

/// How long a store frontend waits for a reply from its backend.
constexpr seconds frontend{10};

} // namespace broker::timeout
