#include "broker/data.hh"

namespace broker {

namespace {

using variant_type = data::variant_type;

// The public type tags are alphabetical while the variant follows the wire
// order, so the two need an explicit mapping (indexed by variant index).
constexpr data::type type_by_index[] = {
  data::type::none,      data::type::boolean,   data::type::count,
  data::type::integer,   data::type::real,      data::type::string,
  data::type::address,   data::type::subnet,    data::type::port,
  data::type::timestamp, data::type::timespan,  data::type::enum_value,
  data::type::set,       data::type::table,     data::type::vector,
};

static_assert(std::size(type_by_index) == std::variant_size_v<variant_type>,
              "every alternative needs a type tag");

// Spot checks that the table above matches the variant's order.
static_assert(std::is_same_v<std::variant_alternative_t<9, variant_type>,
                             timestamp>);
static_assert(std::is_same_v<std::variant_alternative_t<11, variant_type>,
                             enum_value>);
static_assert(std::is_same_v<std::variant_alternative_t<14, variant_type>,
                             vector>);

// Indexed by the numeric value of data::type (alphabetical).
constexpr const char* type_names[] = {
  "address", "boolean", "count",  "enum value", "integer",
  "none",    "port",    "real",   "set",        "string",
  "subnet",  "table",   "timespan", "timestamp", "vector",
};

static_assert(std::size(type_names) == std::size(type_by_index));

} // namespace

data::type data::get_type() const noexcept {
  return type_by_index[data_.index()];
}

const char* data::get_type_name() const noexcept {
  return to_string(get_type());
}

data data::from_type(type t) {
  switch (t) {
    case type::address:
      return address{};
    case type::boolean:
      return boolean{};
    case type::count:
      return count{};
    case type::enum_value:
      return enum_value{};
    case type::integer:
      return integer{};
    case type::none:
      return data{};
    case type::port:
      return port{};
    case type::real:
      return real{};
    case type::set:
      return set{};
    case type::string:
      return std::string{};
    case type::subnet:
      return subnet{};
    case type::table:
      return table{};
    case type::timespan:
      return timespan{};
    case type::timestamp:
      return timestamp{};
    case type::vector:
      return vector{};
  }
  // Unreachable for valid tags; a forged tag gets nil rather than UB.
  return data{};
}

const char* to_string(data::type t) noexcept {
  auto index = static_cast<size_t>(t);
  if (index < std::size(type_names))
    return type_names[index];
  return "<invalid type>";
}

} // namespace broker
