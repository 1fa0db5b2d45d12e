#pragma once

#include "broker/publisher.hh"
#include "broker/status_subscriber.hh"
#include "broker/subscriber.hh"
#include "module.hh"

namespace broker::python {

/// The Python objects that endpoint.cc hands out (subscribers.cc and
/// publisher.cc).
py::object wrap(subscriber&& sub);
py::object wrap(status_subscriber&& sub);
py::object wrap(publisher&& pub);

} // namespace broker::python
