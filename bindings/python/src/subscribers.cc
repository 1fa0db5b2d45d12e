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

py::object item_to_py(data_message&& msg) {
  return py::make_tuple(msg.get_topic().string(), to_py(msg.get_data()));
}

py::object item_to_py(status_variant&& x) {
  return to_py(std::move(x));
}

template <class Item>
py::list items_to_py(std::vector<Item>&& items) {
  py::list result;
  for (auto& item : items)
    result.append(item_to_py(std::move(item)));
  return result;
}

// -- the get variants ------------------------------------------------------------

template <class Sub, class Item = typename Sub::value_type>
py::object get_one(const handle<Sub>& h, steady_deadline deadline) {
  auto sub = h.use();
  Item item;
  auto step = [&](steady_deadline end) { return pop_one(*sub, end, item); };
  if (!wait_interruptibly(deadline, step, [&] { h.check_alive(); }))
    return py::none();
  return item_to_py(std::move(item));
}

template <class Sub, class Item = typename Sub::value_type>
py::list get_many(const handle<Sub>& h, size_t num, steady_deadline deadline) {
  auto sub = h.use();
  std::vector<Item> items;
  auto step = [&](steady_deadline end) {
    for (auto& x : sub->get_until(num - items.size(), end))
      items.emplace_back(std::move(x));
    return items.size() >= num;
  };
  wait_interruptibly(deadline, step, [&] { h.check_alive(); });
  return items_to_py(std::move(items));
}

template <class Sub>
py::list poll(const handle<Sub>& h) {
  auto sub = h.use();
  return items_to_py(sub->poll());
}

/// The methods both classes share.
template <class Sub>
void bind_reader(py::class_<handle<Sub>>& cls) {
  using h = handle<Sub>;
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
    .def("poll", &poll<Sub>)
    .def("available",
         [](const h& x) { return x.alive() ? x.get()->available() : 0; })
    .def("fd", [](const h& x) { return x.alive() ? x.get()->fd() : -1; })
    .def("reset", &h::reset);
}

void update_topic(const handle<subscriber>& h, py::handle t, bool add,
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
  return py::cast(handle<subscriber>{std::move(sub), "subscriber"});
}

py::object wrap(status_subscriber&& sub) {
  return py::cast(handle<status_subscriber>{std::move(sub), "status subscriber"});
}

void register_subscribers(py::module_& m) {
  py::class_<handle<subscriber>> sub(m, "Subscriber");
  bind_reader(sub);
  sub
    .def(
      "add_topic",
      [](const handle<subscriber>& h, py::handle t, bool block) {
        update_topic(h, t, true, block);
      },
      py::arg("topic"), py::arg("block") = false)
    .def(
      "remove_topic",
      [](const handle<subscriber>& h, py::handle t, bool block) {
        update_topic(h, t, false, block);
      },
      py::arg("topic"), py::arg("block") = false);
  py::class_<handle<status_subscriber>> status_sub(m, "StatusSubscriber");
  bind_reader(status_sub);
}

} // namespace broker::python
