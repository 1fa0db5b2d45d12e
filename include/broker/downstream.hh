#pragma once

#include <utility>
#include <vector>

namespace broker {

/// The sink a `publish_all` producer pushes into (upstream passes CAF's
/// `downstream<data_message>`; the compatibility header aliases that name).
template <class T>
class downstream {
public:
  void push(T x) { items_.emplace_back(std::move(x)); }

  template <class... Ts>
  void emplace(Ts&&... xs) {
    items_.emplace_back(std::forward<Ts>(xs)...);
  }

  std::vector<T>& items() noexcept { return items_; }

private:
  std::vector<T> items_;
};

namespace detail {

/// The first parameter type of a member function pointer.
template <class F>
struct first_arg;

template <class R, class C, class A, class... As>
struct first_arg<R (C::*)(A, As...) const> {
  using type = A;
};

template <class R, class C, class A, class... As>
struct first_arg<R (C::*)(A, As...)> {
  using type = A;
};

} // namespace detail

} // namespace broker
