#pragma once

// The handshake messages of Broker's native peering protocol v1
// (docs/protocol.md §5): what two endpoints exchange between the TCP (and
// TLS) connect and the first node message. Pure codec: every `write_*`
// appends one complete frame (length prefix included) to a caller-owned
// buffer; `read_handshake` parses one frame body.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "broker/node_id.hh"
#include "broker/topic.hh"

namespace broker::format {

/// "ZEEK", the magic number of hello, probe, version_select and drop_conn.
inline constexpr uint32_t magic_number = 0x5A45454B;

/// The only protocol version every Zeek 5.0-8.x speaks.
inline constexpr uint8_t protocol_version = 1;

/// The type byte of every v1 message: the first byte of a handshake frame,
/// the type field of a node message. 1-5 are node messages, 6-12 handshake
/// messages.
enum class msg_type : uint8_t {
  data = 1,
  command = 2,
  routing_update = 3,
  ping = 4,
  pong = 5,
  hello = 6,
  probe = 7,
  version_select = 8,
  drop_conn = 9,
  originator_syn = 10,
  responder_syn_ack = 11,
  originator_ack = 12,
};

/// The lowercase name of a message type, or "unknown".
const char* to_string(msg_type type) noexcept;

/// Error codes as upstream 2.3+ numbers them on the wire (in drop_conn).
/// They differ from 2.1's `broker::ec` above 19; we name only those we
/// send or act on, and print the others by number.
enum class drop_code : uint8_t {
  unspecified = 1,
  peer_incompatible = 2,
  invalid_message = 20,
  shutting_down = 28,
  wrong_magic_number = 38,
  redundant_connection = 39,
  logic_error = 40,
};

/// Upstream's name of a wire error code (e.g. "redundant_connection"), or
/// "unspecified" for a number beyond the codes upstream knows.
const char* to_string(drop_code code) noexcept;

struct hello_msg {
  node_id sender;
  uint8_t min_version = protocol_version;
  uint8_t max_version = protocol_version;
};

struct probe_msg {};

struct version_select_msg {
  node_id sender;
  uint8_t version = protocol_version;
};

struct drop_conn_msg {
  node_id sender;
  drop_code code = drop_code::unspecified;
  std::string description;
};

struct originator_syn_msg {
  filter_type filter;
};

struct responder_syn_ack_msg {
  filter_type filter;
};

struct originator_ack_msg {};

/// A decoded handshake frame; `std::monostate` when decoding failed.
using handshake_msg
  = std::variant<std::monostate, hello_msg, probe_msg, version_select_msg,
                 drop_conn_msg, originator_syn_msg, responder_syn_ack_msg,
                 originator_ack_msg>;

/// Why a handshake frame was rejected: the code to answer with in a
/// drop_conn, and upstream's text for it.
struct handshake_failure {
  drop_code code = drop_code::invalid_message;
  std::string text;
};

// -- encoders (each appends one whole frame) -----------------------------------

void write_hello(const hello_msg& x, std::vector<uint8_t>& out);
void write_probe(std::vector<uint8_t>& out);
void write_version_select(const version_select_msg& x,
                          std::vector<uint8_t>& out);
void write_drop_conn(const drop_conn_msg& x, std::vector<uint8_t>& out);
/// False (and nothing appended) if the filter does not fit a frame.
bool write_originator_syn(const filter_type& filter, std::vector<uint8_t>& out);
bool write_responder_syn_ack(const filter_type& filter,
                             std::vector<uint8_t>& out);
void write_originator_ack(std::vector<uint8_t>& out);

/// Appends any decoded message again; false for `std::monostate` or a
/// filter that does not fit a frame.
bool write_handshake(const handshake_msg& msg, std::vector<uint8_t>& out);

// -- decoder -------------------------------------------------------------------

/// Parses one handshake frame body (without its length prefix). Checks what
/// upstream checks: a known tag, a complete body, the magic number, a hello
/// range containing version 1, a selected version of 1. Trailing bytes are
/// ignored, as upstream does. On failure returns `std::monostate` and fills
/// `failure`.
handshake_msg read_handshake(const uint8_t* body, size_t size,
                             handshake_failure& failure);

// -- filters -------------------------------------------------------------------

/// Appends a filter in the wire's layout: vb(count), then vb(len) + bytes
/// per topic.
void put_filter(const filter_type& filter, std::vector<uint8_t>& out);

/// Reads a filter from `[pos, end)`, advancing `pos`. False on truncation,
/// a count or length beyond the remaining input, or a length over 2^32.
bool get_filter(const uint8_t*& pos, const uint8_t* end, filter_type& out);

} // namespace broker::format
