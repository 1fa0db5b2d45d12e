#pragma once

// Between the stores' own types and the wire's store commands
// (format/internal_command.hh): entity ids, init types and the eight
// actions. Pure functions.

#include <memory>
#include <optional>

#include "broker/data.hh"
#include "broker/publisher_id.hh"
#include "format/internal_command.hh"
#include "store/store_command.hh"

namespace broker::detail {

/// What a replication channel carries per event: shared, so that buffering
/// it for retransmission and broadcasting it copy a pointer only.
using command_ptr = std::shared_ptr<const format::command_content>;

inline format::entity_id to_entity(const publisher_id& x) {
  return format::entity_id{x.endpoint, x.object};
}

inline publisher_id to_publisher(const format::entity_id& x) {
  return publisher_id{x.endpoint, x.object};
}

/// The content of `cmd` if it is a `T`, else null.
template <class T>
const T* content_as(const format::internal_command& cmd) noexcept {
  return std::get_if<T>(&cmd.content);
}

/// The wire tag of a data type (the index of its alternative).
format::wire_tag to_wire_tag(data::type x) noexcept;

/// The data type of a wire tag (callers pass decoded, hence valid, tags).
data::type to_data_type(format::wire_tag x) noexcept;

/// The action `cmd` stands for.
format::command_content to_content(const store_command& cmd);

/// The action in `x`; nullopt for the channel's control messages.
std::optional<store_command> to_store_command(const format::command_content& x);

} // namespace broker::detail
