#pragma once

// Why this exists: upstream Broker's types are CAF types, so its manual and
// user code spell variant access the CAF way, e.g.
//   if (auto st = caf::get_if<broker::status>(&ss_res)) ...
//   auto err = caf::get<broker::error>(ss_res);
// We have no CAF; our status_variant is a std::variant. This tiny `caf`
// namespace forwards those spellings to the standard library so that such
// code compiles unchanged. It is not a CAF emulation: nothing else lives
// here, and new code should use the std or broker functions directly.

#include <variant>

namespace caf {

template <class T, class... Ts>
T* get_if(std::variant<Ts...>* x) noexcept {
  return std::get_if<T>(x);
}

template <class T, class... Ts>
const T* get_if(const std::variant<Ts...>* x) noexcept {
  return std::get_if<T>(x);
}

/// Throws `std::bad_variant_access` on a type clash.
template <class T, class... Ts>
T& get(std::variant<Ts...>& x) {
  return std::get<T>(x);
}

template <class T, class... Ts>
const T& get(const std::variant<Ts...>& x) {
  return std::get<T>(x);
}

template <class T, class... Ts>
T&& get(std::variant<Ts...>&& x) {
  return std::get<T>(std::move(x));
}

template <class T, class... Ts>
bool holds_alternative(const std::variant<Ts...>& x) noexcept {
  return std::holds_alternative<T>(x);
}

} // namespace caf
