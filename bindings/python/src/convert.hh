#pragma once

// Conversions between Python values and broker::data (the table in the
// manual's section 2.5.4), plus the argument conversions every method shares.

#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/status.hh"
#include "broker/time.hh"
#include "broker/topic.hh"
#include "module.hh"

namespace broker::python {

/// The deepest container nesting accepted from Python. It equals the wire
/// codec's limit (src/format/limits.hh), so whatever converts can also be
/// sent to a peer; it also keeps self-referencing lists from recursing
/// without end.
inline constexpr int max_nesting = 64;

/// Imports what the conversions need (datetime C API, ipaddress); called
/// once when the module loads.
void init_conversions();

/// Python -> Broker. Throws TypeError for unsupported types, OverflowError
/// for ints and times out of range, ValueError for too deep nesting.
data from_py(py::handle x);

/// Broker -> Python: vectors become tuples, counts broker.Count, strings str
/// (bytes if not valid UTF-8), times datetime/timedelta, addresses and
/// subnets ipaddress objects.
py::object to_py(const data& x);

/// Broker -> Python as broker.ImmutableData.to_py: sets become frozensets
/// and tables hashable read-only dicts (see set_readonly_dict) at every
/// level, so that a set of tables converts too.
py::object to_py_immutable(const data& x);

/// An item of a status subscriber: broker.Error, broker.Status, or None
/// (a timeout). Defined in status.cc.
py::object to_py(status_variant&& x);

/// Seconds as a float to a timespan; OverflowError for NaN and values that
/// do not fit into 64 bits of nanoseconds. Defined in time.cc.
timespan seconds_to_timespan(double secs);

/// A duration argument (a store expiry): a datetime.timedelta (exact to the
/// microsecond), a broker.Timespan, or else whatever float() takes as
/// seconds, as upstream; float()'s TypeError or ValueError otherwise.
timespan to_duration(py::handle x);

/// A topic argument: a str or a broker.Topic; anything else is a TypeError.
topic to_topic(py::handle x);

/// A topic list argument: a str, a Topic, or an iterable of those.
std::vector<topic> to_topics(py::handle x);

/// Remembers the Python base class whose instances convert through their
/// `to_broker()` method (broker.Message).
void set_message_base(py::object cls);

/// Remembers the dict subclass that immutable conversions build tables as
/// (broker.ImmutableData.HashableReadOnlyDict).
void set_readonly_dict(py::object cls);

/// The type name of `x`, for error messages.
std::string type_name(py::handle x);

} // namespace broker::python
