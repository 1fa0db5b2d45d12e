// broker.Data: any Broker value, with its accessors and the two conversion
// entry points.

#include "bind_util.hh"
#include "broker/data.hh"
#include "convert.hh"

namespace broker::python {

namespace {

/// The alternative `T` of `x`, or a TypeError naming both types.
template <class T>
const T& expect(const data& x, const char* wanted) {
  if (auto ptr = get_if<T>(x))
    return *ptr;
  throw py::type_error(std::string{"Data holds a "} + x.get_type_name()
                       + ", not a " + wanted);
}

void bind_data_type(py::class_<data>& cls) {
  py::enum_<data::type>(cls, "Type")
    .value("Address", data::type::address)
    .value("Boolean", data::type::boolean)
    .value("Count", data::type::count)
    .value("EnumValue", data::type::enum_value)
    .value("Integer", data::type::integer)
    .value("Nil", data::type::none)
    .value("None", data::type::none)
    .value("Port", data::type::port)
    .value("Real", data::type::real)
    .value("Set", data::type::set)
    .value("String", data::type::string)
    .value("Subnet", data::type::subnet)
    .value("Table", data::type::table)
    .value("Timespan", data::type::timespan)
    .value("Timestamp", data::type::timestamp)
    .value("Vector", data::type::vector);
}

void bind_accessors(py::class_<data>& cls) {
  cls
    .def("as_none",
         [](const data& x) {
           expect<none>(x, "nil");
           return py::none();
         })
    .def("as_boolean", [](const data& x) { return expect<boolean>(x, "bool"); })
    .def("as_count", [](const data& x) { return expect<count>(x, "count"); })
    .def("as_integer",
         [](const data& x) { return expect<integer>(x, "integer"); })
    .def("as_real", [](const data& x) { return expect<real>(x, "real"); })
    .def("as_string",
         [](const data& x) { return py::bytes(expect<std::string>(x, "string")); })
    .def("as_address",
         [](const data& x) { return expect<address>(x, "address"); })
    .def("as_subnet", [](const data& x) { return expect<subnet>(x, "subnet"); })
    .def("as_port", [](const data& x) { return expect<port>(x, "port"); })
    .def("as_timestamp",
         [](const data& x) {
           double secs = 0;
           convert(expect<timestamp>(x, "timestamp"), secs);
           return secs;
         })
    .def("as_timespan",
         [](const data& x) {
           double secs = 0;
           convert(expect<timespan>(x, "timespan"), secs);
           return secs;
         })
    .def("as_enum_value",
         [](const data& x) { return expect<enum_value>(x, "enum value"); })
    .def("as_set", [](const data& x) { return expect<set>(x, "set"); })
    .def("as_table", [](const data& x) { return expect<table>(x, "table"); })
    .def("as_vector", [](const data& x) { return expect<vector>(x, "vector"); });
}

void bind_data(py::module_& m) {
  py::class_<data> cls(m, "Data");
  bind_data_type(cls);
  cls.def(py::init<>())
    .def(py::init([](py::handle x) { return from_py(x); }), py::arg("x"))
    .def_static(
      "from_py", [](py::handle x) { return from_py(x); }, py::arg("x"),
      "Converts a Python value to Broker data (TypeError if unsupported).")
    .def_static(
      "to_py", [](const data& x) { return to_py(x); }, py::arg("d"),
      "Converts Broker data to the canonical Python value.")
    .def_static(
      "_to_py_immutable", [](const data& x) { return to_py_immutable(x); },
      py::arg("d"),
      "Converts Broker data to hashable, read-only Python values "
      "(broker.ImmutableData.to_py).")
    .def("get_type", &data::get_type);
  bind_accessors(cls);
  bind_ordering(cls);
  bind_text_and_hash(cls, "Data");
}

} // namespace

void register_data(py::module_& m) {
  bind_data(m);
}

} // namespace broker::python
