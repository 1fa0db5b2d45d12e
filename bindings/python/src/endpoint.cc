// _broker.Endpoint. broker.Endpoint (broker/__init__.py) derives from it and
// wraps the subscribers and publishers it returns.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <future>
#include <limits>
#include <optional>
#include <thread>

#include "bind_util.hh"
#include "blocking.hh"
#include "broker/endpoint.hh"
#include "configuration.hh"
#include "convert.hh"
#include "store.hh"
#include "subscribers.hh"

namespace broker::python {

namespace {

/// Upstream takes the retry interval as float seconds and truncates it with
/// int() (0.5 means "no retry"). Negative means no retry too.
timeout::seconds to_retry(double secs) {
  if (std::isnan(secs))
    throw py::value_error("retry must be a number of seconds, not NaN");
  if (secs < 1.0)
    return timeout::seconds{0};
  constexpr double max_secs = 1e9; // ~31 years: "retry forever" anyway.
  return timeout::seconds{static_cast<int64_t>(std::min(secs, max_secs))};
}

/// Backend options from Python: a dict (or anything dict() accepts) of str
/// to any convertible value, e.g. {'path': 'x.sqlite'}. None means none.
backend_options to_backend_options(py::handle opts) {
  backend_options result;
  if (opts.is_none())
    return result;
  py::dict d{py::reinterpret_borrow<py::object>(opts)};
  for (auto [key, value] : d) {
    if (!py::isinstance<py::str>(key))
      throw py::type_error("backend option names must be str, not "
                           + type_name(key));
    result.emplace(key.cast<std::string>(), from_py(value));
  }
  return result;
}

void check_interval(double secs, const char* what) {
  if (std::isnan(secs))
    throw py::value_error(std::string{what} + " must be a number, not NaN");
}

/// Raises TimeoutError for a call the core did not answer in time, where
/// upstream would block or answer a default; the core already raised the
/// error on the status subscribers too.
void raise_if_late(const error& err) {
  if (err == ec::request_timeout)
    raise(PyExc_TimeoutError, err.message().c_str());
}

/// The answer, or `fallback` (as upstream's) after shutdown.
template <class T>
T answered(expected<T>&& x, T fallback) {
  if (x)
    return std::move(*x);
  raise_if_late(x.error());
  return fallback;
}

/// A store, or the broker.Error saying why there is none. (broker.Endpoint
/// returns None instead, as upstream; the error is there for diagnosis.)
py::object store_or_error(expected<store>&& x) {
  if (!x) {
    raise_if_late(x.error());
    return py::cast(std::move(x.error()));
  }
  return wrap(std::move(*x));
}

/// Test hook (_broker.Endpoint._block_core): holds the core thread until
/// release(), so that a test can make a call time out.
class core_block {
public:
  explicit core_block(endpoint& ep) { ep.block_core_for_testing(gate_); }

  ~core_block() { release(); }

  void release() {
    if (!released_.exchange(true))
      promise_.set_value();
  }

private:
  std::promise<void> promise_;
  std::shared_future<void> gate_ = promise_.get_future().share();
  std::atomic<bool> released_{false};
};

class py_endpoint {
public:
  explicit py_endpoint(const py_configuration& cfg)
    : ep_(std::make_unique<endpoint>(cfg.to_configuration())) {}

  ~py_endpoint() {
    // Abandoned peer() calls end once the endpoint is shut down.
    ep_->shutdown();
    join(abandoned_);
  }

  endpoint& ep() { return *ep_; }

  uint16_t listen(const std::string& address, uint16_t port) {
    std::optional<expected<uint16_t>> result;
    {
      py::gil_scoped_release nogil;
      result.emplace(ep_->checked_listen(address, port));
    }
    return answered(std::move(*result), uint16_t{0});
  }

  bool peer(const std::string& address, uint16_t port, double retry) {
    auto secs = to_retry(retry);
    // With a retry interval the C++ call blocks until it succeeds: run it on
    // a helper thread so that this thread can still react to Ctrl-C.
    auto task = std::make_shared<std::packaged_task<bool()>>(
      [ep = ep_.get(), address, port, secs] {
        return ep->peer(address, port, secs);
      });
    auto result = task->get_future();
    std::thread helper{[task] { (*task)(); }};
    try {
      wait_interruptibly(steady_deadline::max(), [&](steady_deadline end) {
        return result.wait_until(end) == std::future_status::ready;
      });
    } catch (...) {
      // The attempt goes on, as peer_nosync() would; shutdown() ends it.
      abandoned_.emplace_back(std::move(helper));
      throw;
    }
    helper.join();
    return result.get();
  }

  void peer_nosync(const std::string& address, uint16_t port, double retry) {
    auto secs = to_retry(retry);
    py::gil_scoped_release nogil;
    ep_->peer_nosync(address, port, secs);
  }

  bool unpeer(const std::string& address, uint16_t port) {
    std::optional<expected<bool>> result;
    {
      py::gil_scoped_release nogil;
      result.emplace(ep_->checked_unpeer(address, port));
    }
    return answered(std::move(*result), false);
  }

  void unpeer_nosync(const std::string& address, uint16_t port) {
    py::gil_scoped_release nogil;
    ep_->unpeer_nosync(address, port);
  }

  /// A _broker.VectorPeerInfo, as upstream's.
  std::vector<peer_info> peers() {
    std::optional<expected<std::vector<peer_info>>> xs;
    {
      py::gil_scoped_release nogil;
      xs.emplace(ep_->checked_peers());
    }
    return answered(std::move(*xs), std::vector<peer_info>{});
  }

  /// A _broker.VectorTopic, as upstream's.
  std::vector<topic> peer_subscriptions() {
    std::optional<expected<std::vector<topic>>> xs;
    {
      py::gil_scoped_release nogil;
      xs.emplace(ep_->checked_peer_subscriptions());
    }
    return answered(std::move(*xs), std::vector<topic>{});
  }

  /// Waits until `node` (a node id as node_id() prints it) is a peer of
  /// this endpoint, at most `timeout` seconds (upstream 2.3+). Waits in
  /// slices, so that Ctrl-C interrupts it.
  bool await_peer(const std::string& node, double timeout) {
    node_id whom;
    if (!convert(node, whom))
      throw py::value_error("await_peer: invalid endpoint ID: " + node);
    bool found = false;
    auto step = [&](steady_deadline end) {
      auto left = end - std::chrono::steady_clock::now();
      found = ep_->await_peer(whom, std::max(
        std::chrono::duration_cast<timespan>(left), timespan{0}));
      // After shutdown no peer comes: stop at once instead of spinning.
      return found || ep_->is_shutdown();
    };
    wait_interruptibly(deadline_after(timeout), step);
    return found;
  }

  void forward(py::handle topics) {
    auto ts = to_topics(topics);
    py::gil_scoped_release nogil;
    ep_->forward(std::move(ts));
  }

  void publish(py::handle t, py::handle x) {
    auto tp = to_topic(t);
    auto value = from_py(x);
    py::gil_scoped_release nogil;
    ep_->publish(std::move(tp), std::move(value));
  }

  void publish_batch(py::args msgs) {
    std::vector<data_message> batch;
    batch.reserve(msgs.size());
    for (auto msg : msgs) {
      if (!py::isinstance<py::sequence>(msg) || PyUnicode_Check(msg.ptr())
          || py::len(msg) != 2)
        throw py::type_error("publish_batch takes (topic, value) pairs, not "
                             + type_name(msg));
      auto pair = py::reinterpret_borrow<py::sequence>(msg);
      batch.emplace_back(to_topic(pair[0]), from_py(pair[1]));
    }
    py::gil_scoped_release nogil;
    ep_->publish(std::move(batch));
  }

  py::object make_subscriber(py::handle topics, size_t qsize) {
    auto ts = to_topics(topics);
    std::optional<subscriber> sub;
    {
      py::gil_scoped_release nogil;
      sub.emplace(ep_->make_subscriber(std::move(ts), qsize));
    }
    return wrap(std::move(*sub));
  }

  py::object make_status_subscriber(bool receive_statuses) {
    std::optional<status_subscriber> sub;
    {
      py::gil_scoped_release nogil;
      sub.emplace(ep_->make_status_subscriber(receive_statuses));
    }
    return wrap(std::move(*sub));
  }

  py::object make_publisher(py::handle t) {
    return wrap(ep_->make_publisher(to_topic(t)));
  }

  py::object attach_master(const std::string& name, py::handle type,
                           py::handle opts) {
    // Upstream's default type is None, which its binding could not convert:
    // here None means the memory backend.
    auto kind = backend::memory;
    if (!type.is_none()) {
      if (!py::isinstance<backend>(type))
        throw py::type_error("the backend type must be a broker.Backend, not "
                             + type_name(type));
      kind = type.cast<backend>();
    }
    auto bopts = to_backend_options(opts);
    std::optional<expected<store>> result;
    {
      // Opening an SQLite file may take a while.
      py::gil_scoped_release nogil;
      result.emplace(ep_->attach_master(name, kind, std::move(bopts)));
    }
    return store_or_error(std::move(*result));
  }

  py::object attach_clone(const std::string& name, double resync_interval,
                          double stale_interval,
                          double mutation_buffer_interval) {
    check_interval(resync_interval, "resync_interval");
    check_interval(stale_interval, "stale_interval");
    check_interval(mutation_buffer_interval, "mutation_buffer_interval");
    std::optional<expected<store>> result;
    {
      py::gil_scoped_release nogil;
      result.emplace(ep_->attach_clone(name, resync_interval, stale_interval,
                                       mutation_buffer_interval));
    }
    return store_or_error(std::move(*result));
  }

  void shutdown() {
    auto threads = std::move(abandoned_); // Touched only with the GIL held.
    abandoned_.clear();
    py::gil_scoped_release nogil;
    ep_->shutdown();
    join(threads);
  }

private:
  static void join(std::vector<std::thread>& threads) {
    for (auto& t : threads)
      if (t.joinable())
        t.join();
  }

  std::unique_ptr<endpoint> ep_;
  std::vector<std::thread> abandoned_;
};

} // namespace

void register_endpoint(py::module_& m) {
  py::class_<core_block>(m, "_CoreBlock")
    .def("release", &core_block::release);
  using e = py_endpoint;
  py::class_<e>(m, "Endpoint")
    .def(py::init<const py_configuration&>(), py::arg("config"))
    .def(py::init([] { return std::make_unique<e>(py_configuration{}); }))
    .def("node_id", [](e& x) { return to_string(x.ep().node_id()); })
    .def("is_shutdown", [](e& x) { return x.ep().is_shutdown(); })
    .def("listen", &e::listen, py::arg("address"), py::arg("port") = 0)
    // Upstream's keyword names first; our earlier ones still work.
    .def("peer", &e::peer, py::arg("addr"), py::arg("port"),
         py::arg("retry") = 10.0)
    .def("peer", &e::peer, py::arg("address"), py::arg("port"),
         py::arg("retry") = 10.0)
    .def("peer_nosync", &e::peer_nosync, py::arg("addr"), py::arg("port"),
         py::arg("retry") = 10.0)
    .def("peer_nosync", &e::peer_nosync, py::arg("address"), py::arg("port"),
         py::arg("retry") = 10.0)
    .def("unpeer", &e::unpeer, py::arg("address"), py::arg("port"))
    .def("unpeer_nosync", &e::unpeer_nosync, py::arg("address"),
         py::arg("port"))
    .def("peers", &e::peers)
    .def("peer_subscriptions", &e::peer_subscriptions)
    .def("forward", &e::forward, py::arg("topics"))
    .def("publish", &e::publish, py::arg("topic"), py::arg("data"))
    .def("publish", &e::publish, py::arg("topic"), py::arg("value"))
    .def("publish_batch", &e::publish_batch)
    .def("make_subscriber", &e::make_subscriber, py::arg("topics"),
         py::arg("qsize") = 20)
    .def("make_status_subscriber", &e::make_status_subscriber,
         py::arg("receive_statuses") = false)
    .def("make_publisher", &e::make_publisher, py::arg("topic"))
    .def("attach_master", &e::attach_master, py::arg("name"),
         py::arg("type") = py::none(), py::arg("opts") = py::none())
    .def("attach_clone", &e::attach_clone, py::arg("name"),
         py::arg("resync_interval") = 10.0, py::arg("stale_interval") = 300.0,
         py::arg("mutation_buffer_interval") = 120.0)
    .def("await_peer", &e::await_peer, py::arg("node"),
         py::arg("timeout") = 10.0)
    .def("shutdown", &e::shutdown)
    .def("_block_core", [](e& x) {
      return std::make_unique<core_block>(x.ep());
    });
}

} // namespace broker::python
