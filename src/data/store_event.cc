#include "broker/store_event.hh"

#include <iterator>
#include <ostream>

namespace broker {

namespace {

// Indexed by store_event::type; the spelling is part of the event layouts.
constexpr const char* type_names[] = {"insert", "update", "erase", "expire"};

// Where the optional fields sit in each layout (0 = the layout has none).
struct layout {
  size_t size;
  size_t expiry;
  size_t publisher;
};

constexpr layout layouts[] = {
  {7, 4, 5}, // insert
  {8, 5, 6}, // update
  {5, 0, 3}, // erase
  {5, 0, 3}, // expire
};

static_assert(std::size(type_names) == std::size(layouts));

bool valid_publisher(const data& node, const data& object) noexcept {
  if (is<none>(node))
    return is<none>(object);
  auto str = get_if<std::string>(node);
  node_id id;
  return str && convert(*str, id) && is<count>(object);
}

bool has_layout(const vector& xs, store_event::type tag) noexcept {
  auto& lt = layouts[static_cast<size_t>(tag)];
  if (xs.size() != lt.size)
    return false;
  auto name = get_if<std::string>(xs[0]);
  if (!name || *name != type_names[static_cast<size_t>(tag)]
      || !is<std::string>(xs[1]))
    return false;
  if (lt.expiry != 0 && !is<none>(xs[lt.expiry])
      && !is<timespan>(xs[lt.expiry]))
    return false;
  return valid_publisher(xs[lt.publisher], xs[lt.publisher + 1]);
}

// The vector if it has the layout of `tag`, else null.
const vector* checked(const vector& xs, store_event::type tag) noexcept {
  return has_layout(xs, tag) ? &xs : nullptr;
}

const vector* checked(const data& src, store_event::type tag) noexcept {
  auto xs = get_if<vector>(src);
  return xs ? checked(*xs, tag) : nullptr;
}

} // namespace

namespace detail {

std::optional<timespan> store_event_view::expiry_at(size_t i) const noexcept {
  if (auto x = get_if<timespan>((*xs_)[i]))
    return *x;
  return std::nullopt;
}

publisher_id store_event_view::publisher_at(size_t i) const {
  publisher_id result;
  auto node = get_if<std::string>((*xs_)[i]);
  auto object = get_if<count>((*xs_)[i + 1]);
  if (node && object && convert(*node, result.endpoint))
    result.object = *object;
  return result;
}

} // namespace detail

using type = store_event::type;

auto store_event::insert::make(const data& src) noexcept -> insert {
  return insert{checked(src, type::insert)};
}

auto store_event::insert::make(const vector& xs) noexcept -> insert {
  return insert{checked(xs, type::insert)};
}

auto store_event::update::make(const data& src) noexcept -> update {
  return update{checked(src, type::update)};
}

auto store_event::update::make(const vector& xs) noexcept -> update {
  return update{checked(xs, type::update)};
}

auto store_event::erase::make(const data& src) noexcept -> erase {
  return erase{checked(src, type::erase)};
}

auto store_event::erase::make(const vector& xs) noexcept -> erase {
  return erase{checked(xs, type::erase)};
}

auto store_event::expire::make(const data& src) noexcept -> expire {
  return expire{checked(src, type::expire)};
}

auto store_event::expire::make(const vector& xs) noexcept -> expire {
  return expire{checked(xs, type::expire)};
}

const char* to_string(store_event::type x) noexcept {
  auto i = static_cast<size_t>(x);
  return i < std::size(type_names) ? type_names[i] : "invalid";
}

bool convert(const std::string& src, store_event::type& dst) noexcept {
  for (size_t i = 0; i < std::size(type_names); ++i) {
    if (src == type_names[i]) {
      dst = static_cast<store_event::type>(i);
      return true;
    }
  }
  return false;
}

bool convert(const data& src, store_event::type& dst) noexcept {
  auto str = get_if<std::string>(src);
  return str && convert(*str, dst);
}

bool convert(store_event::type src, data& dst) {
  dst = std::string{to_string(src)};
  return true;
}

bool convertible_to_store_event_type(const data& src) noexcept {
  store_event::type tmp;
  return convert(src, tmp);
}

std::string to_string(const detail::store_event_view& x) {
  return x ? to_string(*x.raw()) : std::string{"invalid"};
}

std::ostream& operator<<(std::ostream& out, store_event::type x) {
  return out << to_string(x);
}

} // namespace broker
