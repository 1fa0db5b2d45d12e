#pragma once

// The STL containers that upstream's module bound as Python classes
// (VectorTopic, VectorPeerInfo, VectorPairTopicData, MapBackendOptions; see
// compat.cc). Declared opaque in every file, so that no automatic list or
// dict conversion could ever compete with those classes.

#include <pybind11/pybind11.h>

#include <utility>
#include <vector>

#include "broker/backend_options.hh"
#include "broker/data.hh"
#include "broker/peer_info.hh"
#include "broker/topic.hh"

PYBIND11_MAKE_OPAQUE(std::vector<broker::topic>)
PYBIND11_MAKE_OPAQUE(std::vector<broker::peer_info>)
PYBIND11_MAKE_OPAQUE(std::vector<std::pair<broker::topic, broker::data>>)
PYBIND11_MAKE_OPAQUE(broker::backend_options)
