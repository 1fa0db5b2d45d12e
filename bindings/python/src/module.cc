// The extension module `broker._broker`. The package `broker` (broker/
// __init__.py) re-exports these names and adds the Python-level classes.

#include "convert.hh"
#include "module.hh"

PYBIND11_MODULE(_broker, m) {
  namespace bp = broker::python;
  m.doc() = "Broker's C++ core for the `broker` package";
  bp::init_conversions();
  // Value types first: later signatures refer to them.
  bp::register_values(m);
  bp::register_time(m);
  bp::register_data(m);
  bp::register_containers(m);
  bp::register_topic(m);
  bp::register_status(m);
  bp::register_compat(m);
  bp::register_configuration(m);
  bp::register_subscribers(m);
  bp::register_publisher(m);
  bp::register_store(m);
  bp::register_endpoint(m);
  bp::register_zeek(m);
  m.def("_set_message_base", &bp::set_message_base, pybind11::arg("cls"),
        "Makes instances of `cls` convert through their to_broker() method.");
  m.def("_set_readonly_dict", &bp::set_readonly_dict, pybind11::arg("cls"),
        "The dict subclass that immutable conversions build tables as.");
}
