// _broker.zeek: the Zeek event layout. broker/zeek.py derives the Python
// Event class (with upstream's constructor forms) from this one.

#include "broker/zeek.hh"
#include "convert.hh"

namespace broker::python {

namespace {

const zeek::Event& checked(const zeek::Event& ev) {
  if (!ev.valid())
    throw py::value_error("not a valid Zeek event: " + to_string(ev.as_data()));
  return ev;
}

const vector& checked_vector(const data& x, const char* what) {
  auto xs = get_if<vector>(x);
  if (!xs)
    throw py::type_error(std::string{"the "} + what
                         + " of an event must be a vector");
  return *xs;
}

py::list to_py_list(const vector& xs) {
  py::list result;
  for (auto& x : xs)
    result.append(to_py(x));
  return result;
}

/// Metadata entries as (key, value) tuples (valid events have only
/// 2-element vector entries, which to_py turns into 2-tuples), or None if
/// there are none, as upstream 2.6+.
py::object metadata_list(const zeek::Event& ev) {
  auto& xs = checked(ev).metadata();
  if (xs.empty())
    return py::none();
  return to_py_list(xs);
}

py::object optional_to_py(const data* x) {
  return x ? to_py(*x) : py::none();
}

} // namespace

void register_zeek(py::module_& m) {
  auto sub = m.def_submodule("zeek", "Zeek message layouts");
  py::class_<zeek::Message>(sub, "Message")
    .def("as_data", [](const zeek::Message& msg) { return msg.as_data(); });
  py::class_<zeek::Event, zeek::Message>(sub, "Event")
    .def(py::init([](const data& msg) { return zeek::Event{msg}; }),
         py::arg("data"))
    .def(py::init([](std::string name, const data& args) {
           return zeek::Event{std::move(name), checked_vector(args, "arguments")};
         }),
         py::arg("name"), py::arg("args"))
    .def(py::init([](std::string name, const data& args, const data& md) {
           return zeek::Event{std::move(name), checked_vector(args, "arguments"),
                              checked_vector(md, "metadata")};
         }),
         py::arg("name"), py::arg("args"), py::arg("metadata"))
    .def("valid", &zeek::Event::valid)
    .def("name", [](const zeek::Event& ev) { return checked(ev).name(); })
    .def("args",
         [](const zeek::Event& ev) { return to_py_list(checked(ev).args()); })
    .def("_immutable_args",
         [](const zeek::Event& ev) {
           py::list result;
           for (auto& x : checked(ev).args())
             result.append(to_py_immutable(x));
           return result;
         })
    .def("metadata", &metadata_list)
    .def("metadata_value",
         [](const zeek::Event& ev, count key) {
           return optional_to_py(checked(ev).metadata_value(key));
         },
         py::arg("key"))
    .def("ts",
         [](const zeek::Event& ev) -> py::object {
           if (auto t = checked(ev).ts())
             return to_py(*t);
           return py::none();
         })
    .def("as_data", [](const zeek::Event& ev) { return ev.as_data(); })
    .def("__str__", [](const zeek::Event& ev) { return to_string(ev.as_data()); })
    .def("__repr__", [](const zeek::Event& ev) {
      return "Event(" + to_string(ev.as_data()) + ")";
    });
}

} // namespace broker::python
