#pragma once

#include <algorithm>
#include <memory>
#include <vector>

namespace broker::detail {

/// Adds `x` to a list of weak references, pruning dead entries as the list
/// grows so that it stays proportional to the live objects.
template <class T>
void remember(std::vector<std::weak_ptr<T>>& xs, const std::shared_ptr<T>& x) {
  if (xs.size() >= 64 && (xs.size() & (xs.size() - 1)) == 0)
    xs.erase(std::remove_if(xs.begin(), xs.end(),
                            [](auto& w) { return w.expired(); }),
             xs.end());
  xs.emplace_back(x);
}

} // namespace broker::detail
