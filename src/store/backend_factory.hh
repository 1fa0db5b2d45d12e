#pragma once

#include <memory>

#include "broker/backend.hh"
#include "broker/backend_options.hh"
#include "broker/expected.hh"
#include "store/abstract_backend.hh"

namespace broker::detail {

/// Creates a backend of the given type. The memory backend ignores `opts`;
/// the SQLite backend requires `path` (docs/stores.md). Failures, including
/// an unknown type, are `ec::backend_failure`.
expected<std::unique_ptr<abstract_backend>>
make_backend(backend type, const backend_options& opts);

} // namespace broker::detail
