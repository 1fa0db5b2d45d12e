#pragma once

// Small helpers that several binding files share.

#include <functional>
#include <string>

#include "broker/convert.hh"
#include "module.hh"

namespace broker::python {

/// Throws the Python exception `type` (for the types pybind11 has no C++
/// exception class for, such as OverflowError).
[[noreturn]] inline void raise(PyObject* type, const char* message) {
  PyErr_SetString(type, message);
  throw py::error_already_set();
}

/// Comparisons against the same class only: other operands get
/// NotImplemented, so `==` falls back to identity and `<` raises TypeError.
template <class T, class... Extra>
void bind_ordering(py::class_<T, Extra...>& cls) {
  cls.def(
       "__eq__", [](const T& x, const T& y) { return x == y; },
       py::is_operator())
    .def(
      "__ne__", [](const T& x, const T& y) { return x != y; },
      py::is_operator())
    .def(
      "__lt__", [](const T& x, const T& y) { return x < y; },
      py::is_operator())
    .def(
      "__le__", [](const T& x, const T& y) { return !(y < x); },
      py::is_operator())
    .def(
      "__gt__", [](const T& x, const T& y) { return y < x; },
      py::is_operator())
    .def(
      "__ge__", [](const T& x, const T& y) { return !(x < y); },
      py::is_operator());
}

/// `__hash__` from std::hash and `__str__` from broker::to_string. The
/// `__repr__` is the same bare text (`80/tcp`), as upstream prints received
/// values; with a `name`, it is `Name(<text>)` instead (for our own
/// classes, which upstream has no repr for).
template <class T, class... Extra>
void bind_text_and_hash(py::class_<T, Extra...>& cls,
                        const char* name = nullptr) {
  cls.def("__hash__", [](const T& x) { return std::hash<T>{}(x); })
    .def("__str__", [](const T& x) { return broker::to_string(x); })
    .def("__repr__", [name](const T& x) {
      if (!name)
        return broker::to_string(x);
      return std::string{name} + "(" + broker::to_string(x) + ")";
    });
}

} // namespace broker::python
