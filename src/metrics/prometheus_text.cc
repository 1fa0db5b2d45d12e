#include "metrics/prometheus_text.hh"

#include <cmath>
#include <cstdio>

namespace broker::detail::metrics {

namespace {

bool name_char(char c, bool first, bool colon_ok) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  bool digit = c >= '0' && c <= '9';
  return alpha || (!first && digit) || (colon_ok && c == ':');
}

void append_name(std::string& out, const std::string& name, bool colon_ok) {
  if (name.empty()) {
    out += '_';
    return;
  }
  for (size_t i = 0; i < name.size(); ++i)
    out += name_char(name[i], i == 0, colon_ok) ? name[i] : '_';
}

/// HELP text escapes backslash and newline; label values also the quote.
void append_escaped(std::string& out, const std::string& text, bool quote) {
  for (auto c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        out += quote ? "\\\"" : "\"";
        break;
      default:
        out += c;
    }
  }
}

void append_value(std::string& out, double x) {
  if (std::isnan(x)) {
    out += "NaN";
  } else if (std::isinf(x)) {
    out += x > 0 ? "+Inf" : "-Inf";
  } else if (std::floor(x) == x && std::fabs(x) < 9007199254740992.0) {
    // Whole numbers (all counters) print without an exponent.
    out += std::to_string(static_cast<int64_t>(x));
  } else {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", x);
    out += buf;
  }
}

void append_sample(std::string& out, const std::string& name,
                   const metric_sample& x) {
  out += name;
  if (!x.labels.empty()) {
    out += '{';
    bool first = true;
    for (auto& [key, value] : x.labels) {
      if (!first)
        out += ',';
      first = false;
      append_name(out, key, false);
      out += "=\"";
      append_escaped(out, value, true);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  append_value(out, x.value);
  out += '\n';
}

} // namespace

std::string prometheus_text(const metric_set& xs) {
  std::string out;
  for (auto& family : xs.families()) {
    if (family.samples.empty())
      continue;
    std::string name;
    append_name(name, family.name, true);
    out += "# HELP " + name + ' ';
    append_escaped(out, family.help, false);
    out += "\n# TYPE " + name + ' ' + to_string(family.type) + '\n';
    for (auto& sample : family.samples)
      append_sample(out, name, sample);
  }
  return out;
}

} // namespace broker::detail::metrics
