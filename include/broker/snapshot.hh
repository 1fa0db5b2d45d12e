#pragma once

#include <unordered_map>

#include "broker/data.hh"

namespace broker {

/// The whole content of a store: every key with its value.
using snapshot = std::unordered_map<data, data>;

} // namespace broker
