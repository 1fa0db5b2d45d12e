#pragma once

#include "broker/store.hh"
#include "module.hh"

namespace broker::python {

/// The _broker.Store that endpoint.cc hands out (store.cc).
py::object wrap(store&& s);

} // namespace broker::python
