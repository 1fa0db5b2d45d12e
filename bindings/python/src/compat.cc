// Helper classes that upstream's `_broker` exported because its Python layer
// passed C++ containers through them: VectorTopic, VectorPeerInfo,
// VectorPairTopicData, MapBackendOptions, OptionalTimespan, ExpectedStore,
// ExpectedData and Infinite(). Our Python layer needs none of them, but code
// written against upstream's `_broker` finds them with the same interface.
// Endpoint.peers() and peer_subscriptions() return VectorPeerInfo and
// VectorTopic, as upstream's.

#include <pybind11/stl_bind.h>

#include <limits>
#include <optional>

#include "bind_util.hh"
#include "broker/time.hh"
#include "convert.hh"

namespace broker::python {

namespace {

/// Upstream's expected<T> bindings: is_valid(), get() (the value) and
/// error(). `Tag` makes one C++ type per Python class.
template <int Tag>
struct expected_box {
  py::object value;
  py::object err;
};

template <int Tag>
void bind_expected(py::module_& m, const char* name) {
  using box = expected_box<Tag>;
  py::class_<box>(m, name)
    .def("is_valid", [](const box& x) { return x.err.is_none(); })
    .def("get",
         [](const box& x) {
           if (!x.err.is_none())
             throw py::value_error("get() on an invalid expected value");
           return x.value;
         })
    .def("error", [](const box& x) { return x.err; });
}

void bind_optional_timespan(py::module_& m) {
  using opt = std::optional<timespan>;
  py::class_<opt>(m, "OptionalTimespan")
    .def(py::init<>())
    .def(py::init([](timespan x) { return opt{x}; }), py::arg("value"))
    .def("is_set", [](const opt& x) { return x.has_value(); })
    .def("get", [](const opt& x) {
      if (!x)
        throw py::value_error("the timespan is not set");
      return *x;
    });
}

} // namespace

void register_compat(py::module_& m) {
  py::bind_vector<std::vector<topic>>(m, "VectorTopic");
  py::bind_vector<std::vector<peer_info>>(m, "VectorPeerInfo");
  py::bind_vector<std::vector<std::pair<topic, data>>>(m,
                                                       "VectorPairTopicData");
  py::bind_map<backend_options>(m, "MapBackendOptions");
  bind_optional_timespan(m);
  bind_expected<0>(m, "ExpectedStore");
  bind_expected<1>(m, "ExpectedData");
  // Upstream returned CAF's `infinite` marker, which had no Python form;
  // infinite seconds is what every timeout of this module understands as
  // "forever".
  m.def("Infinite", [] { return std::numeric_limits<double>::infinity(); });
}

} // namespace broker::python
