#pragma once

#include "net/connection.hh"

namespace broker::net {

/// Where a connection stands (docs/protocol.md §5.2 for the handshake
/// states).
enum class connection::state : uint8_t {
  tls,                   ///< TLS handshake under way
  await_hello_or_select, ///< connector: the peer's hello or version_select
  await_hello,           ///< acceptor: the connector's hello
  await_version_select,  ///< we sent hello as the larger id
  await_orig_syn,        ///< responder: the originator's filter
  await_resp_syn_ack,    ///< originator: the responder's filter
  await_orig_ack,        ///< responder: the originator's last word
  probing,               ///< handshake done, extension probe in flight
  ready,                 ///< peered
  leaving,               ///< BYE sent, waiting for its pong
};

} // namespace broker::net
