#pragma once

// An endpoint's say over the process-wide log (src/log, docs/logging.md).

#include "broker/configuration.hh"

namespace broker::detail {

/// Applies the logger settings of `cfg` (caf.logger.console.verbosity,
/// caf.logger.file.verbosity, caf.logger.file.path) to the process-wide
/// log: what `cfg` sets replaces what an earlier endpoint set, what it
/// leaves unset stays. Throws std::invalid_argument naming the key (or
/// environment variable) and the value if a verbosity is not one of quiet,
/// error, warning, info, debug, trace, or if the file path is not a
/// non-empty string.
void apply_log_settings(const configuration& cfg);

} // namespace broker::detail
