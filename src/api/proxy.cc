#include "broker/mailbox.hh"
#include "broker/store.hh"

#include "api/proxy_state.hh"
#include "store/store_frontend.hh"

namespace broker {

using detail::store_query;
using kind = store_query::kind;

store::proxy::proxy(store& s)
  : frontend_(s.impl()), state_(std::make_shared<detail::proxy_state>()) {}

namespace {

request_id send_query(const std::shared_ptr<detail::store_frontend>& fe,
                      const std::shared_ptr<detail::proxy_state>& state,
                      store_query q) {
  if (!fe || !state)
    return 0;
  auto id = state->next_id();
  if (fe->stopped()) {
    state->deliver(store::response{
      error{ec::unspecified, "store " + fe->name() + " is closed"}, id});
    return id;
  }
  q.publisher = fe->id();
  std::weak_ptr<detail::proxy_state> weak = state;
  fe->request(std::move(q), [weak, id](expected<data> x) {
    if (auto st = weak.lock())
      st->deliver(store::response{std::move(x), id});
  });
  return id;
}

} // namespace

request_id store::proxy::exists(data key) {
  return send_query(frontend_, state_,
                    store_query{kind::exists, std::move(key), {}, {}, {}});
}

request_id store::proxy::get(data key) {
  return send_query(frontend_, state_,
                    store_query{kind::get, std::move(key), {}, {}, {}});
}

request_id store::proxy::put_unique(data key, data value,
                                    std::optional<timespan> expiry) {
  return send_query(frontend_, state_,
                    store_query{kind::put_unique, std::move(key),
                                std::move(value), expiry, {}});
}

request_id store::proxy::get_index_from_value(data key, data index) {
  return send_query(frontend_, state_,
                    store_query{kind::get_index, std::move(key),
                                std::move(index), {}, {}});
}

request_id store::proxy::keys() {
  return send_query(frontend_, state_,
                    store_query{kind::keys, {}, {}, {}, {}});
}

broker::mailbox store::proxy::mailbox() {
  return broker::mailbox{state_};
}

store::response store::proxy::receive() {
  if (!state_)
    return response{error{ec::unspecified, "store not initialized"}, 0};
  return state_->take();
}

std::vector<store::response> store::proxy::receive(size_t n) {
  std::vector<response> result;
  result.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.push_back(receive());
  return result;
}

publisher_id store::proxy::frontend_id() const {
  return frontend_ ? frontend_->id() : publisher_id{};
}

// -- mailbox -------------------------------------------------------------------

int mailbox::descriptor() {
  return state_ ? state_->fd() : -1;
}

bool mailbox::empty() {
  return size() == 0;
}

size_t mailbox::size() {
  return state_ ? state_->size() : 0;
}

size_t mailbox::count(size_t) {
  return size();
}

} // namespace broker
