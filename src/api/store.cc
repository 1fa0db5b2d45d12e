// The user-facing store handle and its proxy: both turn calls into requests
// and commands for the store's thread (src/store/store_frontend.hh).
#include "broker/store.hh"

#include <future>

#include "api/proxy_state.hh"
#include "broker/timeout.hh"
#include "runtime/spin_loop.hh"
#include "store/store_frontend.hh"

namespace broker {

using detail::store_command;
using detail::store_query;
using tag = store_command::tag;
using kind = store_query::kind;

namespace {

error not_initialized() {
  return error{ec::unspecified, "store not initialized"};
}

} // namespace

store::store(std::shared_ptr<detail::store_frontend> impl)
  : impl_(std::move(impl)) {}

std::string store::name() const {
  return impl_ ? impl_->name() : std::string{};
}

broker::frontend store::frontend() const {
  return impl_ ? impl_->kind() : broker::frontend::clone;
}

publisher_id store::frontend_id() const {
  return impl_ ? impl_->id() : publisher_id{};
}

// -- queries -------------------------------------------------------------------

expected<data> store::ask(int k, data key, data arg,
                          std::optional<timespan> expiry) const {
  if (!impl_)
    return not_initialized();
  if (impl_->stopped())
    return error{ec::unspecified, "store " + impl_->name() + " is closed"};
  auto answer = std::make_shared<std::promise<expected<data>>>();
  auto fut = answer->get_future();
  store_query q{static_cast<kind>(k), std::move(key), std::move(arg), expiry,
                impl_->id()};
  impl_->request(std::move(q), [answer](expected<data> x) {
    answer->set_value(std::move(x));
  });
  if (!detail::wait_spinning(fut, impl_->spin(), timeout::frontend)) {
    auto err = error{ec::request_timeout,
                     "store " + impl_->name() + ": no answer within "
                       + std::to_string(timeout::frontend.count()) + " s"};
    impl_->report(err);
    return err;
  }
  return fut.get();
}

expected<data> store::exists(data key) const {
  return ask(static_cast<int>(kind::exists), std::move(key), {}, {});
}

expected<data> store::get(data key) const {
  return ask(static_cast<int>(kind::get), std::move(key), {}, {});
}

expected<data> store::put_unique(data key, data value,
                                 std::optional<timespan> expiry) const {
  return ask(static_cast<int>(kind::put_unique), std::move(key),
             std::move(value), expiry);
}

expected<data> store::get_index_from_value(data key, data index) const {
  return ask(static_cast<int>(kind::get_index), std::move(key),
             std::move(index), {});
}

expected<data> store::keys() const {
  return ask(static_cast<int>(kind::keys), {}, {}, {});
}

bool store::await_idle(timespan timeout) const {
  return impl_ && impl_->await_idle(detail::to_deadline(timeout));
}

// -- mutators ------------------------------------------------------------------

void store::send(int t, data key, data value, data::type init,
                 std::optional<timespan> expiry) const {
  if (!impl_)
    return;
  store_command cmd;
  cmd.type = static_cast<tag>(t);
  cmd.key = std::move(key);
  cmd.value = std::move(value);
  cmd.init_type = init;
  cmd.expiry = expiry;
  cmd.publisher = impl_->id();
  impl_->mutate(std::move(cmd));
}

namespace {

int as_int(tag t) {
  return static_cast<int>(t);
}

/// What a missing key starts from when incremented by `amount`.
data::type increment_init(const data& amount) {
  switch (amount.get_type()) {
    case data::type::count:
    case data::type::integer:
    case data::type::real:
      return amount.get_type();
    case data::type::timespan:
      return data::type::timestamp;
    default:
      return data::type::none;
  }
}

} // namespace

void store::put(data key, data value, std::optional<timespan> expiry) const {
  send(as_int(tag::put), std::move(key), std::move(value), data::type::none,
       expiry);
}

void store::erase(data key) const {
  send(as_int(tag::erase), std::move(key), {}, data::type::none, {});
}

void store::clear() const {
  send(as_int(tag::clear), {}, {}, data::type::none, {});
}

void store::increment(data key, data amount,
                      std::optional<timespan> expiry) const {
  auto init = increment_init(amount);
  send(as_int(tag::add), std::move(key), std::move(amount), init, expiry);
}

void store::decrement(data key, data amount,
                      std::optional<timespan> expiry) const {
  send(as_int(tag::subtract), std::move(key), std::move(amount),
       data::type::none, expiry);
}

void store::append(data key, data str, std::optional<timespan> expiry) const {
  send(as_int(tag::add), std::move(key), std::move(str), data::type::string,
       expiry);
}

void store::insert_into(data key, data index,
                        std::optional<timespan> expiry) const {
  send(as_int(tag::add), std::move(key), std::move(index), data::type::set,
       expiry);
}

void store::insert_into(data key, data index, data value,
                        std::optional<timespan> expiry) const {
  send(as_int(tag::add), std::move(key),
       data{vector{std::move(index), std::move(value)}}, data::type::table,
       expiry);
}

void store::remove_from(data key, data index,
                        std::optional<timespan> expiry) const {
  send(as_int(tag::subtract), std::move(key), std::move(index),
       data::type::none, expiry);
}

void store::push(data key, data value, std::optional<timespan> expiry) const {
  send(as_int(tag::add), std::move(key), std::move(value), data::type::vector,
       expiry);
}

void store::pop(data key, std::optional<timespan> expiry) const {
  // As upstream: the key itself is the (ignored for vectors) operand.
  auto operand = key;
  send(as_int(tag::subtract), std::move(key), std::move(operand),
       data::type::none, expiry);
}

} // namespace broker
