#pragma once

#include <string>

namespace broker::detail {

/// Appends `str` in double quotes, escaping quotes, backslashes, newlines and
/// tabs, so that messages embedded in rendered errors and statuses stay
/// unambiguous.
inline void append_quoted(std::string& out, const std::string& str) {
  out += '"';
  for (char c : str) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}

} // namespace broker::detail
