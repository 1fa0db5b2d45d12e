// broker.Set and broker.Table (broker.Vector is in vector.cc): mutable
// Broker containers. Elements go in as any convertible Python value and come
// out as _broker.Data, so a container round-trips without losing Broker
// types.

#include "containers.hh"

namespace broker::python {

namespace {


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
      // Silent for a missing element, as upstream's.
      "remove", [](set& xs, py::handle x) { xs.erase(from_py(x)); },
      py::arg("element"))
    .def(
      "discard", [](set& xs, py::handle x) { xs.erase(from_py(x)); },
      py::arg("element"))
    .def("__contains__",
         [](const set& xs, py::handle x) { return xs.count(from_py(x)) > 0; })
    .def("__iter__", [](const set& xs) {
      return snapshot(xs.begin(), xs.end(),
                      [](const data& x) { return py::cast(x); });
    });
  bind_common(cls);
  cls.def("__repr__", [](const set& xs) {
    return "Set" + join(xs.begin(), xs.end(), "{", "}", element_text);
  });
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
    .def("keys",
         [](const table& xs) {
           return snapshot(xs.begin(), xs.end(),
                           [](const auto& kv) { return py::cast(kv.first); });
         })
    .def("values",
         [](const table& xs) {
           return snapshot(xs.begin(), xs.end(),
                           [](const auto& kv) { return py::cast(kv.second); });
         })
    .def("items", [](const table& xs) {
      return snapshot(xs.begin(), xs.end(), [](const auto& kv) {
        return py::make_tuple(kv.first, kv.second);
      });
    });
  bind_common(cls);
  cls.def("__repr__", [](const table& xs) {
    return "Table" + join(xs.begin(), xs.end(), "{", "}", [](const auto& kv) {
             return to_string(kv.first) + ": " + to_string(kv.second);
           });
  });
}

} // namespace

void register_containers(py::module_& m) {
  bind_vector(m);
  bind_set(m);
  bind_table(m);
}

} // namespace broker::python
