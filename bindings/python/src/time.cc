// broker.Timespan, broker.Timestamp and broker.now(). Datetime objects are
// the usual way in (see convert.cc); these wrappers keep full nanosecond
// precision.

#include <cmath>
#include <limits>

#include "bind_util.hh"
#include "broker/time.hh"
#include "convert.hh"

namespace broker::python {

timespan seconds_to_timespan(double secs) {
  double ns = secs * 1e9;
  if (std::isnan(ns) || ns >= 9.2e18 || ns <= -9.2e18)
    raise(PyExc_OverflowError, "seconds out of the range of a Broker timespan");
  return timespan{static_cast<int64_t>(ns)};
}

namespace {

void check(bool overflow) {
  if (overflow)
    raise(PyExc_OverflowError, "timespan arithmetic overflows");
}

timespan add(timespan x, timespan y) {
  int64_t r;
  check(__builtin_add_overflow(x.count(), y.count(), &r));
  return timespan{r};
}

timespan sub(timespan x, timespan y) {
  int64_t r;
  check(__builtin_sub_overflow(x.count(), y.count(), &r));
  return timespan{r};
}

timespan negate(timespan x) {
  check(x.count() == INT64_MIN);
  return timespan{-x.count()};
}

timespan mul(timespan x, int64_t k) {
  int64_t r;
  check(__builtin_mul_overflow(x.count(), k, &r));
  return timespan{r};
}

void check_divisor(int64_t k) {
  if (k == 0)
    raise(PyExc_ZeroDivisionError, "division of a Timespan by zero");
}

/// C++'s truncating division; INT64_MIN / -1 overflows.
int64_t div(int64_t x, int64_t k) {
  check_divisor(k);
  check(x == INT64_MIN && k == -1);
  return x / k;
}

/// C++'s remainder (the sign of the dividend), as upstream's `%`.
int64_t mod(int64_t x, int64_t k) {
  check_divisor(k);
  return k == -1 ? 0 : x % k;
}

void bind_timespan(py::module_& m) {
  py::class_<timespan> cls(m, "Timespan");
  cls.def(py::init<>())
    .def(py::init([](int64_t ns) { return timespan{ns}; }), py::arg("ns"))
    .def(py::init(&seconds_to_timespan), py::arg("seconds"))
    .def("count", &timespan::count)
    .def("__add__", &add, py::is_operator())
    .def("__sub__", &sub, py::is_operator())
    .def("__mul__", &mul, py::is_operator())
    .def("__rmul__", &mul, py::is_operator())
    // As upstream (C++ duration division): a Timespan divided by a Timespan
    // is their integer ratio, by an int a Timespan; both truncate.
    .def(
      "__truediv__",
      [](timespan x, timespan y) { return div(x.count(), y.count()); },
      py::is_operator())
    .def(
      "__truediv__",
      [](timespan x, int64_t k) { return timespan{div(x.count(), k)}; },
      py::is_operator())
    .def(
      "__mod__",
      [](timespan x, timespan y) { return timespan{mod(x.count(), y.count())}; },
      py::is_operator())
    .def(
      "__mod__",
      [](timespan x, int64_t k) { return timespan{mod(x.count(), k)}; },
      py::is_operator())
    .def("__neg__", &negate)
    .def("__hash__",
         [](timespan x) { return std::hash<int64_t>{}(x.count()); })
    .def("__str__", [](timespan x) { return broker::to_string(x); })
    .def("__repr__", [](timespan x) { return broker::to_string(x); });
  bind_ordering(cls);
}

void bind_timestamp(py::module_& m) {
  py::class_<timestamp> cls(m, "Timestamp");
  cls.def(py::init<>())
    .def(py::init([](timespan since_epoch) { return timestamp{since_epoch}; }),
         py::arg("since_epoch"))
    .def(py::init([](double secs) {
           return timestamp{seconds_to_timespan(secs)};
         }),
         py::arg("seconds"))
    .def("time_since_epoch", &timestamp::time_since_epoch)
    .def(
      "__add__",
      [](timestamp x, timespan y) {
        return timestamp{add(x.time_since_epoch(), y)};
      },
      py::is_operator())
    .def(
      "__sub__",
      [](timestamp x, timespan y) {
        return timestamp{sub(x.time_since_epoch(), y)};
      },
      py::is_operator())
    .def(
      "__sub__",
      [](timestamp x, timestamp y) {
        return sub(x.time_since_epoch(), y.time_since_epoch());
      },
      py::is_operator())
    .def("__hash__",
         [](timestamp x) {
           return std::hash<int64_t>{}(x.time_since_epoch().count());
         })
    .def("__str__", [](timestamp x) { return broker::to_string(x); })
    .def("__repr__", [](timestamp x) { return broker::to_string(x); });
  bind_ordering(cls);
}

} // namespace

void register_time(py::module_& m) {
  bind_timespan(m);
  bind_timestamp(m);
  m.def("now", [] { return broker::now(); },
        "The current wall-clock time as a broker.Timestamp.");
}

} // namespace broker::python
