// broker.Count, broker.Enum, broker.Port, broker.Address and broker.Subnet:
// the wrappers for Broker types that have no exact Python counterpart.

#include <cstring>

#include "bind_util.hh"
#include "broker/data.hh"

namespace broker::python {

namespace {

void bind_count(py::module_& m) {
  py::class_<count_box> cls(m, "Count");
  cls
    .def(py::init([](py::int_ value) {
           // Checked here: pybind11 would report a negative or too large
           // value as a mismatch of the constructor signature.
           auto x = PyLong_AsUnsignedLongLong(value.ptr());
           if (x == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
             PyErr_Clear();
             throw py::value_error("a Count must be in [0, 2**64)");
           }
           return count_box{x};
         }),
         py::arg("value"))
    .def_readwrite("value", &count_box::value)
    .def("__hash__", [](const count_box& x) { return py::hash(py::int_(x.value)); })
    .def("__str__", [](const count_box& x) { return std::to_string(x.value); })
    .def("__repr__", [](const count_box& x) {
      return "Count(" + std::to_string(x.value) + ")";
    });
  bind_ordering(cls);
}

void bind_enum_value(py::module_& m) {
  py::class_<enum_value> cls(m, "Enum");
  cls.def(py::init<std::string>(), py::arg("name"))
    .def_readwrite("name", &enum_value::name);
  bind_ordering(cls);
  cls.def("__hash__",
          [](const enum_value& x) { return std::hash<std::string>{}(x.name); })
    .def("__str__", [](const enum_value& x) { return x.name; })
    .def("__repr__", [](const enum_value& x) { return x.name; });
}

void bind_port(py::module_& m) {
  py::class_<port> cls(m, "Port");
  py::enum_<port::protocol>(cls, "Protocol")
    .value("Unknown", port::protocol::unknown)
    .value("TCP", port::protocol::tcp)
    .value("UDP", port::protocol::udp)
    .value("ICMP", port::protocol::icmp)
    .export_values();
  cls.def(py::init<>())
    .def(py::init<port::number_type, port::protocol>(), py::arg("number"),
         py::arg("protocol") = port::protocol::unknown)
    .def("number", &port::number)
    .def("get_type", &port::type);
  bind_ordering(cls);
  bind_text_and_hash(cls);
}

address address_from_bytes(const py::bytes& bytes, int family) {
  auto raw = std::string{bytes};
  if (family == 4 && raw.size() == 4) {
    uint32_t word;
    std::memcpy(&word, raw.data(), 4);
    return address{&word, address::family::ipv4, address::byte_order::network};
  }
  if (family == 6 && raw.size() == 16) {
    std::array<uint8_t, 16> buf;
    std::memcpy(buf.data(), raw.data(), 16);
    return address{buf};
  }
  throw py::value_error("Address(bytes, family) needs 4 bytes for family 4 "
                        "or 16 bytes for family 6");
}

void bind_address(py::module_& m) {
  py::class_<address> cls(m, "Address");
  py::enum_<address::family>(cls, "Family")
    .value("IPv4", address::family::ipv4)
    .value("IPv6", address::family::ipv6);
  py::enum_<address::byte_order>(cls, "ByteOrder")
    .value("Host", address::byte_order::host)
    .value("Network", address::byte_order::network);
  // The enum overload first: pybind11 would also pass an enum as an int.
  cls.def(py::init<>())
    .def(py::init([](const py::bytes& bytes, address::family fam) {
           return address_from_bytes(bytes,
                                     fam == address::family::ipv4 ? 4 : 6);
         }),
         py::arg("bytes"), py::arg("family"))
    .def(py::init(&address_from_bytes), py::arg("bytes"), py::arg("family"))
    .def(
      "mask",
      [](address& a, int bits) {
        return bits >= 0 && bits <= 128 && a.mask(static_cast<uint8_t>(bits));
      },
      py::arg("top_bits_to_keep"))
    .def("is_v4", &address::is_v4)
    .def("is_v6", &address::is_v6)
    .def("bytes", [](const address& a) {
      auto& b = a.bytes();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    });
  bind_ordering(cls);
  bind_text_and_hash(cls);
}

void bind_subnet(py::module_& m) {
  py::class_<subnet> cls(m, "Subnet");
  cls.def(py::init<>())
    .def(py::init([](const address& a, int len) {
           // Out-of-range lengths give the default subnet, as in C++.
           return subnet{a, static_cast<uint8_t>(len < 0 || len > 128 ? 255
                                                                      : len)};
         }),
         py::arg("address"), py::arg("length"))
    .def("contains", &subnet::contains, py::arg("addr"))
    // Our earlier keyword name, still accepted.
    .def("contains", &subnet::contains, py::arg("address"))
    .def("network", &subnet::network)
    .def("length", &subnet::length);
  bind_ordering(cls);
  bind_text_and_hash(cls);
}

} // namespace

void register_values(py::module_& m) {
  bind_count(m);
  bind_enum_value(m);
  bind_port(m);
  bind_address(m);
  bind_subnet(m);
}

} // namespace broker::python
