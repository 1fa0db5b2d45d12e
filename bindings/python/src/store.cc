// _broker.Store over broker::store, plus the store vocabulary: broker.Backend,
// broker.Frontend and broker.PublisherID. broker.Store (broker/__init__.py)
// wraps _broker.Store and turns its errors into None, as upstream does.

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "bind_util.hh"
#include "blocking.hh"
#include "broker/backend.hh"
#include "broker/frontend.hh"
#include "broker/publisher_id.hh"
#include "broker/store.hh"
#include "broker/timeout.hh"
#include "convert.hh"
#include "handle.hh"
#include "store.hh"
#include "store_async.hh"

namespace broker::python {

namespace {

using std::chrono::steady_clock;

/// Waits until `mb` holds a response or `end` has passed. An interrupted
/// poll() just ends the slice early: the caller runs the signal handlers.
bool wait_for_response(mailbox& mb, steady_deadline end) {
  if (!mb.empty())
    return true;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(
    end - steady_clock::now());
  pollfd pfd{mb.descriptor(), POLLIN, 0};
  ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
  return !mb.empty();
}

std::optional<timespan> to_expiry(py::handle x) {
  if (x.is_none())
    return std::nullopt;
  return to_duration(x);
}

/// A store handle for Python. Queries go through store proxies instead of
/// the blocking store calls, so that a query can wait in short slices
/// without the GIL and Ctrl-C interrupts it like every other blocking call
/// of the bindings.
class py_store {
public:
  explicit py_store(store s) : impl_(std::move(s), "store") {}

  // Spelled out: pybind11 would otherwise think the proxy pool copyable.
  py_store(const py_store&) = delete;
  py_store(py_store&&) = default;

  std::string name() const { return impl_.use()->name(); }

  frontend kind() const { return impl_.use()->frontend(); }

  publisher_id frontend_id() const { return impl_.use()->frontend_id(); }

  // -- queries ---------------------------------------------------------------

  py::object exists(py::handle key) {
    auto k = from_py(key);
    return ask([&](store::proxy& p) { return p.exists(std::move(k)); });
  }

  py::object get(py::handle key) {
    auto k = from_py(key);
    return ask([&](store::proxy& p) { return p.get(std::move(k)); });
  }

  py::object put_unique(py::handle key, py::handle value, py::handle expiry) {
    auto k = from_py(key);
    auto v = from_py(value);
    auto e = to_expiry(expiry);
    return ask([&](store::proxy& p) {
      return p.put_unique(std::move(k), std::move(v), e);
    });
  }

  py::object get_index_from_value(py::handle key, py::handle index) {
    auto k = from_py(key);
    auto i = from_py(index);
    return ask([&](store::proxy& p) {
      return p.get_index_from_value(std::move(k), std::move(i));
    });
  }

  py::object keys() {
    return ask([](store::proxy& p) { return p.keys(); });
  }

  // -- queries for asyncio (broker/_aio.py): sent now, awaited there -----------

  pending_query start_exists(py::handle key) {
    auto k = from_py(key);
    return start_query(*impl_.use(),
                       [&](store::proxy& p) { return p.exists(std::move(k)); });
  }

  pending_query start_get(py::handle key) {
    auto k = from_py(key);
    return start_query(*impl_.use(),
                       [&](store::proxy& p) { return p.get(std::move(k)); });
  }

  pending_query start_put_unique(py::handle key, py::handle value,
                                 py::handle expiry) {
    auto k = from_py(key);
    auto v = from_py(value);
    auto e = to_expiry(expiry);
    return start_query(*impl_.use(), [&](store::proxy& p) {
      return p.put_unique(std::move(k), std::move(v), e);
    });
  }

  pending_query start_get_index_from_value(py::handle key, py::handle index) {
    auto k = from_py(key);
    auto i = from_py(index);
    return start_query(*impl_.use(), [&](store::proxy& p) {
      return p.get_index_from_value(std::move(k), std::move(i));
    });
  }

  pending_query start_keys() {
    return start_query(*impl_.use(),
                       [](store::proxy& p) { return p.keys(); });
  }

  // -- mutators (fire and forget: they only queue a command) -------------------

  void put(py::handle key, py::handle value, py::handle expiry) {
    impl_.use()->put(from_py(key), from_py(value), to_expiry(expiry));
  }

  void erase(py::handle key) { impl_.use()->erase(from_py(key)); }

  void clear() { impl_.use()->clear(); }

  void increment(py::handle key, py::handle amount, py::handle expiry) {
    impl_.use()->increment(from_py(key), from_py(amount), to_expiry(expiry));
  }

  void decrement(py::handle key, py::handle amount, py::handle expiry) {
    impl_.use()->decrement(from_py(key), from_py(amount), to_expiry(expiry));
  }

  void append(py::handle key, py::handle str, py::handle expiry) {
    impl_.use()->append(from_py(key), from_py(str), to_expiry(expiry));
  }

  /// Upstream tested `if value:`, so that a falsy value (0, "", False, an
  /// empty container) silently became a set insert. Only None (no value)
  /// means the set form here.
  void insert_into(py::handle key, py::handle index, py::handle value,
                   py::handle expiry) {
    auto s = impl_.use();
    if (value.is_none())
      s->insert_into(from_py(key), from_py(index), to_expiry(expiry));
    else
      s->insert_into(from_py(key), from_py(index), from_py(value),
                     to_expiry(expiry));
  }

  void remove_from(py::handle key, py::handle index, py::handle expiry) {
    impl_.use()->remove_from(from_py(key), from_py(index), to_expiry(expiry));
  }

  void push(py::handle key, py::handle value, py::handle expiry) {
    impl_.use()->push(from_py(key), from_py(value), to_expiry(expiry));
  }

  void pop(py::handle key, py::handle expiry) {
    impl_.use()->pop(from_py(key), to_expiry(expiry));
  }

  /// store::await_idle in slices, so that Ctrl-C interrupts the wait.
  bool await_idle(double timeout) {
    auto s = impl_.use();
    bool idle = false;
    auto step = [&](steady_deadline end) {
      auto left = std::chrono::duration_cast<timespan>(end - steady_clock::now());
      idle = s->await_idle(std::max(left, timespan{0}));
      // The C++ call gives up early only if the store stopped (endpoint
      // shut down): then stop at once instead of spinning.
      auto early = !idle && steady_clock::now() + std::chrono::milliseconds{1} < end;
      return idle || early;
    };
    wait_interruptibly(deadline_after(timeout), step,
                       [this] { impl_.check_alive(); });
    return idle;
  }

  bool alive() const noexcept { return impl_.alive(); }

  void reset() {
    idle_.clear();
    impl_.reset();
  }

private:
  /// Sends one query through an idle proxy and waits for its answer, at
  /// most as long as the blocking C++ calls (timeout::frontend).
  template <class Issue>
  py::object ask(Issue issue) {
    auto s = impl_.use();
    auto proxy = take_proxy(*s);
    if (issue(*proxy) == 0)
      return answer_to_py(error{ec::unspecified, "store not initialized"});
    auto mb = proxy->mailbox();
    auto step = [&](steady_deadline end) { return wait_for_response(mb, end); };
    // If this throws (Ctrl-C, reset() from another thread), the proxy is
    // dropped with its request: a late answer then goes nowhere.
    if (!wait_interruptibly(detail::to_deadline(timeout::frontend), step,
                            [this] { impl_.check_alive(); }))
      return answer_to_py(error{ec::request_timeout,
                                "store " + s->name() + ": request timed out"});
    auto response = proxy->receive(); // Ready: does not block.
    // Only a proxy whose every request was answered can serve the next one.
    idle_.push_back(std::move(proxy));
    return answer_to_py(std::move(response.answer));
  }

  /// Proxies are reused because each one owns a descriptor. The pool is
  /// touched only with the GIL held, so it needs no lock of its own.
  std::unique_ptr<store::proxy> take_proxy(store& s) {
    if (idle_.empty())
      return std::make_unique<store::proxy>(s);
    auto result = std::move(idle_.back());
    idle_.pop_back();
    return result;
  }

  handle<store> impl_;
  std::vector<std::unique_ptr<store::proxy>> idle_;
};

void bind_enums(py::module_& m) {
  // Exported into the module as upstream's (_broker.Memory, _broker.Master).
  py::enum_<backend>(m, "Backend")
    .value("Memory", backend::memory)
    .value("SQLite", backend::sqlite)
    .export_values();
  py::enum_<frontend>(m, "Frontend")
    .value("Clone", frontend::clone)
    .value("Master", frontend::master)
    .export_values();
}

void bind_publisher_id(py::module_& m) {
  py::class_<publisher_id> cls(m, "PublisherID");
  cls
    .def_property_readonly(
      "endpoint", [](const publisher_id& x) { return to_string(x.endpoint); })
    .def_readonly("object", &publisher_id::object)
    .def("__bool__", [](const publisher_id& x) { return static_cast<bool>(x); });
  bind_ordering(cls);
  bind_text_and_hash(cls, "PublisherID");
}

void bind_store(py::module_& m) {
  using s = py_store;
  auto none = py::none();
  py::class_<s>(m, "Store")
    .def("name", &s::name)
    .def("frontend", &s::kind)
    .def("frontend_id", &s::frontend_id)
    .def("exists", &s::exists, py::arg("key"))
    .def("get", &s::get, py::arg("key"))
    .def("put_unique", &s::put_unique, py::arg("key"), py::arg("value"),
         py::arg("expiry") = none)
    .def("get_index_from_value", &s::get_index_from_value, py::arg("key"),
         py::arg("index"))
    .def("keys", &s::keys)
    .def("start_exists", &s::start_exists, py::arg("key"))
    .def("start_get", &s::start_get, py::arg("key"))
    .def("start_put_unique", &s::start_put_unique, py::arg("key"),
         py::arg("value"), py::arg("expiry") = none)
    .def("start_get_index_from_value", &s::start_get_index_from_value,
         py::arg("key"), py::arg("index"))
    .def("start_keys", &s::start_keys)
    .def("put", &s::put, py::arg("key"), py::arg("value"),
         py::arg("expiry") = none)
    .def("erase", &s::erase, py::arg("data"))
    .def("erase", &s::erase, py::arg("key"))
    .def("clear", &s::clear)
    .def("increment", &s::increment, py::arg("key"), py::arg("amount"),
         py::arg("expiry") = none)
    .def("decrement", &s::decrement, py::arg("key"), py::arg("amount"),
         py::arg("expiry") = none)
    .def("append", &s::append, py::arg("key"), py::arg("s"),
         py::arg("expiry") = none)
    .def("insert_into", &s::insert_into, py::arg("key"), py::arg("index"),
         py::arg("value") = none, py::arg("expiry") = none)
    .def("remove_from", &s::remove_from, py::arg("key"), py::arg("index"),
         py::arg("expiry") = none)
    .def("push", &s::push, py::arg("key"), py::arg("value"),
         py::arg("expiry") = none)
    .def("pop", &s::pop, py::arg("key"), py::arg("expiry") = none)
    .def("await_idle", &s::await_idle, py::arg("timeout") = 10.0)
    .def("alive", &s::alive)
    .def("reset", &s::reset);
}

} // namespace

py::object wrap(store&& s) {
  return py::cast(py_store{std::move(s)});
}

void register_store(py::module_& m) {
  bind_enums(m);
  bind_publisher_id(m);
  bind_pending_query(m);
  bind_store(m);
}

} // namespace broker::python
