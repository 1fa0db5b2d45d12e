#include "config/key_docs.hh"

#include "config/key_table.hh"

namespace broker::detail::config {

namespace {

constexpr size_t help_width = 79;

/// `text` without markdown's backticks.
std::string plain(std::string_view text) {
  std::string result;
  for (char c : text)
    if (c != '`')
      result += c;
  return result;
}

/// Appends `text` broken into lines of at most `help_width` characters,
/// the first indented by `indent` spaces, the others by `hanging`.
void wrap(std::string& out, const std::string& text, size_t indent,
          size_t hanging) {
  size_t column = 0;
  size_t pos = 0;
  bool first_line = true;
  while (pos < text.size()) {
    auto space = text.find(' ', pos);
    if (space == std::string::npos)
      space = text.size();
    auto word = text.substr(pos, space - pos);
    if (column > 0 && column + 1 + word.size() > help_width) {
      out += '\n';
      column = 0;
    }
    if (column == 0) {
      auto spaces = first_line ? indent : hanging;
      first_line = false;
      out.append(spaces, ' ');
      column = spaces;
    } else {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    pos = space + 1;
  }
  out += '\n';
}

void wrap(std::string& out, const std::string& text, size_t indent) {
  wrap(out, text, indent, indent);
}

std::string alias_note(const alias_spec& alias) {
  std::string result{alias.key};
  if (alias.inverted)
    result += ", inverted";
  return result;
}

} // namespace

std::string help_text() {
  std::string out;
  wrap(out,
       "Broker settings. Give them as --KEY=VALUE arguments, as KEY = VALUE "
       "in broker.conf (in the working directory, or --config-file=PATH), or "
       "through the environment variable named below. The command line wins "
       "over the environment, the environment over the file.",
       0);
  out += "\n  --config-file=PATH\n";
  wrap(out, "read PATH instead of ./broker.conf", 6);
  out += "  --help, -h, -?\n";
  wrap(out, "print this text; an endpoint made from this configuration then "
            "exits the program with status 0", 6);
  for (auto& spec : keys()) {
    out += "  --";
    out += spec.name;
    out += "=<" + type_text(spec, false) + ">  ";
    if (spec.default_text == "unset")
      out += "(unset by default)\n";
    else
      out += "(default " + plain(spec.default_text) + ")\n";
    wrap(out, plain(spec.meaning), 6);
    if (!spec.env.empty())
      wrap(out, "environment: " + std::string{spec.env}, 6);
  }
  out += "\nOther spellings of these keys:\n";
  for (auto& alias : aliases()) {
    std::string line = "--" + std::string{alias.alias} + " = --"
                       + alias_note(alias) + " (" + std::string{alias.origin}
                       + ")";
    wrap(out, line, 2, 6);
  }
  return out;
}

std::string markdown_key_table() {
  std::string out = "| key | type | default | environment | meaning |\n"
                    "|---|---|---|---|---|\n";
  for (auto& spec : keys()) {
    out += "| `";
    out += spec.name;
    out += "` | " + type_text(spec, true) + " | ";
    if (spec.default_text == "unset")
      out += "unset";
    else
      out += "`" + std::string{spec.default_text} + "`";
    out += " | ";
    if (!spec.env.empty())
      out += "`" + std::string{spec.env} + "`";
    out += " | ";
    out += spec.meaning;
    out += " |\n";
  }
  return out;
}

std::string markdown_env_table() {
  std::string out = "| variable | key | value |\n|---|---|---|\n";
  for (auto& spec : keys()) {
    if (spec.env.empty())
      continue;
    out += "| `" + std::string{spec.env} + "` | `" + std::string{spec.name}
           + "` | ";
    if (spec.type == value_type::string_list)
      out += "a comma-separated list (blanks trimmed, empty parts dropped; "
             "nothing left: the variable is ignored)";
    else
      out += expectation(spec);
    out += " |\n";
  }
  return out;
}

std::string markdown_alias_table() {
  std::string out = "| spelling | stands for | from |\n|---|---|---|\n";
  for (auto& alias : aliases()) {
    out += "| `" + std::string{alias.alias} + "` | `" + std::string{alias.key}
           + "`" + (alias.inverted ? " (inverted)" : "") + " | "
           + std::string{alias.origin} + " |\n";
  }
  return out;
}

} // namespace broker::detail::config
