#include "broker/publisher.hh"

#include "core/core.hh"

namespace broker {

publisher::publisher(std::shared_ptr<detail::core> core,
                     std::shared_ptr<detail::publisher_state> state)
  : core_(std::move(core)), state_(std::move(state)) {}

publisher::publisher(publisher&&) noexcept = default;

publisher& publisher::operator=(publisher&& other) noexcept {
  if (this != &other) {
    reset();
    core_ = std::move(other.core_);
    state_ = std::move(other.state_);
    drop_on_destruction_ = other.drop_on_destruction_;
  }
  return *this;
}

publisher::~publisher() {
  reset();
}

size_t publisher::demand() const noexcept {
  return free_capacity();
}

size_t publisher::buffered() const noexcept {
  return state_ ? state_->buffered() : 0;
}

size_t publisher::capacity() const noexcept {
  return state_ ? state_->capacity() : 0;
}

size_t publisher::free_capacity() const noexcept {
  auto cap = capacity();
  auto buf = buffered();
  return buf < cap ? cap - buf : 0;
}

int publisher::fd() const noexcept {
  return state_ ? state_->fd() : -1;
}

const topic& publisher::get_topic() const noexcept {
  static const topic empty;
  return state_ ? state_->get_topic() : empty;
}

void publisher::publish(data x) {
  if (!state_ || !state_->acquire())
    return;
  if (!core_->publish(detail::publish_request{
        data_message{state_->get_topic(), std::move(x)}, state_, nullptr}))
    state_->release(1);
}

void publisher::publish(std::vector<data> xs) {
  // One message at a time: acquire() keeps the queue within capacity, and
  // the core drains whole runs of them per wake-up anyway.
  for (auto& x : xs)
    publish(std::move(x));
}

void publisher::drop_all_on_destruction() {
  drop_on_destruction_ = true;
}

void publisher::reset() {
  if (state_ && drop_on_destruction_)
    state_->drop_all = true;
  core_.reset();
  state_.reset();
}

} // namespace broker
