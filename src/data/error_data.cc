#include "broker/data.hh"
#include "broker/error.hh"

// Errors travel as data on the errors topic (status subscribers, Python).
// The layout is part of the API; see broker/error.hh.

namespace broker {

namespace {

constexpr std::string_view error_tag = "error";

// The vector `src` holds if it is `["error", enum_value, ctx]`, else null.
const vector* error_fields(const data& src) {
  auto xs = get_if<vector>(src);
  if (!xs || xs->size() != 3)
    return nullptr;
  auto tag = get_if<std::string>((*xs)[0]);
  if (!tag || *tag != error_tag || !is<enum_value>((*xs)[1]))
    return nullptr;
  return xs;
}

// Validates the context slot: nil, [msg] or [endpoint_info, msg].
bool valid_context(const data& ctx) {
  if (is<none>(ctx))
    return true;
  auto xs = get_if<vector>(ctx);
  if (!xs || xs->empty() || xs->size() > 2 || !is<std::string>(xs->back()))
    return false;
  return xs->size() == 1 || convertible_to_endpoint_info(xs->front());
}

// The code named by a valid layout; "none" only with a nil context.
bool load_code(const vector& xs, ec& code) {
  if (get<enum_value>(xs[1]).name == "none") {
    code = ec::none;
    return is<none>(xs[2]);
  }
  return convert(xs[1], code);
}

} // namespace

bool convert(const data& src, ec& code) {
  auto val = get_if<enum_value>(src);
  return val && convert(val->name, code);
}

bool convertible_to_error(const data& src) {
  auto xs = error_fields(src);
  ec code;
  return xs && load_code(*xs, code) && valid_context((*xs)[2]);
}

bool convert(const data& src, error& dst) {
  auto view = error_view::make(src);
  if (!view)
    return false;
  auto msg = view.message();
  if (auto ctx = view.context())
    dst = error{view.code(), std::move(*ctx), *msg};
  else
    dst = error{view.code(), msg ? *msg : std::string{}};
  return true;
}

bool convert(const error& src, data& dst) {
  vector result;
  result.reserve(3);
  result.emplace_back(std::string{error_tag});
  result.emplace_back(enum_value{to_string(src.code())});
  if (!src) {
    // The "no error" value carries nothing, whatever its message says.
    result.emplace_back(nil);
  } else if (auto ctx = src.context()) {
    data ctx_data;
    convert(*ctx, ctx_data);
    result.emplace_back(vector{std::move(ctx_data), src.message()});
  } else if (!src.message().empty()) {
    result.emplace_back(vector{src.message()});
  } else {
    result.emplace_back(nil);
  }
  dst = std::move(result);
  return true;
}

error_view error_view::make(const data& src) {
  return error_view{convertible_to_error(src) ? error_fields(src) : nullptr};
}

ec error_view::code() const noexcept {
  ec result = ec::none;
  if (xs_)
    load_code(*xs_, result);
  return result;
}

const std::string* error_view::message() const noexcept {
  if (!xs_)
    return nullptr;
  auto ctx = get_if<vector>((*xs_)[2]);
  return ctx ? get_if<std::string>(ctx->back()) : nullptr;
}

std::optional<endpoint_info> error_view::context() const {
  if (!xs_)
    return std::nullopt;
  auto ctx = get_if<vector>((*xs_)[2]);
  if (!ctx || ctx->size() != 2)
    return std::nullopt;
  endpoint_info result;
  convert(ctx->front(), result);
  return result;
}

} // namespace broker
