#include "broker/data.hh"
#include "broker/status.hh"

// Statuses travel as data on the statuses topic (status subscribers,
// Python). The layout is part of the API; see broker/status.hh.

namespace broker {

namespace {

constexpr std::string_view status_tag = "status";

// The fields of a well-formed status, or null. Unspecified statuses carry
// neither context nor message; all others need a node and a message.
const vector* status_fields(const data& src) {
  auto xs = get_if<vector>(src);
  if (!xs || xs->size() != 4)
    return nullptr;
  auto tag = get_if<std::string>((*xs)[0]);
  sc code;
  if (!tag || *tag != status_tag || !convert((*xs)[1], code))
    return nullptr;
  if (code == sc::unspecified)
    return is<none>((*xs)[2]) && is<none>((*xs)[3]) ? xs : nullptr;
  endpoint_info ei;
  if (!convert((*xs)[2], ei) || !ei.node || !is<std::string>((*xs)[3]))
    return nullptr;
  return xs;
}

} // namespace

bool convertible_to_status(const data& src) {
  return status_fields(src) != nullptr;
}

bool convert(const data& src, status& dst) {
  auto view = status_view::make(src);
  if (!view)
    return false;
  if (view.code() == sc::unspecified) {
    dst = status{};
    return true;
  }
  // status::make needs the code at compile time; dispatch once here.
  auto ei = std::move(*view.context());
  const auto& msg = *view.message();
  switch (view.code()) {
    case sc::peer_added:
      dst = status::make<sc::peer_added>(std::move(ei), msg);
      break;
    case sc::peer_removed:
      dst = status::make<sc::peer_removed>(std::move(ei), msg);
      break;
    case sc::peer_lost:
      dst = status::make<sc::peer_lost>(std::move(ei), msg);
      break;
    case sc::endpoint_discovered:
      dst = status::make<sc::endpoint_discovered>(std::move(ei), msg);
      break;
    case sc::endpoint_unreachable:
      dst = status::make<sc::endpoint_unreachable>(std::move(ei), msg);
      break;
    default:
      return false;
  }
  return true;
}

bool convert(const status& src, data& dst) {
  vector result;
  result.reserve(4);
  result.emplace_back(std::string{status_tag});
  result.emplace_back(enum_value{to_string(src.code())});
  if (auto ctx = src.context()) {
    data ctx_data;
    convert(*ctx, ctx_data);
    result.emplace_back(std::move(ctx_data));
    result.emplace_back(*src.message());
  } else {
    result.resize(4);
  }
  dst = std::move(result);
  return true;
}

status_view status_view::make(const data& src) {
  return status_view{status_fields(src)};
}

sc status_view::code() const noexcept {
  sc result = sc::unspecified;
  if (xs_)
    convert((*xs_)[1], result);
  return result;
}

const std::string* status_view::message() const noexcept {
  return xs_ ? get_if<std::string>((*xs_)[3]) : nullptr;
}

std::optional<endpoint_info> status_view::context() const {
  if (!xs_ || is<none>((*xs_)[2]))
    return std::nullopt;
  endpoint_info result;
  convert((*xs_)[2], result);
  return result;
}

} // namespace broker
