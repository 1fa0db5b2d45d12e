#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "broker/address.hh"
// backend_options used to live here; keep it visible to existing includers.
#include "broker/backend_options.hh"
#include "broker/enum_value.hh"
#include "broker/none.hh"
#include "broker/port.hh"
#include "broker/subnet.hh"
#include "broker/time.hh"

namespace broker {

class data;

using boolean = bool;
using count = uint64_t;
using integer = int64_t;
using real = double;
using vector = std::vector<data>;
using set = std::set<data>;
using table = std::map<data, data>;

namespace detail {

template <class T, class... Ts>
inline constexpr bool is_one_of_v = (std::is_same_v<T, Ts> || ...);

/// Maps a constructor argument type to the alternative it is stored as:
/// bool -> boolean, floating point -> real, unsigned -> count, signed ->
/// integer, Broker types as themselves, string-like -> string, else void.
template <class T>
struct data_storage {
  using type = std::conditional_t<
    std::is_same_v<T, bool>, boolean,
    std::conditional_t<
      std::is_floating_point_v<T>, real,
      std::conditional_t<
        std::is_integral_v<T> && std::is_unsigned_v<T>, count,
        std::conditional_t<
          std::is_integral_v<T> && std::is_signed_v<T>, integer,
          std::conditional_t<
            is_one_of_v<T, none, std::string, address, subnet, port,
                        timestamp, timespan, enum_value, set, table, vector>,
            T,
            std::conditional_t<std::is_convertible_v<T, std::string>,
                               std::string, void>>>>>>;
};

template <class T>
using data_storage_t = typename data_storage<std::decay_t<T>>::type;

} // namespace detail

/// A variant over Broker's data model. The alternatives appear in the order
/// that defines serialization and the total order: none, boolean, count,
/// integer, real, string, address, subnet, port, timestamp, timespan,
/// enum_value, set, table, vector.
class data {
public:
  /// Type tags in alphabetical order (this differs from the variant order).
  enum class type : uint8_t {
    address,
    boolean,
    count,
    enum_value,
    integer,
    none,
    port,
    real,
    set,
    string,
    subnet,
    table,
    timespan,
    timestamp,
    vector,
  };

  using variant_type =
    std::variant<none, boolean, count, integer, real, std::string, address,
                 subnet, port, timestamp, timespan, enum_value, set, table,
                 vector>;

  data(none = nil) noexcept {}

  template <class T, class Storage = detail::data_storage_t<T>,
            class = std::enable_if_t<!std::is_same_v<Storage, void>
                                     && !std::is_same_v<std::decay_t<T>,
                                                        data>>>
  data(T&& x) : data_(Storage(std::forward<T>(x))) {}

  data(const data&) = default;
  data(data&&) noexcept = default;
  data& operator=(const data&) = default;
  data& operator=(data&&) noexcept = default;

  /// The alphabetical type tag of the current value.
  type get_type() const noexcept;

  /// The lowercase name of the current type ("enum value" for enums).
  const char* get_type_name() const noexcept;

  /// A default value of type `t`.
  static data from_type(type t);

  variant_type& get_data() noexcept { return data_; }

  const variant_type& get_data() const noexcept { return data_; }

  friend bool operator==(const data& x, const data& y) {
    return x.data_ == y.data_;
  }
  friend bool operator!=(const data& x, const data& y) {
    return x.data_ != y.data_;
  }
  friend bool operator<(const data& x, const data& y) {
    return x.data_ < y.data_;
  }
  friend bool operator>(const data& x, const data& y) {
    return y.data_ < x.data_;
  }
  friend bool operator<=(const data& x, const data& y) {
    return !(y.data_ < x.data_);
  }
  friend bool operator>=(const data& x, const data& y) {
    return !(x.data_ < y.data_);
  }

private:
  variant_type data_;
};

// -- type queries ------------------------------------------------------------

template <class T>
bool is(const data& x) noexcept {
  return std::holds_alternative<T>(x.get_data());
}

template <class T>
T* get_if(data* x) noexcept {
  return x ? std::get_if<T>(&x->get_data()) : nullptr;
}

template <class T>
const T* get_if(const data* x) noexcept {
  return x ? std::get_if<T>(&x->get_data()) : nullptr;
}

template <class T>
T* get_if(data& x) noexcept {
  return std::get_if<T>(&x.get_data());
}

template <class T>
const T* get_if(const data& x) noexcept {
  return std::get_if<T>(&x.get_data());
}

/// Throws `std::bad_variant_access` on a type clash.
template <class T>
T& get(data& x) {
  return std::get<T>(x.get_data());
}

template <class T>
const T& get(const data& x) {
  return std::get<T>(x.get_data());
}

/// Applies `visitor` to the active alternative.
template <class Visitor>
decltype(auto) visit(Visitor&& visitor, data& x) {
  return std::visit(std::forward<Visitor>(visitor), x.get_data());
}

template <class Visitor>
decltype(auto) visit(Visitor&& visitor, const data& x) {
  return std::visit(std::forward<Visitor>(visitor), x.get_data());
}

template <class Visitor>
decltype(auto) visit(Visitor&& visitor, data&& x) {
  return std::visit(std::forward<Visitor>(visitor), std::move(x.get_data()));
}

// -- string conversion -------------------------------------------------------

bool convert(const data& d, std::string& str);
bool convert(const vector& v, std::string& str);
bool convert(const set& s, std::string& str);
bool convert(const table& t, std::string& str);

std::string to_string(const data& d);
std::string to_string(const vector& v);
std::string to_string(const set& s);
std::string to_string(const table& t);

std::ostream& operator<<(std::ostream& out, const data& d);
std::ostream& operator<<(std::ostream& out, const vector& v);
std::ostream& operator<<(std::ostream& out, const set& s);
std::ostream& operator<<(std::ostream& out, const table& t);

const char* to_string(data::type t) noexcept;

} // namespace broker

namespace std {

template <>
struct hash<broker::data> {
  size_t operator()(const broker::data& x) const noexcept;
};

template <>
struct hash<broker::set> {
  size_t operator()(const broker::set& x) const noexcept;
};

template <>
struct hash<broker::vector> {
  size_t operator()(const broker::vector& x) const noexcept;
};

template <>
struct hash<broker::table> {
  size_t operator()(const broker::table& x) const noexcept;
};

} // namespace std
