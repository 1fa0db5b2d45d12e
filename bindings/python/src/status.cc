// Errors, statuses and what they refer to: broker.EC, broker.SC,
// broker.Error, broker.Status, broker.NetworkInfo, broker.EndpointInfo,
// broker.PeerInfo, broker.PeerStatus and broker.PeerFlags.

#include "bind_util.hh"
#include "broker/error.hh"
#include "broker/peer_info.hh"
#include "broker/status.hh"
#include "convert.hh"

namespace broker::python {

namespace {

/// Lets the enum compare equal to ints. Upstream patches EC.__eq__ that way
/// because its Error.code() returns a plain int; code written for that
/// keeps working with the enum our Error.code() returns. (pybind11 compares
/// scoped enums with ints only by identity.)
template <class E>
py::enum_<E>& compare_with_ints(py::enum_<E>& cls) {
  using underlying = std::underlying_type_t<E>;
  auto eq = [](E x, py::handle y) -> py::object {
    if (py::isinstance<E>(y))
      return py::bool_(x == y.cast<E>());
    if (PyLong_Check(y.ptr()) && !PyBool_Check(y.ptr()))
      return py::bool_(py::int_(static_cast<underlying>(x)).equal(y));
    return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  };
  auto ne = [eq](E x, py::handle y) -> py::object {
    auto result = eq(x, y);
    if (result.ptr() == Py_NotImplemented)
      return result;
    return py::bool_(result.ptr() != Py_True);
  };
  // Assigned, not def()'d: def() would append these as overloads after the
  // strict ones pybind11 installed, which accept every argument.
  cls.attr("__eq__") = py::cpp_function(eq, py::name("__eq__"),
                                        py::is_method(cls), py::is_operator());
  cls.attr("__ne__") = py::cpp_function(ne, py::name("__ne__"),
                                        py::is_method(cls), py::is_operator());
  return cls;
}

void bind_ec(py::module_& m) {
  py::enum_<ec> cls(m, "EC");
  compare_with_ints(cls)
    .value("Unspecified", ec::unspecified)
    .value("PeerIncompatible", ec::peer_incompatible)
    .value("PeerInvalid", ec::peer_invalid)
    .value("PeerUnavailable", ec::peer_unavailable)
    .value("PeerDisconnectDuringHandshake",
           ec::peer_disconnect_during_handshake)
    .value("PeerTimeout", ec::peer_timeout)
    .value("MasterExists", ec::master_exists)
    .value("NoSuchMaster", ec::no_such_master)
    .value("NoSuchKey", ec::no_such_key)
    .value("RequestTimeOut", ec::request_timeout)
    .value("RequestTimeout", ec::request_timeout)
    .value("TypeClash", ec::type_clash)
    .value("InvalidData", ec::invalid_data)
    .value("BackendFailure", ec::backend_failure)
    .value("StaleData", ec::stale_data)
    .value("CannotOpenFile", ec::cannot_open_file)
    .value("CannotWriteFile", ec::cannot_write_file)
    .value("InvalidTopicKey", ec::invalid_topic_key)
    .value("EndOfFile", ec::end_of_file)
    .value("InvalidTag", ec::invalid_tag)
    .value("InvalidStatus", ec::invalid_status);
}

void bind_enums(py::module_& m) {
  bind_ec(m);
  // Only EC compares equal to ints (upstream patched EC.__eq__); the other
  // enums keep pybind11's strict comparison, as upstream's: SC.PeerAdded
  // == 2 is False, int(SC.PeerAdded) == 2 holds.
  py::enum_<sc>(m, "SC")
    .value("Unspecified", sc::unspecified)
    .value("PeerAdded", sc::peer_added)
    .value("PeerRemoved", sc::peer_removed)
    .value("PeerLost", sc::peer_lost)
    .value("EndpointDiscovered", sc::endpoint_discovered)
    .value("EndpointUnreachable", sc::endpoint_unreachable);
  py::enum_<peer_status>(m, "PeerStatus")
    .value("Initialized", peer_status::initialized)
    .value("Connecting", peer_status::connecting)
    .value("Connected", peer_status::connected)
    .value("Peered", peer_status::peered)
    .value("Disconnected", peer_status::disconnected)
    .value("Reconnecting", peer_status::reconnecting);
  py::enum_<peer_flags>(m, "PeerFlags")
    .value("Invalid", peer_flags::invalid)
    .value("Local", peer_flags::local)
    .value("Remote", peer_flags::remote)
    .value("Outbound", peer_flags::outbound)
    .value("Inbound", peer_flags::inbound);
}

py::object optional_context(const endpoint_info* ctx) {
  return ctx ? py::cast(*ctx) : py::none();
}

std::string optional_network_text(const std::optional<network_info>& x) {
  // CAF's form, as upstream's repr: a leading `*` for a set optional.
  return x ? "*" + to_string(*x) : "none";
}

void bind_infos(py::module_& m) {
  py::class_<network_info>(m, "NetworkInfo")
    .def(py::init<>())
    .def(py::init<std::string, uint16_t>(), py::arg("address"), py::arg("port"))
    .def_readwrite("address", &network_info::address)
    .def_readwrite("port", &network_info::port)
    .def("__str__", [](const network_info& x) { return to_string(x); })
    .def("__repr__", [](const network_info& x) { return to_string(x); });
  // The name and interface of upstream's binding of optional<network_info>.
  py::class_<std::optional<network_info>>(m, "OptionalNetworkInfo")
    .def(py::init<>())
    .def(py::init([](const network_info& x) {
           return std::optional<network_info>{x};
         }),
         py::arg("info"))
    .def("is_set", [](const std::optional<network_info>& x) { return x.has_value(); })
    .def("get",
         [](const std::optional<network_info>& x) {
           if (!x)
             throw py::value_error("the network info is not set");
           return *x;
         })
    .def("__repr__", &optional_network_text);
  py::class_<endpoint_info>(m, "EndpointInfo")
    .def(py::init<>())
    .def_readwrite("network", &endpoint_info::network)
    // Upstream 2.3+: "native" for a Broker peer, else None.
    .def_property(
      "type",
      [](const endpoint_info& x) -> py::object {
        if (x.type)
          return py::str(*x.type);
        return py::none();
      },
      [](endpoint_info& x, py::handle t) {
        x.type = t.is_none() ? std::nullopt
                             : std::optional{t.cast<std::string>()};
      })
    .def_property_readonly("node",
                           [](const endpoint_info& x) { return to_string(x.node); })
    .def("node_id", [](const endpoint_info& x) { return to_string(x.node); })
    .def("__str__", [](const endpoint_info& x) { return to_string(x); })
    // Upstream's repr is the node id alone.
    .def("__repr__", [](const endpoint_info& x) { return to_string(x.node); });
  py::class_<peer_info>(m, "PeerInfo")
    .def(py::init<>())
    .def_readwrite("peer", &peer_info::peer)
    .def_readwrite("flags", &peer_info::flags)
    .def_readwrite("status", &peer_info::status)
    .def("__str__", [](const peer_info& x) { return to_string(x); })
    .def("__repr__", [](const peer_info& x) { return to_string(x); });
}

/// Upstream's Status and Error define no `__eq__`, so they hash by
/// identity; ours compare by value (an addition) and still hash by identity,
/// so that sets and dicts of them behave as upstream's.
template <class T>
void hash_by_identity(py::class_<T>& cls) {
  cls.attr("__hash__") = py::module_::import("builtins")
                           .attr("object")
                           .attr("__hash__");
}

void bind_status_and_error(py::module_& m) {
  py::class_<error> err_cls(m, "Error");
  err_cls.def(py::init<>())
    .def("code", &error::code)
    .def("message", &error::message)
    .def("context", [](const error& x) { return optional_context(x.context()); })
    .def("__eq__", [](const error& x, const error& y) { return x == y; },
         py::is_operator())
    .def("__str__", [](const error& x) { return to_string(x); })
    .def("__repr__", [](const error& x) { return to_string(x); });
  hash_by_identity(err_cls);
  py::class_<status> st_cls(m, "Status");
  st_cls.def(py::init<>())
    .def("code", &status::code)
    .def("message", [](const status& x) { return *x.message(); })
    .def("context", [](const status& x) { return optional_context(x.context()); })
    .def("__eq__", [](const status& x, const status& y) { return x == y; },
         py::is_operator())
    .def("__str__", [](const status& x) { return to_string(x); })
    .def("__repr__", [](const status& x) { return to_string(x); });
  hash_by_identity(st_cls);
}

} // namespace

py::object to_py(status_variant&& x) {
  if (auto err = std::get_if<error>(&x))
    return py::cast(std::move(*err));
  if (auto st = std::get_if<status>(&x))
    return py::cast(std::move(*st));
  return py::none();
}

void register_status(py::module_& m) {
  bind_enums(m);
  bind_infos(m);
  bind_status_and_error(m);
}

} // namespace broker::python
