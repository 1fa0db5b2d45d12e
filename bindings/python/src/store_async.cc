// _broker.PendingQuery: a store query whose answer an asyncio event loop
// awaits through the proxy's mailbox descriptor (broker/_aio.py).

#include "store_async.hh"

#include "convert.hh"

namespace broker::python {

py::object answer_to_py(expected<data>&& x) {
  if (!x)
    return py::cast(std::move(x.error()));
  return to_py(*x);
}

pending_query::pending_query(std::unique_ptr<store::proxy> proxy,
                             request_id id, error failed)
  : proxy_(std::move(proxy)) {
  if (id == 0)
    failed_ = std::move(failed);
}

int pending_query::fd() const {
  return proxy_->mailbox().descriptor();
}

bool pending_query::ready() const {
  return failed_ || !proxy_->mailbox().empty();
}

py::object pending_query::result() {
  if (failed_)
    return py::cast(*failed_);
  if (proxy_->mailbox().empty())
    throw py::value_error("the answer is not there yet (await it)");
  return answer_to_py(std::move(proxy_->receive().answer));
}

void bind_pending_query(py::module_& m) {
  py::class_<pending_query>(m, "PendingQuery")
    .def("fd", &pending_query::fd)
    .def("ready", &pending_query::ready)
    .def("result", &pending_query::result);
}

} // namespace broker::python
