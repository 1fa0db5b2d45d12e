#include "store/backend_factory.hh"

#include <string>

#include "store/memory_backend.hh"
#include "store/sqlite_backend.hh"

namespace broker::detail {

expected<std::unique_ptr<abstract_backend>>
make_backend(backend type, const backend_options& opts) {
  switch (type) {
    case backend::memory:
      return std::unique_ptr<abstract_backend>{
        std::make_unique<memory_backend>()};
    case backend::sqlite: {
      auto result = sqlite_backend::open(opts);
      if (!result)
        return result.error();
      return std::unique_ptr<abstract_backend>{std::move(*result)};
    }
  }
  return make_error(ec::backend_failure,
                    "unknown backend type "
                      + std::to_string(static_cast<int>(type)));
}

} // namespace broker::detail
