#pragma once

// The known configuration keys: the one table that validation, `--help`
// and the tables in docs/configuration.md and README.md are made from
// (tests/cpp/configuration_docs_test.cc keeps the documents in step).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/data.hh"

namespace broker::detail::config {

/// What a key's value must be, and the form it is stored in.
enum class value_type : uint8_t {
  /// Stored as `boolean`.
  boolean,
  /// A non-negative whole number in [min, max]; stored as `count`.
  count,
  /// Stored as `timespan`; at least `min` nanoseconds.
  duration,
  /// Stored as `std::string`.
  string,
  /// Stored as a `vector` of `std::string`.
  string_list,
  /// One of the names in `choices`; stored as `std::string`.
  choice,
  /// An endpoint id (a UUID in the 8-4-4-4-12 form, not the nil one);
  /// stored as `std::string`.
  uuid,
};

struct key_spec {
  std::string_view name;
  value_type type;
  /// The default as `--help` and the documents show it.
  std::string_view default_text;
  /// One line: what the key does.
  std::string_view meaning;
  /// The BROKER_* environment variable that feeds the key, if any.
  std::string_view env;
  /// value_type::choice: the accepted names, separated by '|'.
  std::string_view choices;
  /// value_type::count: the smallest and largest accepted value;
  /// value_type::duration: `min` is the shortest in nanoseconds.
  uint64_t min;
  uint64_t max;
};

/// Another spelling of a known key: upstream 2.3+ names and upstream 2.1's
/// `caf.openssl.*` and CAF 0.17 `logger.*` names (docs/configuration.md).
struct alias_spec {
  std::string_view alias;
  std::string_view key;
  /// A boolean whose meaning is the opposite of the key's.
  bool inverted;
  /// Where the spelling comes from, for the documents.
  std::string_view origin;
};

/// Every known key, in the documents' order.
const std::vector<key_spec>& keys();

/// Every alias.
const std::vector<alias_spec>& aliases();

const key_spec* find_key(std::string_view name);

const alias_spec* find_alias(std::string_view name);

/// The value type as the documents name it, e.g. "count" or
/// "`drop_oldest`, `drop_newest` or `block`" (markdown when `markdown`).
std::string type_text(const key_spec& spec, bool markdown);

/// What an accepted value looks like, for error messages: "a count from 1
/// to 65535", "one of quiet, error, warning, info, debug, trace", ...
std::string expectation(const key_spec& spec);

/// `value` in the stored form of `spec`, or nullopt if it is not an
/// accepted value. Besides the stored form, counts accept non-negative
/// integers, durations accept strings such as "500ms" and numbers of
/// seconds.
std::optional<data> coerce(const key_spec& spec, const data& value);

/// Reads the text of an environment variable or command-line argument as
/// a value of `spec`: strings are taken verbatim, string lists as a
/// comma-separated list or a `[...]` list, anything else as a value in the
/// file syntax (a bare word counting as a string). Nullopt if not accepted.
std::optional<data> from_text(const key_spec& spec, std::string_view text);

/// Splits at commas, trims blanks, drops empty parts.
std::vector<std::string> split_list(std::string_view text);

} // namespace broker::detail::config
