#include "format/identical.hh"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <variant>

namespace broker::format {

namespace {

/// Compares reals bit for bit, or (with `any_nan`) lets all NaNs match.
struct comparison {
  bool any_nan;

  bool reals(real x, real y) const noexcept {
    if (any_nan && std::isnan(x) && std::isnan(y))
      return true;
    uint64_t xb;
    uint64_t yb;
    std::memcpy(&xb, &x, sizeof(xb));
    std::memcpy(&yb, &y, sizeof(yb));
    return xb == yb;
  }

  bool values(const data& x, const data& y) const noexcept;

  template <class Container>
  bool ranges(const Container& xs, const Container& ys) const noexcept {
    if (xs.size() != ys.size())
      return false;
    auto j = ys.begin();
    for (auto i = xs.begin(); i != xs.end(); ++i, ++j)
      if (!entries(*i, *j))
        return false;
    return true;
  }

  bool entries(const data& x, const data& y) const noexcept {
    return values(x, y);
  }

  bool entries(const table::value_type& x,
               const table::value_type& y) const noexcept {
    return values(x.first, y.first) && values(x.second, y.second);
  }
};

bool comparison::values(const data& x, const data& y) const noexcept {
  const auto& xv = x.get_data();
  const auto& yv = y.get_data();
  if (xv.index() != yv.index())
    return false;
  if (auto xr = std::get_if<real>(&xv))
    return reals(*xr, *std::get_if<real>(&yv));
  if (auto xs = std::get_if<set>(&xv))
    return ranges(*xs, *std::get_if<set>(&yv));
  if (auto xs = std::get_if<vector>(&xv))
    return ranges(*xs, *std::get_if<vector>(&yv));
  if (auto xs = std::get_if<table>(&xv))
    return ranges(*xs, *std::get_if<table>(&yv));
  return xv == yv;
}

} // namespace

bool identical(const data& x, const data& y) noexcept {
  return comparison{false}.values(x, y);
}

bool same_on_wire(const data& x, const data& y) noexcept {
  return comparison{true}.values(x, y);
}

} // namespace broker::format
