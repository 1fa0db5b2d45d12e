#include "store/command_convert.hh"

#include <array>
#include <type_traits>

namespace broker::detail {

namespace {

using format::wire_tag;

/// data::type in the order of the wire tags (the variant's alternatives).
constexpr std::array<data::type, format::max_wire_tag + 1> types_by_tag{{
  data::type::none,      data::type::boolean,    data::type::count,
  data::type::integer,   data::type::real,       data::type::string,
  data::type::address,   data::type::subnet,     data::type::port,
  data::type::timestamp, data::type::timespan,   data::type::enum_value,
  data::type::set,       data::type::table,      data::type::vector,
}};

using tag = store_command::tag;

template <class T>
store_command base(tag t, const T& x) {
  store_command cmd;
  cmd.type = t;
  cmd.publisher = to_publisher(x.publisher);
  return cmd;
}

template <class T>
std::optional<store_command> with_key(tag t, const T& x) {
  auto cmd = base(t, x);
  cmd.key = x.key;
  return cmd;
}

std::optional<store_command> action_of(const format::put_command& x) {
  auto cmd = with_key(tag::put, x);
  cmd->value = x.value;
  cmd->expiry = x.expiry;
  return cmd;
}

std::optional<store_command> action_of(const format::put_unique_command& x) {
  auto cmd = with_key(tag::put_unique, x);
  cmd->value = x.value;
  cmd->expiry = x.expiry;
  cmd->who = to_publisher(x.who);
  cmd->request = x.req_id;
  return cmd;
}

std::optional<store_command>
action_of(const format::put_unique_result_command& x) {
  auto cmd = base(tag::put_unique_result, x);
  cmd.value = x.inserted;
  cmd.who = to_publisher(x.who);
  cmd.request = x.req_id;
  return cmd;
}

std::optional<store_command> action_of(const format::erase_command& x) {
  return with_key(tag::erase, x);
}

std::optional<store_command> action_of(const format::expire_command& x) {
  return with_key(tag::expire, x);
}

std::optional<store_command> action_of(const format::add_command& x) {
  auto cmd = with_key(tag::add, x);
  cmd->value = x.value;
  cmd->init_type = to_data_type(x.init_type);
  cmd->expiry = x.expiry;
  return cmd;
}

std::optional<store_command> action_of(const format::subtract_command& x) {
  auto cmd = with_key(tag::subtract, x);
  cmd->value = x.value;
  cmd->expiry = x.expiry;
  return cmd;
}

std::optional<store_command> action_of(const format::clear_command& x) {
  return base(tag::clear, x);
}

/// The channel's own control messages are not actions.
template <class T>
std::optional<store_command> action_of(const T&) {
  return std::nullopt;
}

} // namespace

format::wire_tag to_wire_tag(data::type x) noexcept {
  for (size_t i = 0; i < types_by_tag.size(); ++i)
    if (types_by_tag[i] == x)
      return static_cast<wire_tag>(i);
  return wire_tag::none;
}

data::type to_data_type(format::wire_tag x) noexcept {
  auto i = static_cast<size_t>(x);
  return i < types_by_tag.size() ? types_by_tag[i] : data::type::none;
}

format::command_content to_content(const store_command& cmd) {
  auto pub = to_entity(cmd.publisher);
  switch (cmd.type) {
    case tag::put:
      return format::put_command{cmd.key, cmd.value, cmd.expiry, pub};
    case tag::put_unique:
      return format::put_unique_command{cmd.key, cmd.value, cmd.expiry,
                                        to_entity(cmd.who), cmd.request, pub};
    case tag::put_unique_result: {
      auto inserted = get_if<boolean>(cmd.value);
      return format::put_unique_result_command{inserted && *inserted,
                                               to_entity(cmd.who), cmd.request,
                                               pub};
    }
    case tag::erase:
      return format::erase_command{cmd.key, pub};
    case tag::expire:
      return format::expire_command{cmd.key, pub};
    case tag::add:
      return format::add_command{cmd.key, cmd.value,
                                 to_wire_tag(cmd.init_type), cmd.expiry, pub};
    case tag::subtract:
      return format::subtract_command{cmd.key, cmd.value, cmd.expiry, pub};
    case tag::clear:
    default:
      return format::clear_command{pub};
  }
}

std::optional<store_command>
to_store_command(const format::command_content& x) {
  return std::visit([](const auto& c) { return action_of(c); }, x);
}

} // namespace broker::detail
