// _broker.Subscriber and _broker.StatusSubscriber. The Python classes in
// broker/__init__.py pick the right get_* method from get()'s arguments
// (an int is a count, a float a timeout, as upstream).

#include "blocking.hh"
#include "broker/status_subscriber.hh"
#include "broker/subscriber.hh"
#include "convert.hh"
#include "handle.hh"
#include "subscribers.hh"

namespace broker::python {

namespace {

/// A data subscriber for Python: the handle, plus how received values
/// convert (`immutable`: as broker.ImmutableData, for SafeSubscriber).
struct data_subscriber : handle<subscriber> {
  data_subscriber(subscriber sub)
    : handle<subscriber>(std::move(sub), "subscriber") {}

  bool immutable = false;
};

using status_handle = handle<status_subscriber>;

// -- adapters: one interface over both subscriber types -----------------------

bool pop_one(subscriber& sub, steady_deadline end, data_message& out) {
  auto msg = sub.get_until(end);
  if (!msg)
    return false;
  out = std::move(*msg);
  return true;
}

bool pop_one(status_subscriber& sub, steady_deadline end, status_variant& out) {
  out = sub.get_until(end);
  return !std::holds_alternative<none>(out);
}

py::object item_to_py(const data_subscriber& h, data_message&& msg) {
  auto& x = msg.get_data();
  return py::make_tuple(msg.get_topic().string(),
                        h.immutable ? to_py_immutable(x) : to_py(x));
}

py::object item_to_py(const status_handle&, status_variant&& x) {
  return to_py(std::move(x));
}

template <class H, class Item>
py::list items_to_py(const H& h, std::vector<Item>&& items) {
  py::list result;
  for (auto& item : items)
    result.append(item_to_py(h, std::move(item)));
  return result;
}

// -- the get variants ------------------------------------------------------------

template <class H>
py::object get_one(const H& h, steady_deadline deadline) {
  auto sub = h.use();
  typename H::element_type::value_type item;
  auto step = [&](steady_deadline end) { return pop_one(*sub, end, item); };
  if (!wait_interruptibly(deadline, step, [&] { h.check_alive(); }))
    return py::none();
  return item_to_py(h, std::move(item));
}

template <class H>
py::list get_many(const H& h, size_t num, steady_deadline deadline) {
  auto sub = h.use();
  std::vector<typename H::element_type::value_type> items;
  auto step = [&](steady_deadline end) {
    for (auto& x : sub->get_until(num - items.size(), end))
      items.emplace_back(std::move(x));
    return items.size() >= num;
  };
  wait_interruptibly(deadline, step, [&] { h.check_alive(); });
  return items_to_py(h, std::move(items));
}

template <class H>
py::list poll(const H& h) {
  auto sub = h.use();
  return items_to_py(h, sub->poll());
}

/// The methods both classes share.
template <class H>
void bind_reader(py::class_<H>& cls) {
  using h = H;
  auto forever = steady_deadline::max();
  cls.def("get", [forever](const h& x) { return get_one(x, forever); })
    .def(
      "get_timeout",
      [](const h& x, double secs) { return get_one(x, deadline_after(secs)); },
      py::arg("timeout"))
    .def(
      "get_count",
      [forever](const h& x, size_t num) { return get_many(x, num, forever); },
      py::arg("num"))
    .def(
      "get_count_timeout",
      [](const h& x, size_t num, double secs) {
        return get_many(x, num, deadline_after(secs));
      },
      py::arg("num"), py::arg("timeout"))
    .def("poll", &poll<H>)
    .def("available",
         [](const h& x) { return x.alive() ? x.get()->available() : 0; })
    .def("fd", [](const h& x) { return x.alive() ? x.get()->fd() : -1; })
    .def("reset", &h::reset);
}

void update_topic(const data_subscriber& h, py::handle t, bool add,
                  bool block) {
  auto sub = h.use();
  auto tp = to_topic(t);
  py::gil_scoped_release nogil;
  if (add)
    sub->add_topic(std::move(tp), block);
  else
    sub->remove_topic(std::move(tp), block);
}

} // namespace

py::object wrap(subscriber&& sub) {
  return py::cast(data_subscriber{std::move(sub)});
}

py::object wrap(status_subscriber&& sub) {
  return py::cast(status_handle{std::move(sub), "status subscriber"});
}

namespace {

/// Upstream's StatusSubscriber.ValueType: an item of a status subscriber,
/// as its C++ variant (our get() returns the Error or Status itself).
void bind_value_type(py::class_<status_handle>& cls) {
  py::class_<status_variant>(cls, "ValueType")
    .def("is_error",
         [](const status_variant& x) {
           return std::holds_alternative<error>(x);
         })
    .def("is_status",
         [](const status_variant& x) {
           return std::holds_alternative<status>(x);
         })
    .def("get_error",
         [](const status_variant& x) {
           if (auto err = std::get_if<error>(&x))
             return *err;
           throw py::value_error("the item is not an Error");
         })
    .def("get_status", [](const status_variant& x) {
      if (auto st = std::get_if<status>(&x))
        return *st;
      throw py::value_error("the item is not a Status");
    });
}

} // namespace

void register_subscribers(py::module_& m) {
  py::class_<data_subscriber> sub(m, "Subscriber");
  bind_reader(sub);
  sub
    .def(
      "add_topic",
      [](const data_subscriber& h, py::handle t, bool block) {
        update_topic(h, t, true, block);
      },
      py::arg("topic"), py::arg("block") = false)
    .def(
      "remove_topic",
      [](const data_subscriber& h, py::handle t, bool block) {
        update_topic(h, t, false, block);
      },
      py::arg("topic"), py::arg("block") = false)
    .def_readwrite("immutable", &data_subscriber::immutable,
                   "Whether values convert as broker.ImmutableData "
                   "(SafeSubscriber).");
  // Upstream's base class of its Subscriber; ours has no separate base.
  m.attr("SubscriberBase") = sub;
  py::class_<status_handle> status_sub(m, "StatusSubscriber");
  bind_reader(status_sub);
  bind_value_type(status_sub);
}

} // namespace broker::python
