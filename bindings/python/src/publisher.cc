// _broker.Publisher: publishes to one topic through a bounded queue.

#include <chrono>

#include "broker/publisher.hh"
#include "convert.hh"
#include "handle.hh"
#include "subscribers.hh"

namespace broker::python {

namespace {

/// The C++ publisher has no send rate (upstream's came from CAF's actor
/// statistics), so the binding measures one: messages per second over the
/// last full one-second window.
class rate_meter {
public:
  void add(size_t n) {
    roll();
    current_ += n;
  }

  double rate() {
    roll();
    return static_cast<double>(last_);
  }

private:
  void roll() {
    auto now = std::chrono::steady_clock::now();
    if (now - window_start_ < std::chrono::seconds{1})
      return;
    // A window that ended more than a second ago saw no messages since.
    last_ = now - window_start_ < std::chrono::seconds{2} ? current_ : 0;
    current_ = 0;
    window_start_ = now;
  }

  std::chrono::steady_clock::time_point window_start_
    = std::chrono::steady_clock::now();
  size_t current_ = 0;
  size_t last_ = 0;
};

struct py_publisher {
  handle<publisher> impl;
  rate_meter meter;
};

/// Queries that are harmless on a reset publisher report zero, as the C++
/// publisher does.
template <class F>
auto query(F f) {
  return [f](const py_publisher& p) {
    return p.impl.alive() ? f(*p.impl.get()) : decltype(f(*p.impl.get())){};
  };
}

void publish_one(py_publisher& p, py::handle x) {
  auto pub = p.impl.use();
  auto value = from_py(x);
  {
    py::gil_scoped_release nogil;
    pub->publish(std::move(value));
  }
  p.meter.add(1);
}

void publish_batch(py_publisher& p, py::args xs) {
  auto pub = p.impl.use();
  std::vector<data> values;
  values.reserve(xs.size());
  for (auto x : xs)
    values.emplace_back(from_py(x));
  auto n = values.size();
  {
    py::gil_scoped_release nogil;
    pub->publish(std::move(values));
  }
  p.meter.add(n);
}

} // namespace

py::object wrap(publisher&& pub) {
  return py::cast(py_publisher{handle<publisher>{std::move(pub), "publisher"},
                               rate_meter{}});
}

void register_publisher(py::module_& m) {
  py::class_<py_publisher>(m, "Publisher")
    .def("demand", query([](const publisher& p) { return p.demand(); }))
    .def("buffered", query([](const publisher& p) { return p.buffered(); }))
    .def("capacity", query([](const publisher& p) { return p.capacity(); }))
    .def("free_capacity",
         query([](const publisher& p) { return p.free_capacity(); }))
    .def("fd", [](const py_publisher& p) {
      return p.impl.alive() ? p.impl.get()->fd() : -1;
    })
    .def("send_rate", [](py_publisher& p) { return p.meter.rate(); })
    .def("publish", &publish_one, py::arg("data"))
    .def("publish", &publish_one, py::arg("value"))
    .def("publish_batch", &publish_batch)
    .def("drop_all_on_destruction",
         [](py_publisher& p) { p.impl.use()->drop_all_on_destruction(); })
    .def("reset", [](py_publisher& p) { p.impl.reset(); });
}

} // namespace broker::python
