#pragma once

// Subscription filters as the core keeps them: a sorted, minimal set of
// topic prefixes (docs/architecture.md, "Routing"). Minimal means no entry is a prefix of
// another: the advertised filter stays as small as possible, and a topic
// matches at most one entry, which a binary search finds.

#include "broker/topic.hh"

namespace broker {

/// Adds `x` to `f`. A no-op returning false if an entry of `f` already is a
/// prefix of `x`; otherwise removes the entries that `x` covers, inserts `x`
/// at its sorted position and returns true. `f` must be sorted and minimal.
bool filter_extend(filter_type& f, const topic& x);

/// Adds every topic of `xs` to `f`; returns true if `f` changed.
bool filter_extend(filter_type& f, const filter_type& xs);

/// True if some entry of `f` is a prefix of `t` (O(log n); `f` must be
/// sorted and minimal).
bool filter_matches(const filter_type& f, const topic& t) noexcept;

/// Removes the internal topics (`<$>/local/...`), which must never be
/// advertised to peers, from `f`.
void filter_strip_internal(filter_type& f);

/// A copy of `f` without internal topics.
filter_type filter_without_internal(const filter_type& f);

} // namespace broker
