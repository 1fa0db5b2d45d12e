#include "broker/status.hh"

#include <iterator>
#include <ostream>

#include "broker/data.hh"
#include "data/quote.hh"

namespace broker {

namespace {

// Indexed by the numeric value of sc; the spelling is part of the API.
constexpr const char* sc_names[] = {
  "unspecified", "peer_added",          "peer_removed",
  "peer_lost",   "endpoint_discovered", "endpoint_unreachable",
};

static_assert(std::size(sc_names)
                == static_cast<size_t>(sc::endpoint_unreachable) + 1,
              "every status code needs a name");

} // namespace

const char* to_string(sc code) noexcept {
  auto index = static_cast<size_t>(code);
  if (index < std::size(sc_names))
    return sc_names[index];
  return "<unknown>";
}

bool convert(sc code, std::string& str) {
  str = to_string(code);
  return true;
}

bool convert(const std::string& str, sc& code) {
  for (size_t i = 0; i < std::size(sc_names); ++i) {
    if (str == sc_names[i]) {
      code = static_cast<sc>(i);
      return true;
    }
  }
  return false;
}

bool convert(const data& src, sc& code) {
  auto val = get_if<enum_value>(src);
  return val && convert(val->name, code);
}

std::ostream& operator<<(std::ostream& out, sc code) {
  return out << to_string(code);
}

std::string to_string(const status& x) {
  std::string result = to_string(x.code());
  result += '(';
  if (auto ctx = x.context(); ctx && ctx->node) {
    result += to_string(ctx->node);
    if (ctx->network) {
      result += ", ";
      result += to_string(*ctx->network);
    }
    result += ", ";
  }
  detail::append_quoted(result, *x.message());
  result += ')';
  return result;
}

bool convert(const status& x, std::string& str) {
  str = to_string(x);
  return true;
}

std::ostream& operator<<(std::ostream& out, const status& x) {
  return out << to_string(x);
}

std::string to_string(const status_variant& x) {
  struct renderer {
    std::string operator()(none) const {
      return "none";
    }
    std::string operator()(const error& err) const {
      return to_string(err);
    }
    std::string operator()(const status& st) const {
      return to_string(st);
    }
  };
  return std::visit(renderer{}, x);
}

} // namespace broker
