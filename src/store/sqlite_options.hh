#pragma once

#include <cstdint>
#include <string>

#include "broker/backend_options.hh"
#include "broker/data.hh"
#include "broker/expected.hh"

namespace broker::detail {

/// The backend options the SQLite backend understands (docs/stores.md).
struct sqlite_options {
  /// Database file; its missing parent directories are created.
  std::string path;

  /// PRAGMA journal_mode: delete, truncate, persist, memory, wal or off.
  std::string journal_mode = "wal";

  /// PRAGMA synchronous: off, normal, full or extra. With WAL, `normal`
  /// keeps every commit across a process crash (not across power loss).
  std::string synchronous = "normal";

  /// How long a statement waits for a lock held by another connection
  /// before failing, in milliseconds. 0 fails at once, as upstream does.
  int busy_timeout_ms = 0;
};

/// Validates `opts`: `path` is a required non-empty string; `journal_mode`
/// and `synchronous` are strings from the lists above (any case);
/// `busy_timeout` is a count (milliseconds) or a timespan. Other options are
/// ignored. Errors are `ec::backend_failure` naming the option.
expected<sqlite_options> parse_sqlite_options(const backend_options& opts);

} // namespace broker::detail
