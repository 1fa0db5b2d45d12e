#pragma once

#include <chrono>

/// Default timeouts of the API, in whole seconds as upstream.
namespace broker::timeout {

using seconds = std::chrono::seconds;

/// How long a synchronous `endpoint::peer` waits for a handshake step, and
/// the default retry interval of `peer`/`peer_nosync`.
constexpr seconds peer{10};

/// How long a blocking subscription change waits for the core.
constexpr seconds subscribe{5};

/// How long a store frontend waits for a reply from its backend.
constexpr seconds frontend{10};

} // namespace broker::timeout
