// broker.Vector, broker.Set and broker.Table: mutable Broker containers.
// Elements go in as any convertible Python value and come out as
// broker.Data, so a container round-trips without losing Broker types.

#include "bind_util.hh"
#include "broker/data.hh"
#include "convert.hh"

namespace broker::python {

namespace {

/// Python-style index (negative counts from the end) into `size`.
size_t to_index(Py_ssize_t i, size_t size) {
  auto n = static_cast<Py_ssize_t>(size);
  if (i < 0)
    i += n;
  if (i < 0 || i >= n)
    throw py::index_error("Vector index out of range");
  return static_cast<size_t>(i);
}

/// Iterates over a snapshot: a live C++ iterator would dangle (and crash
/// the interpreter) once Python code modified the container meanwhile.
template <class Iterator, class F>
py::iterator snapshot(Iterator first, Iterator last, F make_item) {
  py::list items;
  for (; first != last; ++first)
    items.append(make_item(*first));
  return py::iter(items);
}

auto as_data = [](const data& x) { return py::cast(x); };

/// Length, truth value, string forms and ordering that all three share.
template <class T>
void bind_common(py::class_<T>& cls, const char* name) {
  cls.def("__len__", &T::size)
    .def("__bool__", [](const T& xs) { return !xs.empty(); })
    .def("clear", &T::clear)
    .def("__str__", [name](const T& xs) { return name + to_string(xs); })
    .def("__repr__", [name](const T& xs) { return name + to_string(xs); });
  bind_ordering(cls);
}

void bind_vector(py::module_& m) {
  py::class_<vector> cls(m, "Vector");
  cls.def(py::init<>())
    .def(py::init([](py::iterable xs) {
           vector result;
           for (auto x : xs)
             result.emplace_back(from_py(x));
           return result;
         }),
         py::arg("elements"))
    .def(
      "append", [](vector& xs, py::handle x) { xs.emplace_back(from_py(x)); },
      py::arg("element"))
    .def("__getitem__",
         [](const vector& xs, Py_ssize_t i) { return xs[to_index(i, xs.size())]; })
    .def("__setitem__",
         [](vector& xs, Py_ssize_t i, py::handle x) {
           xs[to_index(i, xs.size())] = from_py(x);
         })
    .def("__delitem__",
         [](vector& xs, Py_ssize_t i) {
           xs.erase(xs.begin()
                    + static_cast<ptrdiff_t>(to_index(i, xs.size())));
         })
    .def("__iter__", [](const vector& xs) {
      return snapshot(xs.begin(), xs.end(), as_data);
    });
  bind_common(cls, "Vector");
}

void bind_set(py::module_& m) {
  py::class_<set> cls(m, "Set");
  cls.def(py::init<>())
    .def(py::init([](py::iterable xs) {
           set result;
           for (auto x : xs)
             result.emplace(from_py(x));
           return result;
         }),
         py::arg("elements"))
    .def(
      "add", [](set& xs, py::handle x) { xs.emplace(from_py(x)); },
      py::arg("element"))
    .def(
      "remove",
      [](set& xs, py::handle x) {
        if (xs.erase(from_py(x)) == 0)
          throw py::key_error("element not in Set");
      },
      py::arg("element"))
    .def(
      "discard", [](set& xs, py::handle x) { xs.erase(from_py(x)); },
      py::arg("element"))
    .def("__contains__",
         [](const set& xs, py::handle x) { return xs.count(from_py(x)) > 0; })
    .def("__iter__", [](const set& xs) {
      return snapshot(xs.begin(), xs.end(), as_data);
    });
  bind_common(cls, "Set");
}

void bind_table(py::module_& m) {
  py::class_<table> cls(m, "Table");
  cls.def(py::init<>())
    .def(py::init([](py::dict xs) {
           table result;
           for (auto [k, v] : xs)
             result.insert_or_assign(from_py(k), from_py(v));
           return result;
         }),
         py::arg("entries"))
    .def("__getitem__",
         [](const table& xs, py::handle k) {
           auto i = xs.find(from_py(k));
           if (i == xs.end())
             throw py::key_error("key not in Table");
           return i->second;
         })
    .def("__setitem__",
         [](table& xs, py::handle k, py::handle v) {
           xs.insert_or_assign(from_py(k), from_py(v));
         })
    .def("__delitem__",
         [](table& xs, py::handle k) {
           if (xs.erase(from_py(k)) == 0)
             throw py::key_error("key not in Table");
         })
    .def("__contains__",
         [](const table& xs, py::handle k) { return xs.count(from_py(k)) > 0; })
    .def("__iter__",
         [](const table& xs) {
           return snapshot(xs.begin(), xs.end(),
                           [](const auto& kv) { return py::cast(kv.first); });
         })
    .def("items", [](const table& xs) {
      return snapshot(xs.begin(), xs.end(), [](const auto& kv) {
        return py::make_tuple(kv.first, kv.second);
      });
    });
  bind_common(cls, "Table");
}

} // namespace

void register_containers(py::module_& m) {
  bind_vector(m);
  bind_set(m);
  bind_table(m);
}

} // namespace broker::python
