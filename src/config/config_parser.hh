#pragma once

// The syntax of broker.conf (docs/configuration.md, "File syntax"): groups
// in braces, `key = value` entries, quoted strings, numbers, booleans,
// durations and lists, `;` comments. Only the syntax lives here; which keys
// exist and what their values must be is the key table's business
// (config/key_table.hh).

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "broker/data.hh"

namespace broker::detail::config {

/// One `key = value` of a file. Group names are joined to the key with
/// dots: `logger { file-verbosity = 'debug' }` gives `logger.file-verbosity`.
struct entry {
  std::string key;
  data value;
  /// Where the key starts (1-based).
  size_t line = 0;
  size_t column = 0;
  /// Where the value starts (1-based).
  size_t value_line = 0;
  size_t value_column = 0;
};

/// A syntax error; what() reads `origin:line:column: reason`.
class syntax_error : public std::runtime_error {
public:
  syntax_error(const std::string& origin, size_t line, size_t column,
               const std::string& reason);

  size_t line() const noexcept { return line_; }

  size_t column() const noexcept { return column_; }

  const std::string& reason() const noexcept { return reason_; }

private:
  size_t line_;
  size_t column_;
  std::string reason_;
};

/// Parses the text of a configuration file; `origin` (the file's name)
/// prefixes error messages. Entries come in file order; a key given twice
/// appears twice. Throws `syntax_error`.
std::vector<entry> parse_file(std::string_view text, const std::string& origin);

/// Parses `text` as one value, as on the right-hand side of `=`; nullopt
/// unless all of it (but surrounding blanks) is exactly one value.
std::optional<data> parse_value(std::string_view text);

} // namespace broker::detail::config
