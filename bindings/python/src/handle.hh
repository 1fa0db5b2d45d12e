#pragma once

// The Python objects for subscribers and publishers hold their C++ object
// through this handle. A blocking call keeps its own reference while it
// waits without the GIL, so that reset() from another thread (or a `with`
// block ending) never destroys an object that is still in use.

#include <memory>
#include <string>

#include "module.hh"

namespace broker::python {

template <class T>
class handle {
public:
  using element_type = T;

  handle(T impl, const char* what)
    : impl_(std::make_shared<T>(std::move(impl))), what_(what) {}

  /// A reference for the duration of one call; ValueError after reset().
  std::shared_ptr<T> use() const {
    if (!impl_)
      throw py::value_error(std::string{"operation on a "} + what_
                            + " that has been reset");
    return impl_;
  }

  /// For blocking calls: throws once the handle was reset during the wait.
  void check_alive() const {
    if (!impl_)
      throw py::value_error(std::string{"the "} + what_
                            + " was reset while a call waited on it");
  }

  bool alive() const noexcept { return impl_ != nullptr; }

  const std::shared_ptr<T>& get() const noexcept { return impl_; }

  /// Releases the object now, or when the last waiting call returns.
  void reset() {
    auto impl = std::move(impl_);
    if (impl && impl.use_count() == 1) {
      py::gil_scoped_release nogil;
      impl->reset();
    }
  }

private:
  std::shared_ptr<T> impl_;
  const char* what_;
};

} // namespace broker::python
