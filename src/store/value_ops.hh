#pragma once

// The value rules of the store operations (docs/stores.md, "Operations"
// and its "get_index_from_value"), in one place so that every backend
// behaves the same. The functions work on a value, not on a key: the
// backend finds the value and names the key in the final error message.

#include <string>

#include "broker/data.hh"
#include "broker/error.hh"
#include "broker/expected.hh"

namespace broker::detail {

/// Applies `add` to `value` in place: `+=` for count, integer, real and
/// timespan (same operand type), timestamp (timespan operand) and string;
/// push_back for vectors, insert for sets, `t[op[0]] = op[1]` for tables
/// (`op` a 2-vector). Everything else is `ec::type_clash`; a table operand
/// that is a vector of another size is `ec::invalid_data`. Integer
/// arithmetic wraps around. On failure `value` is unchanged.
expected<void> add_to(data& value, const data& operand);

/// Applies `subtract` to `value` in place: `-=` for the arithmetic types
/// above (timestamp: timespan operand), pop_back for vectors (the operand is
/// ignored; a no-op on an empty vector), erase for sets and tables. Anything
/// else is `ec::type_clash`. On failure `value` is unchanged.
expected<void> subtract_from(data& value, const data& operand);

/// Looks up `aspect` in `value`: a vector element by count or non-negative
/// integer index (else `ec::type_clash`; out of range: `ec::no_such_key`),
/// set membership as a boolean, a table's mapped value (`ec::no_such_key`
/// if absent), and the whole value for every other type.
expected<data> index_into(const data& value, const data& aspect);

/// Renders a key for error messages: its text form in double quotes,
/// shortened beyond 80 characters.
std::string describe_key(const data& key);

/// Prefixes the message of `err` with "<what> <described key>: ", keeping
/// the code, e.g. `add to key "x": cannot add a string to a count`.
error key_error(const error& err, const char* what, const data& key);

} // namespace broker::detail
