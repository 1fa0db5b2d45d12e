#include "format/identical.hh"

#include <cstdint>
#include <cstring>
#include <variant>

namespace broker::format {

namespace {

template <class Container>
bool identical_range(const Container& xs, const Container& ys) noexcept {
  if (xs.size() != ys.size())
    return false;
  auto j = ys.begin();
  for (auto i = xs.begin(); i != xs.end(); ++i, ++j)
    if (!identical(*i, *j))
      return false;
  return true;
}

} // namespace

bool identical(const data& x, const data& y) noexcept {
  const auto& xv = x.get_data();
  const auto& yv = y.get_data();
  if (xv.index() != yv.index())
    return false;
  if (auto xr = std::get_if<real>(&xv)) {
    auto yr = std::get_if<real>(&yv);
    uint64_t xb;
    uint64_t yb;
    std::memcpy(&xb, xr, sizeof(xb));
    std::memcpy(&yb, yr, sizeof(yb));
    return xb == yb;
  }
  if (auto xs = std::get_if<set>(&xv))
    return identical_range(*xs, *std::get_if<set>(&yv));
  if (auto xs = std::get_if<vector>(&xv))
    return identical_range(*xs, *std::get_if<vector>(&yv));
  if (auto xs = std::get_if<table>(&xv)) {
    const auto& ys = *std::get_if<table>(&yv);
    if (xs->size() != ys.size())
      return false;
    auto j = ys.begin();
    for (auto i = xs->begin(); i != xs->end(); ++i, ++j)
      if (!identical(i->first, j->first) || !identical(i->second, j->second))
        return false;
    return true;
  }
  return xv == yv;
}

} // namespace broker::format
