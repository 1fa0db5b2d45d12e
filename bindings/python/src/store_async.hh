#pragma once

// A store query in flight for asyncio (broker/_aio.py): the proxy that
// asked, whose mailbox descriptor the event loop watches.

#include <memory>
#include <optional>

#include "broker/error.hh"
#include "broker/expected.hh"
#include "broker/store.hh"
#include "module.hh"

namespace broker::python {

/// A query's answer for Python: the converted value, or the broker.Error
/// object (broker.Store maps the latter to None).
py::object answer_to_py(expected<data>&& x);

/// One query sent through its own proxy. `fd()` is readable once the
/// answer is there; `result()` then takes it without blocking.
class pending_query {
public:
  /// `id` 0 means the store could not send it: the answer is `failed`.
  pending_query(std::unique_ptr<store::proxy> proxy, request_id id,
                error failed);

  int fd() const;

  bool ready() const;

  py::object result();

private:
  std::unique_ptr<store::proxy> proxy_;
  std::optional<error> failed_;
};

/// Sends a query through a fresh proxy of `s`.
template <class Issue>
pending_query start_query(store& s, Issue issue) {
  auto proxy = std::make_unique<store::proxy>(s);
  auto id = issue(*proxy);
  return pending_query{std::move(proxy), id,
                       error{ec::unspecified, "store not initialized"}};
}

void bind_pending_query(py::module_& m);

} // namespace broker::python
