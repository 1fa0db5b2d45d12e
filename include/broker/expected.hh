#pragma once

#include <ostream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "broker/error.hh"

namespace broker {

/// Thrown by `expected<T>::value()` when the expected holds an error.
class bad_expected_access : public std::logic_error {
public:
  explicit bad_expected_access(const error& err)
    : std::logic_error("bad expected access: " + to_string(err)), err_(err) {}

  const error& get_error() const noexcept { return err_; }

private:
  error err_;
};

/// Either a value of type `T` or an `error`, with pointer-like access.
template <class T>
class expected {
public:
  using value_type = T;

  template <class U,
            class = std::enable_if_t<std::is_convertible_v<U&&, T>
                                     && !std::is_same_v<std::decay_t<U>, ::broker::error>
                                     && !std::is_same_v<std::decay_t<U>, ec>
                                     && !std::is_same_v<std::decay_t<U>,
                                                        expected>>>
  expected(U&& x) : state_(std::in_place_index<0>, std::forward<U>(x)) {}

  expected(::broker::error err) : state_(std::in_place_index<1>, std::move(err)) {}

  expected(ec code) : state_(std::in_place_index<1>, ::broker::error{code}) {}

  expected(const expected&) = default;
  expected(expected&&) noexcept(std::is_nothrow_move_constructible_v<T>) =
    default;
  expected& operator=(const expected&) = default;
  expected& operator=(expected&&) noexcept(
    std::is_nothrow_move_assignable_v<T>) = default;

  bool has_value() const noexcept { return state_.index() == 0; }

  explicit operator bool() const noexcept { return has_value(); }

  bool operator!() const noexcept { return !has_value(); }

  T& value() & {
    check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }

  T& operator*() & noexcept { return *std::get_if<0>(&state_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&state_)); }

  T* operator->() noexcept { return std::get_if<0>(&state_); }
  const T* operator->() const noexcept { return std::get_if<0>(&state_); }

  /// The error; only valid if `!has_value()`.
  ::broker::error& error() noexcept { return *std::get_if<1>(&state_); }
  const ::broker::error& error() const noexcept { return *std::get_if<1>(&state_); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }

private:
  void check() const {
    if (!has_value())
      throw bad_expected_access(*std::get_if<1>(&state_));
  }

  std::variant<T, ::broker::error> state_;
};

/// The value-less specialization: success or an error.
template <>
class expected<void> {
public:
  expected() noexcept = default;

  expected(::broker::error err) : err_(std::move(err)) {}

  expected(ec code) : err_(code) {}

  bool has_value() const noexcept { return !err_; }

  explicit operator bool() const noexcept { return has_value(); }

  bool operator!() const noexcept { return !has_value(); }

  const ::broker::error& error() const noexcept { return err_; }

private:
  ::broker::error err_;
};

template <class T>
bool operator==(const expected<T>& x, ec code) {
  return !x && x.error() == code;
}

template <class T>
bool operator!=(const expected<T>& x, ec code) {
  return !(x == code);
}

/// Prints the value, or `!` followed by the error. Only for printable
/// values, so that printability checks (e.g. gtest's) see the truth.
template <class T>
auto operator<<(std::ostream& out, const expected<T>& x)
  -> decltype(out << std::declval<const T&>()) {
  if (x)
    return out << *x;
  return out << '!' << to_string(x.error());
}

/// Prints `ok`, or `!` followed by the error.
inline std::ostream& operator<<(std::ostream& out, const expected<void>& x) {
  if (x)
    return out << "ok";
  return out << '!' << to_string(x.error());
}

} // namespace broker
