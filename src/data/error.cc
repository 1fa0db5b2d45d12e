#include "broker/error.hh"

#include <iterator>
#include <ostream>
#include "data/quote.hh"

namespace broker {

namespace {

// Indexed by the numeric value of ec; the spelling is part of the API
// (Python bindings, error-as-data layouts).
constexpr const char* ec_names[] = {
  "none",
  "unspecified",
  "peer_incompatible",
  "peer_invalid",
  "peer_unavailable",
  "peer_disconnect_during_handshake",
  "peer_timeout",
  "master_exists",
  "no_such_master",
  "no_such_key",
  "request_timeout",
  "type_clash",
  "invalid_data",
  "backend_failure",
  "stale_data",
  "cannot_open_file",
  "cannot_write_file",
  "invalid_topic_key",
  "end_of_file",
  "invalid_tag",
  "invalid_status",
};

static_assert(std::size(ec_names)
                == static_cast<size_t>(ec::invalid_status) + 1,
              "every error code needs a name");

} // namespace

const char* to_string(ec code) noexcept {
  auto index = static_cast<size_t>(code);
  if (index < std::size(ec_names))
    return ec_names[index];
  return "<unknown>";
}

bool convert(const std::string& str, ec& code) {
  // Starts at 1: "none" is not an error code one can parse into.
  for (size_t i = 1; i < std::size(ec_names); ++i) {
    if (str == ec_names[i]) {
      code = static_cast<ec>(i);
      return true;
    }
  }
  return false;
}

std::ostream& operator<<(std::ostream& out, ec code) {
  return out << to_string(code);
}

std::string to_string(const error& err) {
  if (!err && err.message().empty())
    return "none";
  std::string result = "error(";
  result += to_string(err.code());
  if (!err.message().empty()) {
    result += ", ";
    detail::append_quoted(result, err.message());
  }
  result += ')';
  return result;
}

std::ostream& operator<<(std::ostream& out, const error& err) {
  return out << to_string(err);
}

} // namespace broker
