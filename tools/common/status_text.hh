#pragma once

#include <string>

#include "broker/status_subscriber.hh"

namespace broker::tools {

/// `<code> <peer>: <message>` for a status or an error; the peer is its
/// network address if known, else its id, else `-`.
std::string describe(const status_variant& event);

/// Prints errors always and statuses when `verbose`, on stderr:
/// `<tool>: error: <description>` or `<tool>: status <description>`.
void print_status(const std::string& tool, const status_variant& event,
                  bool verbose);

} // namespace broker::tools
