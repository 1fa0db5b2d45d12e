#pragma once

#include "broker/data.hh"

namespace broker::format {

/// Structural identity of two values as the codec sees them: like `==`, but
/// reals compare by their bit pattern, so NaN is identical to the same NaN
/// and 0.0 is not identical to -0.0. `decode(encode(x))` is always identical
/// to `x`; tests and fuzz targets check exactly that.
bool identical(const data& x, const data& y) noexcept;

} // namespace broker::format
