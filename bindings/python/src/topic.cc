// broker.Topic: a topic name with `/` joining.

#include "bind_util.hh"
#include "broker/topic.hh"
#include "convert.hh"

namespace broker::python {

void register_topic(py::module_& m) {
  py::class_<topic> cls(m, "Topic");
  cls.def(py::init<>())
    .def(py::init([](const std::string& str) { return topic{str}; }),
         py::arg("name"))
    .def("string", &topic::string)
    .def(
      "__truediv__",
      [](const topic& x, py::handle y) { return x / to_topic(y); },
      py::is_operator())
    .def(
      "__rtruediv__",
      [](const topic& x, const std::string& y) { return topic{y} / x; },
      py::is_operator())
    .def(
      "__itruediv__",
      [](topic& x, py::handle y) -> topic& { return x /= to_topic(y); },
      py::is_operator())
    .def("__str__", &topic::string)
    .def("__repr__", &topic::string);
  bind_ordering(cls);
  cls.def("__hash__", [](const topic& x) { return std::hash<topic>{}(x); });
}

} // namespace broker::python
