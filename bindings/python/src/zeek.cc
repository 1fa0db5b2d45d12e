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

} // namespace

void register_zeek(py::module_& m) {
  auto sub = m.def_submodule("zeek", "Zeek message layouts");
  py::class_<zeek::Event>(sub, "Event")
    .def(py::init([](const data& msg) { return zeek::Event{msg}; }),
         py::arg("data"))
    .def(py::init([](std::string name, const data& args) {
           auto xs = get_if<vector>(args);
           if (!xs)
             throw py::type_error("the arguments of an event must be a vector");
           return zeek::Event{std::move(name), *xs};
         }),
         py::arg("name"), py::arg("args"))
    .def("valid", &zeek::Event::valid)
    .def("name", [](const zeek::Event& ev) { return checked(ev).name(); })
    .def("args",
         [](const zeek::Event& ev) {
           py::list result;
           for (auto& x : checked(ev).args())
             result.append(to_py(x));
           return result;
         })
    .def("as_data", [](const zeek::Event& ev) { return ev.as_data(); })
    .def("__str__", [](const zeek::Event& ev) { return to_string(ev.as_data()); })
    .def("__repr__", [](const zeek::Event& ev) {
      return "Event(" + to_string(ev.as_data()) + ")";
    });
}

} // namespace broker::python
