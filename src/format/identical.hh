#pragma once

#include "broker/data.hh"

namespace broker::format {

/// Structural identity of two values as the codec sees them: like `==`, but
/// reals compare by their bit pattern, so NaN is identical to the same NaN
/// and 0.0 is not identical to -0.0. `decode(encode(x))` is identical to `x`
/// for every `x` without NaNs other than the quiet NaN.
bool identical(const data& x, const data& y) noexcept;

/// Like `identical`, but any NaN matches any NaN: the wire carries a single
/// NaN, so this is what survives `decode(encode(x))` for every `x`.
bool same_on_wire(const data& x, const data& y) noexcept;

} // namespace broker::format
