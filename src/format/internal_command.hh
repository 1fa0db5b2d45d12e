#pragma once

// The store commands Zeek's peers exchange as payloads of type-2 node
// messages (docs/protocol.md §9): a channel sequence number, sender and
// receiver entities, and one of 14 command types. Pure codec: no sockets,
// no clocks, no store logic.
//
// Every command type lists its wire fields, in wire order, in `fields()`;
// the encoder, the decoder and the comparisons all walk that one list, so a
// field cannot be added to one of them and forgotten in another.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/expected.hh"
#include "broker/node_id.hh"
#include "broker/time.hh"
#include "broker/topic.hh"
#include "format/limits.hh"
#include "format/wire_tag.hh"

namespace broker::format {

// -- entities -------------------------------------------------------------------

/// An object inside an endpoint: a store frontend, master or clone. The nil
/// entity (all zero) addresses everyone (a broadcast receiver).
struct entity_id {
  node_id endpoint;
  uint64_t object = 0;

  bool is_nil() const noexcept { return !endpoint && object == 0; }
};

/// endpoint (16) + object (8, big endian).
inline constexpr size_t entity_id_size = 24;

inline bool operator==(const entity_id& x, const entity_id& y) noexcept {
  return x.endpoint == y.endpoint && x.object == y.object;
}

inline bool operator!=(const entity_id& x, const entity_id& y) noexcept {
  return !(x == y);
}

/// By endpoint (the wire's byte order), then by object.
inline bool operator<(const entity_id& x, const entity_id& y) noexcept {
  return x.endpoint < y.endpoint
         || (x.endpoint == y.endpoint && x.object < y.object);
}

/// `nil`, or `<object>@<endpoint uuid>` (`<object>@nil` for an object
/// without an endpoint).
std::string to_string(const entity_id& x);

// -- command types ----------------------------------------------------------------

/// A store's whole content as ack_clone carries it, in wire order (so that a
/// decoded snapshot re-encodes to the same bytes). Keys are unique.
using snapshot_entries = std::vector<std::pair<data, data>>;

/// Stores `value` under `key`.
struct put_command {
  static constexpr uint8_t wire_index = 0;
  data key;
  data value;
  std::optional<timespan> expiry;
  entity_id publisher;
  auto fields() { return std::tie(key, value, expiry, publisher); }
  auto fields() const { return std::tie(key, value, expiry, publisher); }
};

/// Stores `value` unless `key` exists; `who` and `req_id` route the answer.
struct put_unique_command {
  static constexpr uint8_t wire_index = 1;
  data key;
  data value;
  std::optional<timespan> expiry;
  entity_id who;
  uint64_t req_id = 0;
  entity_id publisher;
  auto fields() {
    return std::tie(key, value, expiry, who, req_id, publisher);
  }
  auto fields() const {
    return std::tie(key, value, expiry, who, req_id, publisher);
  }
};

/// The master's answer to a put_unique.
struct put_unique_result_command {
  static constexpr uint8_t wire_index = 2;
  bool inserted = false;
  entity_id who;
  uint64_t req_id = 0;
  entity_id publisher;
  auto fields() { return std::tie(inserted, who, req_id, publisher); }
  auto fields() const { return std::tie(inserted, who, req_id, publisher); }
};

struct erase_command {
  static constexpr uint8_t wire_index = 3;
  data key;
  entity_id publisher;
  auto fields() { return std::tie(key, publisher); }
  auto fields() const { return std::tie(key, publisher); }
};

/// The master dropped `key` because its expiry passed.
struct expire_command {
  static constexpr uint8_t wire_index = 4;
  data key;
  entity_id publisher;
  auto fields() { return std::tie(key, publisher); }
  auto fields() const { return std::tie(key, publisher); }
};

/// Adds `value` to the value under `key`; a missing key starts as the
/// default value of `init_type`.
struct add_command {
  static constexpr uint8_t wire_index = 5;
  data key;
  data value;
  wire_tag init_type = wire_tag::none;
  std::optional<timespan> expiry;
  entity_id publisher;
  auto fields() { return std::tie(key, value, init_type, expiry, publisher); }
  auto fields() const {
    return std::tie(key, value, init_type, expiry, publisher);
  }
};

struct subtract_command {
  static constexpr uint8_t wire_index = 6;
  data key;
  data value;
  std::optional<timespan> expiry;
  entity_id publisher;
  auto fields() { return std::tie(key, value, expiry, publisher); }
  auto fields() const { return std::tie(key, value, expiry, publisher); }
};

struct clear_command {
  static constexpr uint8_t wire_index = 7;
  entity_id publisher;
  auto fields() { return std::tie(publisher); }
  auto fields() const { return std::tie(publisher); }
};

/// A clone opens its writer channel to the master.
struct attach_writer_command {
  static constexpr uint8_t wire_index = 8;
  uint64_t offset = 0;
  uint16_t heartbeat_interval = 0;
  auto fields() { return std::tie(offset, heartbeat_interval); }
  auto fields() const { return std::tie(offset, heartbeat_interval); }
};

/// A producer is idle; `seq` is its last sequence number.
struct keepalive_command {
  static constexpr uint8_t wire_index = 9;
  uint64_t seq = 0;
  auto fields() { return std::tie(seq); }
  auto fields() const { return std::tie(seq); }
};

/// A consumer has everything up to and including `seq`.
struct cumulative_ack_command {
  static constexpr uint8_t wire_index = 10;
  uint64_t seq = 0;
  auto fields() { return std::tie(seq); }
  auto fields() const { return std::tie(seq); }
};

/// A consumer misses `seqs`; `[0]` from a new clone asks to attach.
struct nack_command {
  static constexpr uint8_t wire_index = 11;
  std::vector<uint64_t> seqs;
  auto fields() { return std::tie(seqs); }
  auto fields() const { return std::tie(seqs); }
};

/// The master accepts a clone: its state as of `offset`.
struct ack_clone_command {
  static constexpr uint8_t wire_index = 12;
  uint64_t offset = 0;
  uint16_t heartbeat_interval = 0;
  snapshot_entries state;
  auto fields() { return std::tie(offset, heartbeat_interval, state); }
  auto fields() const { return std::tie(offset, heartbeat_interval, state); }
};

/// A producer cannot resend `seq` any more.
struct retransmit_failed_command {
  static constexpr uint8_t wire_index = 13;
  uint64_t seq = 0;
  auto fields() { return std::tie(seq); }
  auto fields() const { return std::tie(seq); }
};

/// The alternatives in wire order: the variant index is the content index.
using command_content =
  std::variant<put_command, put_unique_command, put_unique_result_command,
               erase_command, expire_command, add_command, subtract_command,
               clear_command, attach_writer_command, keepalive_command,
               cumulative_ack_command, nack_command, ack_clone_command,
               retransmit_failed_command>;

/// The highest content index on the wire.
inline constexpr uint8_t max_command_index = 13;

/// One store command. `seq` is the channel sequence number of actions and
/// ack_clone, 0 for the other control messages.
struct internal_command {
  uint64_t seq = 0;
  entity_id sender;
  entity_id receiver;
  command_content content;
  auto fields() { return std::tie(seq, sender, receiver, content); }
  auto fields() const { return std::tie(seq, sender, receiver, content); }
};

/// Field-wise equality of commands (reals compare as `data` does, so a NaN
/// never equals itself).
template <class T, class = decltype(std::declval<const T&>().fields())>
bool operator==(const T& x, const T& y) {
  return x.fields() == y.fields();
}

template <class T, class = decltype(std::declval<const T&>().fields())>
bool operator!=(const T& x, const T& y) {
  return !(x == y);
}

/// True for the eight commands that change a store (put ... clear), which
/// travel with a channel sequence number; false for the channel's own.
inline bool is_action(const command_content& x) noexcept {
  return x.index() <= clear_command::wire_index;
}

/// The command's name as in docs/protocol.md §9, e.g. "put_unique_result".
const char* content_name(const command_content& x) noexcept;

// -- codec ----------------------------------------------------------------------

/// Appends the payload encoding of `x` to `out`. Returns false, leaving `out`
/// as it was, if a field cannot be encoded: a data value the data encoder
/// refuses, an init_type beyond the data tags, a list or snapshot with 2^32
/// or more entries, or a snapshot with a repeated key.
bool write_internal_command(const internal_command& x,
                            std::vector<uint8_t>& out);

/// Decodes a payload that must hold exactly one command. On failure returns
/// an `ec::invalid_data` error whose message starts with the byte offset
/// ("offset N: ..."), and `out` holds an unspecified but valid command.
broker::error read_internal_command(const uint8_t* bytes, size_t size,
                                    internal_command& out,
                                    const decode_limits& limits = {});

/// Like the above, returning the command.
expected<internal_command>
read_internal_command(const uint8_t* bytes, size_t size,
                      const decode_limits& limits = {});

// -- store topics ---------------------------------------------------------------

/// Which side of a store a topic addresses.
enum class store_topic_kind : uint8_t { none, master, clone };

/// `<name>/<$>/data/master`: where clones and frontends reach the master.
topic store_master_topic(std::string_view store_name);

/// `<name>/<$>/data/clone`: where the master reaches the clones.
topic store_clone_topic(std::string_view store_name);

/// Tells a store's master or clone topic from any other topic; on a match
/// stores the store's name in `name` (if given).
store_topic_kind classify_store_topic(std::string_view str,
                                      std::string_view* name = nullptr) noexcept;

inline bool is_store_topic(std::string_view str) noexcept {
  return classify_store_topic(str) != store_topic_kind::none;
}

} // namespace broker::format
