#pragma once

#include <cstdint>
#include <optional>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/node_id.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker::detail {

/// What travels between a master and its clones, in both directions: clone
/// to master on `<name>/<$>/data/master`, master to clone on
/// `<name>/<$>/data/clone`. Layout in docs/stores.md.
struct store_command {
  /// Tags as upstream numbers its internal commands, plus our own replies.
  enum class tag : uint8_t {
    put = 1,
    put_unique = 2,
    erase = 3,
    expire = 4,
    add = 5,
    subtract = 6,
    snapshot_request = 7,
    snapshot = 9,
    clear = 10,
    put_unique_result = 11,
  };

  tag type = tag::put;
  /// Master to clone: the update's position in the master's sequence (the
  /// snapshot carries the last one it includes). Clone to master: 0.
  uint64_t seq = 0;
  data key;
  /// The value, the operand of add/subtract, the put_unique answer, or the
  /// snapshot table.
  data value;
  /// The type a missing key starts from (add).
  data::type init_type = data::type::none;
  /// Relative expiry.
  std::optional<timespan> expiry;
  /// Who caused it.
  publisher_id publisher;
  /// put_unique: the requester's number for the answer.
  uint64_t request = 0;
  /// The endpoint that asked (put_unique, snapshot_request) or the master
  /// that answered (snapshot).
  node_id peer;
};

data to_data(const store_command& cmd);

expected<store_command> to_store_command(const data& x);

} // namespace broker::detail
