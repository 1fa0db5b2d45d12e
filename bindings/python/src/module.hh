#pragma once

// Shared declarations of the `broker._broker` extension. Each register_*
// function binds one concept; module.cc calls them in dependency order.

#include <pybind11/pybind11.h>

#include <cstdint>

#include "opaque.hh"

namespace broker::python {

namespace py = pybind11;

/// Python has no unsigned integer type: Broker counts travel as instances of
/// this box (`broker.Count`), so that they survive a round trip as counts.
struct count_box {
  uint64_t value = 0;

  friend bool operator==(count_box x, count_box y) { return x.value == y.value; }
  friend bool operator!=(count_box x, count_box y) { return x.value != y.value; }
  friend bool operator<(count_box x, count_box y) { return x.value < y.value; }
};

void register_values(py::module_& m);        // values.cc
void register_time(py::module_& m);          // time.cc
void register_data(py::module_& m);          // data.cc
void register_containers(py::module_& m);    // containers.cc
void register_topic(py::module_& m);         // topic.cc
void register_status(py::module_& m);        // status.cc
void register_configuration(py::module_& m); // configuration.cc
void register_subscribers(py::module_& m);   // subscribers.cc
void register_publisher(py::module_& m);     // publisher.cc
void register_store(py::module_& m);         // store.cc
void register_endpoint(py::module_& m);      // endpoint.cc
void register_zeek(py::module_& m);          // zeek.cc
void register_compat(py::module_& m);        // compat.cc

} // namespace broker::python
