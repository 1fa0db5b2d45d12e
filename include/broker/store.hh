#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/data.hh"
#include "broker/expected.hh"
#include "broker/frontend.hh"
#include "broker/mailbox.hh"
#include "broker/publisher_id.hh"
#include "broker/time.hh"

namespace broker {

namespace detail {
class store_frontend;
class proxy_state;
} // namespace detail

/// Numbers the requests of a `store::proxy` (1, 2, ...; 0 = none).
using request_id = uint64_t;

/// A handle to a master or clone attached to an endpoint (copyable). A
/// default-constructed handle is invalid: queries answer `ec::unspecified`.
/// Queries block for at most 10 s; mutations return at once.
class store {
public:
  /// An answer that a proxy's mailbox holds.
  struct response {
    expected<data> answer;
    request_id id;
  };

  /// Asynchronous queries: each call returns a request id at once, and the
  /// answer arrives later in the mailbox.
  class proxy {
  public:
    proxy() = default;

    explicit proxy(store& s);

    request_id exists(data key);

    request_id get(data key);

    request_id put_unique(data key, data value,
                          std::optional<timespan> expiry = {});

    request_id get_index_from_value(data key, data index);

    request_id keys();

    broker::mailbox mailbox();

    /// Waits for the next response.
    response receive();

    /// Waits for `n` responses.
    std::vector<response> receive(size_t n);

    publisher_id frontend_id() const;

  private:
    std::shared_ptr<detail::store_frontend> frontend_;
    std::shared_ptr<detail::proxy_state> state_;
  };

  store() = default;

  explicit store(std::shared_ptr<detail::store_frontend> impl);

  /// The store's name; empty for an invalid handle.
  std::string name() const;

  /// Master or clone (clone for an invalid handle).
  broker::frontend frontend() const;

  publisher_id frontend_id() const;

  // -- queries ---------------------------------------------------------------

  expected<data> exists(data key) const;

  expected<data> get(data key) const;

  /// `data{true}` if inserted, `data{false}` if the key existed.
  expected<data> put_unique(data key, data value,
                            std::optional<timespan> expiry = {}) const;

  expected<data> get_index_from_value(data key, data index) const;

  expected<data> keys() const;

  /// Waits until nothing is in flight (upstream 2.3+): on a master, until
  /// every clone acknowledged every update; on a clone, until the master
  /// acknowledged every write (and answered every put_unique). Returns
  /// false on timeout, for an invalid handle, or once the store stopped.
  bool await_idle(timespan timeout = std::chrono::seconds{10}) const;

  // -- mutators --------------------------------------------------------------

  void put(data key, data value, std::optional<timespan> expiry = {}) const;

  void erase(data key) const;

  void clear() const;

  void increment(data key, data amount,
                 std::optional<timespan> expiry = {}) const;

  void decrement(data key, data amount,
                 std::optional<timespan> expiry = {}) const;

  void append(data key, data str, std::optional<timespan> expiry = {}) const;

  void insert_into(data key, data index,
                   std::optional<timespan> expiry = {}) const;

  void insert_into(data key, data index, data value,
                   std::optional<timespan> expiry = {}) const;

  void remove_from(data key, data index,
                   std::optional<timespan> expiry = {}) const;

  void push(data key, data value, std::optional<timespan> expiry = {}) const;

  void pop(data key, std::optional<timespan> expiry = {}) const;

  /// Kept for upstream compatibility; does nothing.
  void reset() {}

  /// Internal: the frontend (for the bindings).
  const std::shared_ptr<detail::store_frontend>& impl() const noexcept {
    return impl_;
  }

private:
  expected<data> ask(int kind, data key, data arg,
                     std::optional<timespan> expiry) const;

  void send(int kind, data key, data value, data::type init,
            std::optional<timespan> expiry) const;

  std::shared_ptr<detail::store_frontend> impl_;
};

} // namespace broker
