#pragma once

// What the container bindings (containers.cc, vector.cc) share.

#include <string>

#include "bind_util.hh"
#include "broker/data.hh"
#include "convert.hh"

namespace broker::python {

/// Iterates over a snapshot: a live C++ iterator would dangle (and crash
/// the interpreter) once Python code modified the container meanwhile.
template <class Iterator, class F>
py::iterator snapshot(Iterator first, Iterator last, F make_item) {
  py::list items;
  for (; first != last; ++first)
    items.append(make_item(*first));
  return py::iter(items);
}

/// The text of each element between `open` and `close`, comma-separated:
/// upstream's container reprs (`Vector[1, 2]`, `Set{a}`, `Table{k: v}`).
template <class Iterator, class F>
std::string join(Iterator first, Iterator last, const char* open,
                 const char* close, F text) {
  std::string result = open;
  for (auto i = first; i != last; ++i) {
    if (i != first)
      result += ", ";
    result += text(*i);
  }
  return result + close;
}

inline std::string element_text(const data& x) {
  return to_string(x);
}

/// Length, truth value, clearing and ordering that all three share. (The
/// `__str__` is the repr, as upstream's have only a repr.)
template <class T>
void bind_common(py::class_<T>& cls) {
  cls.def("__len__", &T::size)
    .def("__bool__", [](const T& xs) { return !xs.empty(); })
    .def("clear", &T::clear)
    .def("__str__", [](py::handle self) { return py::repr(self); });
  bind_ordering(cls);
}

void bind_vector(py::module_& m); // vector.cc

} // namespace broker::python
