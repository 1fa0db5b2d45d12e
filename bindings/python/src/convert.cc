#include "convert.hh"

#include "bind_util.hh"

#include <datetime.h>

#include <cstring>

#include "broker/zeek.hh"

namespace broker::python {

namespace {

/// Python classes the conversions need. Allocated once and never freed: a
/// static py::object would be destroyed after the interpreter is gone.
struct py_classes {
  py::object ipv4_address;
  py::object ipv6_address;
  py::object ipv4_network;
  py::object ipv6_network;
  py::object epoch; // datetime(1970, 1, 1, tzinfo=timezone.utc)
  py::object message_base;
  py::object readonly_dict; // broker.ImmutableData.HashableReadOnlyDict
};

py_classes& classes() {
  static py_classes* instance = [] {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI)
      throw py::error_already_set();
    auto ip = py::module_::import("ipaddress");
    auto result = new py_classes;
    result->ipv4_address = ip.attr("IPv4Address");
    result->ipv6_address = ip.attr("IPv6Address");
    result->ipv4_network = ip.attr("IPv4Network");
    result->ipv6_network = ip.attr("IPv6Network");
    auto epoch = PyDateTimeAPI->DateTime_FromDateAndTime(
      1970, 1, 1, 0, 0, 0, 0, PyDateTime_TimeZone_UTC,
      PyDateTimeAPI->DateTimeType);
    if (!epoch)
      throw py::error_already_set();
    result->epoch = py::reinterpret_steal<py::object>(epoch);
    return result;
  }();
  return *instance;
}

[[noreturn]] void throw_overflow(const char* what) {
  raise(PyExc_OverflowError, what);
}

// -- Python -> Broker ----------------------------------------------------------

data convert_value(py::handle x, int level);

void check_level(int level) {
  if (level >= max_nesting)
    throw py::value_error("cannot convert to Broker data: containers nested "
                          "deeper than "
                          + std::to_string(max_nesting) + " levels");
}

/// Microseconds of a timedelta, then nanoseconds, refusing overflow.
timespan delta_to_timespan(py::handle x) {
  int64_t days = PyDateTime_DELTA_GET_DAYS(x.ptr());
  int64_t secs = PyDateTime_DELTA_GET_SECONDS(x.ptr());
  int64_t usecs = PyDateTime_DELTA_GET_MICROSECONDS(x.ptr());
  int64_t total = 0;
  if (__builtin_mul_overflow(days, int64_t{86400} * 1000000 * 1000, &total)
      || __builtin_add_overflow(total, (secs * 1000000 + usecs) * 1000,
                                &total))
    throw_overflow("timedelta out of the range of a Broker timespan "
                   "(+/-292 years)");
  return timespan{total};
}

/// Naive datetimes mean local time (as upstream, which calls timestamp()).
/// Subtracting the epoch keeps every microsecond, unlike a float.
timestamp datetime_to_timestamp(py::handle x) {
  py::object dt = py::reinterpret_borrow<py::object>(x);
  if (dt.attr("utcoffset")().is_none())
    dt = dt.attr("astimezone")();
  py::object delta = dt - classes().epoch;
  if (!PyDelta_Check(delta.ptr()))
    throw py::type_error("subtracting two datetimes did not give a timedelta");
  return timestamp{delta_to_timespan(delta)};
}

address packed_to_address(py::handle packed) {
  auto bytes = packed.cast<std::string>();
  if (bytes.size() == 4) {
    uint32_t word;
    std::memcpy(&word, bytes.data(), 4);
    return address{&word, address::family::ipv4, address::byte_order::network};
  }
  if (bytes.size() != 16)
    throw py::value_error("an IP address packs into 4 or 16 bytes");
  std::array<uint8_t, 16> raw;
  std::memcpy(raw.data(), bytes.data(), 16);
  return address{raw};
}

vector convert_sequence(py::handle x, int level) {
  check_level(level);
  vector result;
  if (PyTuple_Check(x.ptr())) {
    auto n = PyTuple_GET_SIZE(x.ptr());
    result.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i)
      result.emplace_back(convert_value(PyTuple_GET_ITEM(x.ptr(), i), level + 1));
    return result;
  }
  // A list may change while an element converts (user code can run, e.g. a
  // tzinfo): hold each element and re-read the size every step.
  result.reserve(static_cast<size_t>(PyList_GET_SIZE(x.ptr())));
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(x.ptr()); ++i) {
    auto item = py::reinterpret_borrow<py::object>(PyList_GET_ITEM(x.ptr(), i));
    result.emplace_back(convert_value(item, level + 1));
  }
  return result;
}

table convert_dict(py::handle x, int level) {
  check_level(level);
  table result;
  PyObject* key;
  PyObject* value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(x.ptr(), &pos, &key, &value)) {
    auto k = py::reinterpret_borrow<py::object>(key);
    auto v = py::reinterpret_borrow<py::object>(value);
    result.insert_or_assign(convert_value(k, level + 1),
                            convert_value(v, level + 1));
  }
  return result;
}

/// A types.MappingProxyType (a read-only view of a dict), as upstream 2.2+.
table convert_mapping(py::handle x, int level) {
  check_level(level);
  table result;
  for (auto kv : x.attr("items")()) {
    auto pair = py::reinterpret_borrow<py::tuple>(kv);
    result.insert_or_assign(convert_value(pair[0], level + 1),
                            convert_value(pair[1], level + 1));
  }
  return result;
}

set convert_set(py::handle x, int level) {
  check_level(level);
  set result;
  for (auto item : py::reinterpret_borrow<py::iterable>(x))
    result.emplace(convert_value(item, level + 1));
  return result;
}

/// The builtin types, checked first because they are the common case.
bool convert_builtin(py::handle x, int level, data& out) {
  auto ptr = x.ptr();
  if (x.is_none()) {
    out = nil;
  } else if (PyBool_Check(ptr)) {
    out = ptr == Py_True;
  } else if (PyLong_Check(ptr)) {
    int overflow = 0;
    auto value = PyLong_AsLongLongAndOverflow(ptr, &overflow);
    if (overflow != 0)
      throw_overflow("int out of the range of a Broker integer (64-bit "
                     "signed); use broker.Count for counts up to 2**64-1");
    if (value == -1 && PyErr_Occurred())
      throw py::error_already_set();
    out = static_cast<integer>(value);
  } else if (PyFloat_Check(ptr)) {
    out = PyFloat_AS_DOUBLE(ptr);
  } else if (PyUnicode_Check(ptr)) {
    Py_ssize_t size = 0;
    auto str = PyUnicode_AsUTF8AndSize(ptr, &size);
    if (!str)
      throw py::error_already_set();
    out = std::string{str, static_cast<size_t>(size)};
  } else if (PyBytes_Check(ptr)) {
    out = std::string{PyBytes_AS_STRING(ptr),
                      static_cast<size_t>(PyBytes_GET_SIZE(ptr))};
  } else if (PyTuple_Check(ptr) || PyList_Check(ptr)) {
    out = convert_sequence(x, level);
  } else if (PyDict_Check(ptr)) {
    out = convert_dict(x, level);
  } else if (PyAnySet_Check(ptr)) {
    out = convert_set(x, level);
  } else if (Py_TYPE(ptr) == &PyDictProxy_Type) {
    out = convert_mapping(x, level);
  } else if (PyDelta_Check(ptr)) {
    out = delta_to_timespan(x);
  } else if (PyDateTime_Check(ptr)) {
    out = datetime_to_timestamp(x);
  } else {
    return false;
  }
  return true;
}

/// The wrapper classes of this module.
bool convert_wrapper(py::handle x, data& out) {
  if (py::isinstance<data>(x))
    out = x.cast<const data&>();
  else if (py::isinstance<count_box>(x))
    out = x.cast<const count_box&>().value;
  else if (py::isinstance<port>(x))
    out = x.cast<const port&>();
  else if (py::isinstance<address>(x))
    out = x.cast<const address&>();
  else if (py::isinstance<subnet>(x))
    out = x.cast<const subnet&>();
  else if (py::isinstance<enum_value>(x))
    out = x.cast<const enum_value&>();
  else if (py::isinstance<timespan>(x))
    out = x.cast<const timespan&>();
  else if (py::isinstance<timestamp>(x))
    out = x.cast<const timestamp&>();
  else if (py::isinstance<vector>(x))
    out = x.cast<const vector&>();
  else if (py::isinstance<set>(x))
    out = x.cast<const set&>();
  else if (py::isinstance<table>(x))
    out = x.cast<const table&>();
  else if (py::isinstance<zeek::Event>(x))
    out = x.cast<const zeek::Event&>().as_data();
  else
    return false;
  return true;
}

/// ipaddress objects. Interfaces subclass the address classes and so
/// convert to their address, as upstream.
bool convert_ipaddress(py::handle x, data& out) {
  auto& cls = classes();
  if (py::isinstance(x, cls.ipv4_address) || py::isinstance(x, cls.ipv6_address)) {
    out = packed_to_address(x.attr("packed"));
    return true;
  }
  if (py::isinstance(x, cls.ipv4_network) || py::isinstance(x, cls.ipv6_network)) {
    auto net = packed_to_address(x.attr("network_address").attr("packed"));
    auto len = x.attr("prefixlen").cast<int>();
    out = subnet{net, static_cast<uint8_t>(len)};
    return true;
  }
  return false;
}

data convert_value(py::handle x, int level) {
  data result;
  if (convert_builtin(x, level, result) || convert_wrapper(x, result)
      || convert_ipaddress(x, result))
    return result;
  auto& base = classes().message_base;
  if (base && py::isinstance(x, base)) {
    check_level(level);
    return convert_value(x.attr("to_broker")(), level + 1);
  }
  throw py::type_error("unsupported data type: " + type_name(x));
}

// -- Broker -> Python ----------------------------------------------------------

/// How Broker values come back. `hashable`: the value becomes a set element
/// or part of a table key, so a set becomes a frozenset. `immutable` (the
/// safe subscriber's mode): every set becomes a frozenset and every table a
/// hashable read-only dict, so that any Broker value has a Python form.
struct back_mode {
  bool hashable;
  bool immutable;

  back_mode inner() const { return {true, immutable}; }
  back_mode value() const { return {immutable, immutable}; }
};

py::object convert_back(const data& x, back_mode mode);

/// A timedelta with the nanoseconds rounded half-to-even to microseconds,
/// as timedelta(seconds=float) rounds.
py::object make_timedelta(int64_t ns) {
  int64_t us = ns / 1000;
  int64_t rest = ns % 1000;
  if (rest < 0) {
    rest += 1000;
    --us;
  }
  if (rest > 500 || (rest == 500 && (us & 1)))
    ++us;
  constexpr int64_t us_per_day = int64_t{86400} * 1000000;
  int64_t days = us / us_per_day;
  int64_t day_us = us % us_per_day;
  if (day_us < 0) {
    day_us += us_per_day;
    --days;
  }
  auto obj = PyDelta_FromDSU(static_cast<int>(days),
                             static_cast<int>(day_us / 1000000),
                             static_cast<int>(day_us % 1000000));
  if (!obj)
    throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

py::object make_address(const address& a) {
  auto& b = a.bytes();
  if (a.is_v4()) {
    uint32_t v = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16)
                 | (uint32_t{b[14]} << 8) | uint32_t{b[15]};
    return classes().ipv4_address(v);
  }
  return classes().ipv6_address(
    py::bytes(reinterpret_cast<const char*>(b.data()), b.size()));
}

py::object make_string(const std::string& s) {
  auto obj = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()),
                                  "strict");
  if (obj)
    return py::reinterpret_steal<py::object>(obj);
  PyErr_Clear();
  return py::bytes(s);
}

py::object make_set(const set& xs, back_mode mode) {
  // Inside a set or a table key the result must be hashable itself.
  auto result = py::reinterpret_steal<py::object>(
    mode.hashable ? PyFrozenSet_New(nullptr) : PySet_New(nullptr));
  if (!result)
    throw py::error_already_set();
  for (auto& x : xs)
    if (PySet_Add(result.ptr(), convert_back(x, mode.inner()).ptr()) != 0)
      throw py::error_already_set();
  return result;
}

py::object make_dict(const table& xs, back_mode mode) {
  if (mode.hashable && !mode.immutable)
    throw py::type_error("a Broker table inside a set or a table key has no "
                         "hashable Python form (broker.SafeSubscriber and "
                         "broker.ImmutableData have one)");
  py::dict result;
  for (auto& [k, v] : xs)
    result[convert_back(k, mode.inner())] = convert_back(v, mode.value());
  if (!mode.immutable)
    return std::move(result);
  auto& cls = classes().readonly_dict;
  if (!cls)
    throw py::type_error("broker.ImmutableData is not initialised");
  return cls(result);
}

py::object make_tuple(const vector& xs, back_mode mode) {
  py::tuple result(xs.size());
  for (size_t i = 0; i < xs.size(); ++i)
    result[i] = convert_back(xs[i], mode);
  return std::move(result);
}

struct back_visitor {
  back_mode mode;

  py::object operator()(none) const { return py::none(); }
  py::object operator()(boolean x) const { return py::bool_(x); }
  py::object operator()(count x) const { return py::cast(count_box{x}); }
  py::object operator()(integer x) const { return py::int_(x); }
  py::object operator()(real x) const { return py::float_(x); }
  py::object operator()(const std::string& x) const { return make_string(x); }
  py::object operator()(const address& x) const { return make_address(x); }
  py::object operator()(const subnet& x) const {
    auto& cls = x.network().is_v4() ? classes().ipv4_network
                                    : classes().ipv6_network;
    return cls(py::make_tuple(make_address(x.network()), x.length()));
  }
  py::object operator()(const port& x) const { return py::cast(x); }
  py::object operator()(timestamp x) const {
    return classes().epoch + make_timedelta(x.time_since_epoch().count());
  }
  py::object operator()(timespan x) const { return make_timedelta(x.count()); }
  py::object operator()(const enum_value& x) const { return py::cast(x); }
  py::object operator()(const set& x) const { return make_set(x, mode); }
  py::object operator()(const table& x) const { return make_dict(x, mode); }
  py::object operator()(const vector& x) const { return make_tuple(x, mode); }
};

py::object convert_back(const data& x, back_mode mode) {
  return visit(back_visitor{mode}, x);
}

} // namespace

void init_conversions() {
  classes();
}

std::string type_name(py::handle x) {
  return py::str(py::type::handle_of(x).attr("__name__")).cast<std::string>();
}

data from_py(py::handle x) {
  return convert_value(x, 0);
}

py::object to_py(const data& x) {
  return convert_back(x, back_mode{false, false});
}

py::object to_py_immutable(const data& x) {
  return convert_back(x, back_mode{true, true});
}

timespan to_duration(py::handle x) {
  if (PyDelta_Check(x.ptr()))
    return delta_to_timespan(x);
  if (py::isinstance<timespan>(x))
    return x.cast<timespan>();
  // Upstream passed the expiry through float(): whatever it takes is
  // seconds ("60", True, a Decimal), and its errors are the errors.
  auto secs = PyNumber_Float(x.ptr());
  if (!secs)
    throw py::error_already_set();
  return seconds_to_timespan(
    PyFloat_AS_DOUBLE(py::reinterpret_steal<py::object>(secs).ptr()));
}

topic to_topic(py::handle x) {
  if (PyUnicode_Check(x.ptr()))
    return topic{x.cast<std::string>()};
  if (py::isinstance<topic>(x))
    return x.cast<const topic&>();
  throw py::type_error("a topic must be a str or a broker.Topic, not "
                       + type_name(x));
}

std::vector<topic> to_topics(py::handle x) {
  if (PyUnicode_Check(x.ptr()) || py::isinstance<topic>(x))
    return {to_topic(x)};
  // Any iterable works; upstream tested for collections.Iterable, which is
  // gone since Python 3.10.
  auto iter = PyObject_GetIter(x.ptr());
  if (!iter) {
    PyErr_Clear();
    throw py::type_error("topics must be a str, a broker.Topic or an "
                         "iterable of them, not "
                         + type_name(x));
  }
  std::vector<topic> result;
  for (auto item : py::reinterpret_steal<py::iterator>(iter))
    result.emplace_back(to_topic(item));
  return result;
}

void set_message_base(py::object cls) {
  if (!PyType_Check(cls.ptr()))
    throw py::type_error("the message base must be a class");
  classes().message_base = std::move(cls);
}

void set_readonly_dict(py::object cls) {
  if (!PyType_Check(cls.ptr()))
    throw py::type_error("the read-only dict must be a class");
  classes().readonly_dict = std::move(cls);
}

} // namespace broker::python
