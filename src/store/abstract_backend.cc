#include "store/abstract_backend.hh"

#include "store/value_ops.hh"

namespace broker::detail {

abstract_backend::~abstract_backend() = default;

expected<data> abstract_backend::get(const data& key,
                                     const data& aspect) const {
  auto value = get(key);
  if (!value)
    return value;
  auto result = index_into(*value, aspect);
  if (!result)
    return key_error(result.error(), "get from", key);
  return result;
}

expected<void> abstract_backend::begin_batch() {
  if (batch_depth_ == 0) {
    if (auto res = do_begin_batch(); !res)
      return res;
  }
  ++batch_depth_;
  return {};
}

expected<void> abstract_backend::commit_batch() {
  if (batch_depth_ == 0)
    return make_error(ec::unspecified, "commit_batch without begin_batch");
  if (--batch_depth_ > 0)
    return {};
  return do_commit_batch();
}

expected<void> abstract_backend::do_begin_batch() {
  return {};
}

expected<void> abstract_backend::do_commit_batch() {
  return {};
}

} // namespace broker::detail
