#include "store/sqlite_options.hh"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <initializer_list>
#include <limits>

namespace broker::detail {

namespace {

error bad_option(const std::string& name, const std::string& why) {
  return make_error(ec::backend_failure,
                    "sqlite backend option " + name + ": " + why);
}

std::string lowercase(std::string str) {
  std::transform(str.begin(), str.end(), str.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return str;
}

// Reads an optional string option restricted to `allowed`. The values end
// up in PRAGMA statements, which take no parameters: the list keeps
// arbitrary text out of the SQL.
expected<void> read_choice(const backend_options& opts, const char* name,
                           std::initializer_list<const char*> allowed,
                           std::string& out) {
  auto i = opts.find(name);
  if (i == opts.end())
    return {};
  auto str = get_if<std::string>(i->second);
  if (!str)
    return bad_option(name, std::string{"expected a string, got "}
                              + i->second.get_type_name());
  auto value = lowercase(*str);
  std::string names;
  for (auto candidate : allowed) {
    if (value == candidate) {
      out = value;
      return {};
    }
    names += names.empty() ? "" : ", ";
    names += candidate;
  }
  return bad_option(name, "unknown value \"" + *str + "\" (expected one of "
                            + names + ")");
}

expected<void> read_busy_timeout(const backend_options& opts, int& out) {
  auto i = opts.find("busy_timeout");
  if (i == opts.end())
    return {};
  constexpr auto max_ms =
    static_cast<uint64_t>(std::numeric_limits<int>::max());
  uint64_t ms = 0;
  if (auto n = get_if<count>(i->second)) {
    ms = *n;
  } else if (auto span = get_if<timespan>(i->second);
             span && span->count() >= 0) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    ms = static_cast<uint64_t>(duration_cast<milliseconds>(*span).count());
  } else {
    return bad_option("busy_timeout",
                      "expected a count of milliseconds or a non-negative "
                      "timespan, got "
                        + to_string(i->second));
  }
  out = static_cast<int>(std::min(ms, max_ms));
  return {};
}

} // namespace

expected<sqlite_options> parse_sqlite_options(const backend_options& opts) {
  sqlite_options result;
  auto i = opts.find("path");
  if (i == opts.end())
    return bad_option("path", "missing (the database file name)");
  auto path = get_if<std::string>(i->second);
  if (!path)
    return bad_option("path", std::string{"expected a string, got "}
                                + i->second.get_type_name());
  if (path->empty())
    return bad_option("path", "must not be empty");
  result.path = *path;
  if (auto res = read_choice(opts, "journal_mode",
                             {"delete", "truncate", "persist", "memory",
                              "wal", "off"},
                             result.journal_mode);
      !res)
    return res.error();
  if (auto res = read_choice(opts, "synchronous",
                             {"off", "normal", "full", "extra"},
                             result.synchronous);
      !res)
    return res.error();
  if (auto res = read_busy_timeout(opts, result.busy_timeout_ms); !res)
    return res.error();
  return result;
}

} // namespace broker::detail
